"""Lab 09 · registries: publish an image, pin it by digest, find what a container really runs.

The setup (``lab.prepare()``) starts two registries of the learner (``lab``, and
``lab-secure`` with a password), builds the image to publish, and stages the investigation:
a container created from the tag ``course/tool:stable`` before that tag was moved.
Checks ask the registries themselves (their own port, not the relay) and the daemon.
"""
from __future__ import annotations

import html
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import registry
from ..engine import scope
from ..engine.facts import normalise_ref
from ..registry import http, state
from ..registry.reference import Reference
from ..registry.trust import trust
from .framework import Lab
from .outcomes import Fail

LAB = Lab("09", "Registries: publish, pin, investigate",
          goal="Publish an image so other daemons can pull it, pin exactly what you published, find out what a deployed container really runs, and move an image with no registry at all.")
USER, PASSWORD = "student", "lab-09-pass"
TOOL_TAGS = ("v1", "v2", "v3")
DOCKERFILE = 'FROM dockerlens/base:1\nCOPY message.txt /message.txt\nCMD ["cat", "/message.txt"]'
APP_DOCKERFILE = "FROM scratch\nCOPY message.txt /message.txt\n"  # one small file: a small app.tar


@dataclass
class Prepared:
    """What the setup made: the two registries, the image to publish, the staged container."""
    lab: str
    secure: str
    app: str
    deployed: str
    registries: dict = field(default_factory=dict)  # "lab", "lab-secure" → lens.registry.Registry

    def __repr__(self) -> str:
        return (f"lab registry {self.lab} (no password) · secure registry {self.secure} "
                f"(user {USER}, password {PASSWORD}) · your image {self.app} · "
                f"container {self.deployed} (created from course/tool:stable)")

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(repr(self))}</code>"


@LAB.preparation
def setup(client) -> Prepared:
    """Start both registries, build the app, stage the moved tag and its container (starts clean)."""
    scope.reset(client, "09")
    lab = registry.start("lab", lesson="09")
    secure = registry.start("lab-secure", users={USER: PASSWORD}, lesson="09")
    app = scope.name("app") + ":1.0"
    registry.build_image(client, app, APP_DOCKERFILE, {"message.txt": b"the app, version 1.0\n"},
                         labels=scope.labels("09"))
    refused = lab.accepted_by(client)
    if not refused:  # e.g. Podman without an insecure entry in registries.conf: say so, push nothing
        return Prepared(lab.address, secure.address, app, f"nothing: {refused.reason}",
                        {"lab": lab, "lab-secure": secure})
    tools = {t: registry.build_image(client, scope.name("tool") + f":{t}", DOCKERFILE,
                                     {"message.txt": f"tool {t}\n".encode()}, labels=scope.labels("09"))
             for t in TOOL_TAGS}
    for tag, img in tools.items():
        _push(client, img, lab.ref("course/tool", tag))
    stable = lab.ref("course/tool", "stable")
    _push(client, tools["v1"], stable)
    deployed = client.containers.run(stable, ["sleep", "3600"], name=scope.name("deployed"),
                                     labels=scope.labels("09"), detach=True)
    _push(client, tools["v3"], stable)  # the tag moves on; the running container does not
    for tag in [lab.ref("course/tool", t) for t in TOOL_TAGS]:
        client.images.remove(tag)
    return Prepared(lab.address, secure.address, app, deployed.name, {"lab": lab, "lab-secure": secure})


def _push(client, img, ref: str) -> None:
    repository, _, tag = ref.rpartition(":")
    img.tag(repository, tag)  # repository and tag apart: Podman refuses "repo:tag" as a repository
    for line in client.images.push(ref, stream=True, decode=True):
        if "error" in line:
            raise RuntimeError(f"the lab's setup could not push {ref}: {line['error']}")


# --- reading the learner's registries ---------------------------------------------------------
def _registry(name: str, ctx=None) -> state.Record:
    found = [r for r in state.records(scope.learner(), "09") if r.name == name and state.alive(r)]
    if not found:
        raise Fail(f"the lab's registry `{name}` is not running: run the setup cell "
                   "(`lab.prepare()`) again; it starts both registries")
    if ctx is not None:
        accepted = trust(ctx.client.info(), f"127.0.0.1:{found[0].relay_port}")
        if not accepted:
            raise Fail(f"this engine will not push to the lab registry: {accepted.reason}")
    return found[0]


