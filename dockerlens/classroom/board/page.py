"""The board's one page: a grid that polls the service every second and a panel for one cell."""
from __future__ import annotations

import html

POLL_MS = 1000

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>dockerlens board</title>
<style>
 body { font-family: system-ui, sans-serif; margin: 1em; }
 table { border-collapse: collapse; }
 th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
 td.cell { cursor: pointer; min-width: 7em; }
 td.pass { background: #dafbe1; } td.fail { background: #ffebe9; } td.stuck { background: #ffd8b5; }
 .why { font-size: 80%; color: #57606a; max-width: 18em; }
 #detail { margin-top: 1em; padding: 8px; border-left: 4px solid #cf222e; display: none; }
 code { font-size: 90%; }
</style></head>
<body>
<h1>dockerlens board</h1>
<p>Learners × lab tasks: ✓ passed, ✗ failed (last reason), attempts, time on task;
<b>stuck</b> = STUCK_FAILURES failed checks in a row or STUCK_MINUTES minutes on a task. Click a cell.</p>
<p id="status">waiting for the first check…</p>
<table id="grid"><thead></thead><tbody></tbody></table>
<div id="detail"></div>
<script>
const base = window.location.pathname.replace(/[^/]*$/, "");
// JupyterHub accepts a cookie on fetch() only with its XSRF token
const asked = {credentials: "same-origin", headers: {"X-XSRFToken": "XSRF_TOKEN"}};
const esc = s => String(s ?? "").replace(/[&<>"']/g,
  c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const mmss = s => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
const td = cells => cells.map(c => `<td>${c}</td>`).join("");
function cellHtml(who, key, c) {
  const at = `data-learner="${esc(who)}" data-task="${esc(key)}"`;
  if (!c) return `<td class="cell" ${at}></td>`;
  const kind = c.mark === "✓" ? "pass" : (c.stuck ? "stuck" : "fail");
  return `<td class="cell ${kind}" ${at} data-state="${kind}">` +
    `<b>${esc(c.mark)}</b> ${esc(c.attempts)}× · ${mmss(c.seconds)}${c.stuck ? " <b>stuck</b>" : ""}` +
    (c.reason ? `<div class="why">${esc(c.reason)}</div>` : "") + `</td>`;
}
function rowHtml(grid, r) {
  return `<tr data-learner="${esc(r.learner)}"><td>${esc(r.learner)}</td>` +
    grid.tasks.map(t => cellHtml(r.learner, t.key, r.cells[t.key])).join("") + "</tr>";
}
async function refresh() {
  const status = document.getElementById("status");
  try {
    const grid = await (await fetch(base + "api/grid", asked)).json();
    document.querySelector("#grid thead").innerHTML = "<tr><th>learner</th>" +
      grid.tasks.map(t => `<th title="${esc(t.title)}">${esc(t.key)}</th>`).join("") + "</tr>";
    document.querySelector("#grid tbody").innerHTML = grid.rows.map(r => rowHtml(grid, r)).join("");
    status.textContent = `${grid.rows.length} learner(s), ${grid.tasks.length} task(s) checked` +
      ` · updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    status.textContent = "board unreachable: " + e;
  }
}
function exchangesHtml(exchanges) {
  if (!exchanges.length) return "<p>none recorded</p>";
  const head = td(["#", "client", "method", "path", "status", "operation", "message"].map(h => `<b>${h}</b>`));
  const rows = exchanges.map(e => "<tr>" + td([esc(e.seq), esc(e.client), esc(e.method),
    `<code>${esc(e.target)}</code>`, esc(e.status), esc(e.operation), esc(e.message)]) + "</tr>");
  return `<table class="exchanges"><tr>${head}</tr>${rows.join("")}</table>`;
}
document.getElementById("grid").addEventListener("click", async ev => {
  const cell = ev.target.closest("td.cell");
  if (!cell || !cell.dataset.state) return;
  const q = new URLSearchParams({learner: cell.dataset.learner, task: cell.dataset.task});
  const d = await (await fetch(base + "api/cell?" + q, asked)).json();
  const box = document.getElementById("detail");
  box.style.display = "block";
  box.innerHTML = `<h2>${esc(d.learner)} · ${esc(d.task)} ${esc(d.title)}</h2>` +
    `<p>${esc(d.attempts)} attempt(s), ${mmss(d.seconds)} on task${d.stuck ? ", <b>stuck</b>" : ""}</p>` +
    `<p><b>last failure:</b> <span class="last-failure">${esc(d.last_failure) || "none"}</span></p>` +
    `<h3>the wiretap's requests before it</h3>` + exchangesHtml(d.exchanges);
});
refresh();
setInterval(refresh, POLL_MS);
</script></body></html>
"""


def page(xsrf_token: str) -> str:
    """The board's HTML: the stuck rule spelled out from the store's constants, and the XSRF
    token JupyterHub requires of a cookie-authenticated fetch() (not of a page navigation)."""
    from .store import STUCK_FAILURES, STUCK_SECONDS
    return (PAGE.replace("POLL_MS", str(POLL_MS)).replace("XSRF_TOKEN", html.escape(xsrf_token))
            .replace("STUCK_FAILURES", str(STUCK_FAILURES))
            .replace("STUCK_MINUTES", str(STUCK_SECONDS // 60)))
