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
const asked = {credentials: "same-origin", headers: {"X-XSRFToken": "XSRF_TOKEN"}};  // the hub's rule for fetch()
const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
const mmss = s => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
function cellHtml(who, key, c) {
  if (!c) return `<td class="cell" data-learner="${esc(who)}" data-task="${key}"></td>`;
  const kind = c.mark === "✓" ? "pass" : (c.stuck ? "stuck" : "fail");
  return `<td class="cell ${kind}" data-learner="${esc(who)}" data-task="${key}" data-state="${kind}">` +
    `<b>${c.mark}</b> ${c.attempts}× · ${mmss(c.seconds)}${c.stuck ? " <b>stuck</b>" : ""}` +
    (c.reason ? `<div class="why">${esc(c.reason)}</div>` : "") + `</td>`;
}
async function refresh() {
  try {
    const grid = await (await fetch(base + "api/grid", asked)).json();
    document.querySelector("#grid thead").innerHTML = "<tr><th>learner</th>" +
      grid.tasks.map(t => `<th title="${esc(t.title)}">${t.key}</th>`).join("") + "</tr>";
    document.querySelector("#grid tbody").innerHTML = grid.rows.map(r =>
      `<tr data-learner="${esc(r.learner)}"><td>${esc(r.learner)}</td>` +
      grid.tasks.map(t => cellHtml(r.learner, t.key, r.cells[t.key])).join("") + "</tr>").join("");
    document.getElementById("status").textContent =
      `${grid.rows.length} learner(s), ${grid.tasks.length} task(s) checked · updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    document.getElementById("status").textContent = "board unreachable: " + e;
  }
}
document.getElementById("grid").addEventListener("click", async ev => {
  const td = ev.target.closest("td.cell");
  if (!td || !td.dataset.state) return;
  const q = new URLSearchParams({learner: td.dataset.learner, task: td.dataset.task});
  const d = await (await fetch(base + "api/cell?" + q, asked)).json();
  const rows = d.exchanges.map(e => `<tr><td>${e.seq}</td><td>${esc(e.client)}</td><td>${esc(e.method)}</td>` +
    `<td><code>${esc(e.target)}</code></td><td>${e.status ?? ""}</td><td>${esc(e.operation)}</td><td>${esc(e.message)}</td></tr>`).join("");
  const box = document.getElementById("detail");
  box.style.display = "block";
  box.innerHTML = `<h2>${esc(d.learner)} · ${esc(d.task)} ${esc(d.title)}</h2>` +
    `<p>${d.attempts} attempt(s), ${mmss(d.seconds)} on task${d.stuck ? ", <b>stuck</b>" : ""}</p>` +
    `<p><b>last failure:</b> <span class="last-failure">${esc(d.last_failure) || "none"}</span></p>` +
    `<h3>the wiretap's requests before it</h3>` + (rows ? `<table class="exchanges"><tr><th>#</th><th>client</th>` +
    `<th>method</th><th>path</th><th>status</th><th>operation</th><th>message</th></tr>${rows}</table>` : "<p>none recorded</p>");
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