def _get(rec: state.Record, path: str, method: str = "GET") -> http.Answer:
    headers = {"Accept": http.MANIFEST_TYPES}
    if rec.name == "lab-secure":
        headers["Authorization"] = http.basic(USER, PASSWORD)
    return http.request(rec.port, method, path, headers)


def _repositories(rec) -> list[str]:
    return _get(rec, "/v2/_catalog").json().get("repositories") or []


def _tags(rec, repo: str) -> list[str]:
    answer = _get(rec, f"/v2/{repo}/tags/list")
    return sorted(answer.json().get("tags") or []) if answer.status == 200 else []


def _config_digest(rec, repo: str, reference: str) -> tuple[str, str]:
    """(manifest digest, config digest) of REPO:REFERENCE in the registry, ('', '') if absent."""
    answer = _get(rec, f"/v2/{repo}/manifests/{reference}")
    if answer.status != 200:
        return "", ""
    return answer.digest, (answer.json().get("config") or {}).get("digest", "")


def _what_image(ctx, *digests: str) -> str:
    """A local name for what the registry holds, for a ✗ that says what the push really was.

    An image ID is the config's digest (classic store) or the manifest's (containerd store).
    """
    img = None
    for digest in digests:
        try:
            img = ctx.client.images.get(digest)
            break
        except Exception:
            continue
    if img is None:
        return f"image {digests[-1][:19]}…"
    return f"`{_local_name(img.tags)}`" if img.tags else f"image {img.short_id}"


def _local_name(tags: list[str]) -> str:
    """The name a learner knows an image by: not a registry copy, the course's names first.

    >>> _local_name(["docker.io/library/x-sentinel:1", "localhost/dockerlens/base:1", "127.0.0.1:5000/course/app:1.0"])
    'dockerlens/base:1'
    """
    names = [normalise_ref(t) for t in tags]
    local = [n for n in names if Reference.parse(n).registry == "docker.io"] or names  # not a registry copy
    ours = [n for n in local if n.startswith((scope.name(""), "dockerlens/"))]
    return (ours or local)[0]


def _app_published(ctx, name: str, where: str) -> None:
    rec = _registry(name, ctx)
    app = ctx.image(scope.name("app") + ":1.0")
    repos = _repositories(rec)
    if "course/app" not in repos:
        others = [r for r in repos if r != "course/tool"]
        also = f"; it holds {', '.join(f'`{r}`' for r in others)}" if others else ""
        raise Fail(f"the {where} registry at 127.0.0.1:{rec.relay_port} has no repository "
                   f"`course/app`{also}: the repository is the part of the reference after the address")
    tags = _tags(rec, "course/app")
    if "1.0" not in tags:
        raise Fail(f"`course/app` in the {where} registry has the tag(s) {', '.join(f'`{t}`' for t in tags)} "
                   "but not `1.0`: the tag you push is the tag the registry keeps")
    manifest, config = _config_digest(rec, "course/app", "1.0")
    digests = {d.partition("@")[2] for d in app.attrs.get("RepoDigests") or []}
    if config != app.id and manifest not in digests:
        raise Fail(f"`course/app:1.0` in the {where} registry is {_what_image(ctx, manifest, config)}, not "
                   f"`{scope.name('app')}:1.0`: tag your image with the registry's reference and push that")


@LAB.task(1, "your image published in the lab registry", goal='Your image `lens.name("app") + ":1.0"` exists only on this daemon. Make it available in the **lab registry** (`prepared.lab`) as the repository `course/app` with the tag `1.0`, so that any daemon that can reach the registry could pull it.',
          section="Push: your client asks once, the daemon does the work",
          hints=("a registry reference starts with the registry's address; give the image a second "
                "name that points into the lab registry, then push that name",
                "`img.tag(...)` and `client.images.push(...)`, or `docker tag` and `docker push`",
                "`img.tag(\"127.0.0.1:PORT/course/app\", \"1.0\")`, then `client.images.push(...)` with the same name"))
def published(ctx):
    _app_published(ctx, "lab", "lab")


@LAB.task(2, "a reference that always pulls exactly what you published", goal='Someone may push another image as `course/app:1.0` tomorrow. Put into the variable `pinned` a reference to your published image that will pull the same bytes, whatever happens to the tag.',
          section="Tags move, digests do not",
          hints=("a tag can be moved; what never changes is the digest the registry computed for the manifest",
                "the push's last message (`aux.Digest`, or `digest: sha256:…` in its status), the "
                "registry's `Docker-Content-Digest` header, or on Docker the image's `RepoDigests`",
                "`pinned = \"127.0.0.1:PORT/course/app@sha256:…\"`"))
def pinned(ctx):
    value = ctx.var("pinned", str, "a reference to your published image that no later push can change")
    rec = _registry("lab")
    ref = Reference.parse(value.strip())
    if not ref.digest:
        raise Fail(f"`pinned` (`{value}`) names the tag `{ref.tag}`: the next push of that tag changes "
                   "what it pulls. A reference pinned to content ends in `@sha256:` and the digest")
    lab = f"127.0.0.1:{rec.relay_port}"
    if ref.registry != lab:
        raise Fail(f"`pinned` names the registry `{ref.registry}`, not the lab registry `{lab}`")
    if ref.repository != "course/app":
        raise Fail(f"`pinned` names the repository `{ref.repository}`, not `course/app`")
    found = _get(rec, f"/v2/course/app/manifests/{ref.digest}", "HEAD")
    if found.status != 200:
        app = ctx.image(scope.name("app") + ":1.0")
        if ref.digest == app.id:
            raise Fail("the digest in `pinned` is your image's ID (the digest of its config), not of a "
                       "manifest: the registry knows images by their manifest's digest, which the push "
                       "reported and `RepoDigests` keeps")
        if any(d.endswith("@" + ref.digest) for d in app.attrs.get("RepoDigests") or []):
            raise Fail(f"`{ref.digest[:19]}…` is in your image's `RepoDigests`, but the registry has no such "
                       "manifest: this engine keeps the digest of its local manifest there and pushed "
                       "another one (Podman compresses the layers on push). Take the digest the push "
                       "reported in its last message")
        raise Fail(f"the lab registry has no manifest `{ref.digest[:19]}…` in `course/app` (HTTP {found.status})")
    manifest, _ = _config_digest(rec, "course/app", "1.0")
    if ref.digest != manifest:
        raise Fail(f"`pinned` names a manifest of `course/app`, but not the one the tag `1.0` was "
                   f"published as ({manifest[:19]}…)")


@LAB.task(3, "investigation: which version does the deployed container run?", goal='The setup published three versions of a tool (`course/tool:v1`, `v2`, `v3`) and a tag `stable`. The container `lens.name("deployed")` was created from `course/tool:stable`. Which version does it run **now**? Put the version tag (`"v1"`, `"v2"` or `"v3"`) into `deployed_tag`. Find it out from the daemon and the registry; do not guess from names.',
          section="Tags move, digests do not",
          hints=("a container keeps the image it was created from, even after the tag moves; "
                "compare what the container runs with what each tag names now",
                "the container's `image.id` (`ctr.image.id`, or `docker inspect`), and each tag's manifest "
                "in the registry (its config digest is the image ID)",
                "for each tag, `prepared.registries[\"lab\"].manifest(\"course/tool\", tag)`: compare its "
                "`digest` and its `json()[\"config\"][\"digest\"]` with `ctr.image.id` (which of the "
                "two the ID is depends on the image store)"))
def deployed(ctx):
    value = ctx.var("deployed_tag", str, "the tag (v1, v2 or v3) whose image the container runs")
    value = value.strip()
    if not value.startswith("sha256:") and "@" not in value:
        value = value.rpartition(":")[2]  # "course/tool:v1" names the tag v1 too
    rec = _registry("lab")
    ctr = ctx.container("deployed")
    runs = ctr.attrs["Image"]
    # each tag's (manifest, config) digests: the image ID is one of them (classic or containerd store)
    names = {t: _config_digest(rec, "course/tool", t) for t in (*TOOL_TAGS, "stable")}
    if value.startswith("sha256:") or "@" in value:
        raise Fail("`deployed_tag` holds a digest; the task asks for the name of the tag (v1, v2 or v3)")
    if value == "stable":
        raise Fail("`stable` is the tag the container was created from, but the tag has moved since: "
                   "it now names another image than the one the container runs")
    if value not in TOOL_TAGS:
        raise Fail(f"`course/tool` has no tag `{value}`; its version tags are v1, v2 and v3")
    if runs in names[value]:
        return
    if names[value] == names["stable"]:
        raise Fail(f"`{value}` is what `stable` names now; the container was created from `stable` "
                   "before the tag moved, and kept the image it had then")
    raise Fail(f"`{value}` names image {names[value][1][:19]}… in the registry; the container runs "
               f"{runs[:19]}…")


@LAB.task(4, "your image published in the registry that wants a password", goal='Publish the same image as `course/app:1.0` in the **secure registry** (`prepared.secure`). Its user is `student`, the password `lab-09-pass`. Do not log in with your own `~/.docker`: pass the credentials with the push, or use a configuration folder of your own.',
          section="A registry with a password",
          hints=("this registry answers 401 to anyone who does not authenticate; the credentials travel "
                "from your client with the push",
                "`auth_config={\"username\": ..., \"password\": ...}` on `client.images.push`, or `docker login` "
                "with a `--config` folder of your own",
                "`client.images.push(ref, auth_config={\"username\": \"student\", \"password\": \"lab-09-pass\"})`"))
def secure_push(ctx):
    _app_published(ctx, "lab-secure", "secure")


@LAB.task(5, "your image in a file another machine can load", goal='A classroom machine has no network at all. Write your image into `app.tar` beside this notebook so that loading the file there gives back the image **with its name** `lens.name("app") + ":1.0"`.',
          section="Without a registry: save and load",
          hints=("a registry is one way to move an image; a tar archive of the image with its tag is another",
                "`img.save(named=...)` with the name as `img.tags` spells it (Podman writes "
                "`docker.io/library/...`), or `docker save`, written to `app.tar` beside this notebook",
                "`name = next(t for t in img.tags if same_ref(t, lens.name(\"app\") + \":1.0\"))` "
                "(`from dockerlens.engine.facts import same_ref`); "
                "`Path(\"app.tar\").write_bytes(b\"\".join(img.save(named=name)))`"))
def archive(ctx):
    app = ctx.image(scope.name("app") + ":1.0")
    path = Path("app.tar")
    if not path.exists():
        raise Fail(f"there is no `app.tar` in {Path.cwd()}: write the archive beside this notebook")
    try:
        with tarfile.open(path) as tar:
            entries = [(e, _diff_ids(tar, e)) for e in json.load(tar.extractfile("manifest.json"))]
    except (tarfile.TarError, KeyError, ValueError, TypeError):
        raise Fail("`app.tar` is not an image archive (no `manifest.json` in a tar): write what "
                   "the daemon's save gives, all of it")
    layers = app.attrs["RootFS"]["Layers"]  # diff IDs: the same in both image stores and in the tar
    wanted = scope.name("app") + ":1.0"
    full = Reference.parse(wanted).full
    mine = [e for e, ids in entries if ids == layers]
    if not mine:
        raise Fail(f"`app.tar` holds another image, not `{wanted}`")
    if not any(full in {Reference.parse(t).full for t in e.get("RepoTags") or []} for e in mine):
        raise Fail(f"`app.tar` holds your image but not its tag `{wanted}` (RepoTags: "
                   f"{mine[0].get('RepoTags')}): loaded elsewhere it would have no name. Save it by its tag")


def _diff_ids(tar, entry: dict) -> list[str]:
    """The layer diff IDs an archive's manifest entry names, read from its config blob."""
    return json.load(tar.extractfile(entry["Config"]))["rootfs"]["diff_ids"]


