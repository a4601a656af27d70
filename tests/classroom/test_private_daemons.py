"""A learner's daemon is theirs alone, is not root on the host, and comes back when it dies."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from dockerlens.classroom.daemon import LearnerDaemon

from .conftest import as_learner, classroom_cli

MAKE_SECRET = """
import dockerlens as lens
client = lens.setup("05", show=False)
ctr = client.containers.run(lens.image("base"), ["sleep", "600"], name=lens.name("secret"),
                            labels=lens.labels(), detach=True)
print(ctr.id)
"""

LOOK_FOR = """
import sys, docker, dockerlens as lens
client = lens.setup("05", show=False)
secret = sys.argv[1] if len(sys.argv) > 1 else "{id}"
names = [c.name for c in client.containers.list(all=True)]
print("names", names)
try:
    client.containers.get(secret).remove(force=True)
    print("REMOVED")
except docker.errors.NotFound:
    print("not found")
try:
    docker.DockerClient(base_url="unix://{other}").containers.list()
    print("REACHED")
except Exception as err:
    print("other socket:", type(err).__name__, err)
"""

MOUNT_HOST_ROOT = """
import dockerlens as lens
client = lens.setup("05", show=False)
out = client.containers.run(lens.image("base"), ["sh", "-c",
    "id -u; head -1 /proc/self/uid_map; "
    "cat /host/etc/shadow >/dev/null 2>&1 && echo READ-SHADOW; "
    "ls /host/root >/dev/null 2>&1 && echo LISTED-ROOT-HOME; "
    "touch /host/usr/{marker} 2>/dev/null && echo WROTE-USR; "
    "touch /host/etc/{marker} 2>/dev/null; echo end"],
    volumes={{"/": {{"bind": "/host", "mode": "rw"}}}}, labels=lens.labels(), remove=True)
print(out.decode())
"""


def test_learner_a_cannot_see_or_touch_learner_b(cfg):
    a, b = cfg.learner_names
    made = as_learner(cfg, b, MAKE_SECRET)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.split()[-1]
    seen = as_learner(cfg, a, LOOK_FOR.format(id=secret, other=LearnerDaemon(b).socket))
    assert seen.returncode == 0, seen.stderr
    assert f"lens-{b}-secret" not in seen.stdout and "not found" in seen.stdout
    assert "REMOVED" not in seen.stdout and "REACHED" not in seen.stdout
    assert "Permission denied" in seen.stdout or "PermissionError" in seen.stdout, seen.stdout
    still = as_learner(cfg, b, f"import dockerlens as lens; c = lens.setup('05', show=False); "
                               f"print(c.containers.get('{secret}').status)")
    assert still.stdout.strip().endswith("running"), still.stdout + still.stderr


NEIGHBOURS = """
import os
for what, path in [("home", "{home}"), ("host socket", "/var/run/docker.sock")]:
    try:
        os.listdir(path) if what == "home" else __import__("socket").socket(1).connect(path)
        print(what, "OPEN")
    except OSError as err:
        print(what, type(err).__name__)
"""


def test_a_learner_cannot_open_a_neighbours_home_nor_the_hosts_daemon(cfg):
    import pwd
    a, b = cfg.learner_names
    done = as_learner(cfg, a, NEIGHBOURS.format(home=pwd.getpwnam(b).pw_dir))
    assert done.stdout.split("\n")[:2] == ["home PermissionError", "host socket PermissionError"], \
        done.stdout + done.stderr


def test_mounting_the_host_root_gives_no_host_root(cfg):
    a = cfg.learner_names[0]
    marker = f"dockerlens-classroom-{a}-was-here"
    done = as_learner(cfg, a, MOUNT_HOST_ROOT.format(marker=marker))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    uid = os.stat(LearnerDaemon(a).runtime_dir).st_uid
    assert lines[0] == "0"                       # root inside the container ...
    assert lines[1:4] == ["0", str(uid), "1"]    # ... is the learner's own uid on the host
    for escaped in ("READ-SHADOW", "LISTED-ROOT-HOME", "WROTE-USR"):
        assert escaped not in done.stdout, done.stdout
    # the daemon's /etc is rootlesskit's private copy: a write there never reaches the host's
    assert not Path(f"/etc/{marker}").exists() and not Path(f"/usr/{marker}").exists()


def _wait_for(predicate, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_a_daemon_that_dies_is_restarted_and_reported(cfg):
    a = cfg.learner_names[0]
    daemon = LearnerDaemon(a)
    before = daemon.state()
    os.killpg(before["pid"], signal.SIGKILL)
    assert _wait_for(lambda: daemon.state().get("starts", 0) > before["starts"] and daemon.answers()), \
        f"the daemon was not restarted: {json.dumps(daemon.state())}"
    doctor = as_learner(cfg, a, "import dockerlens as lens; print(lens.doctor())")
    row = next(line for line in doctor.stdout.splitlines() if "private daemon" in line)
    assert row.startswith("WARN") and "restarted it (1 restart(s))" in row, doctor.stdout
    assert "rootless, private to you" in doctor.stdout
    import docker
    info = docker.DockerClient(base_url=daemon.url).info()
    assert ("WARN  cgroups" in doctor.stdout) == (info["CgroupDriver"] == "none"), doctor.stdout
    status = classroom_cli("status").stdout
    line = next(r for r in status.splitlines() if r.strip().startswith(a))
    assert "answers" in line and "(exit -9)" in line, status


def test_the_daemon_stops_with_the_server_and_keeps_the_learners_objects(cfg):
    from dockerlens.classroom import hubapi
    b = cfg.learner_names[1]
    daemon = LearnerDaemon(b)
    made = as_learner(cfg, b, "import dockerlens as lens; c = lens.setup('05', show=False); "
                              "print(c.volumes.create(lens.name('kept'), labels=lens.labels()).name)")
    assert made.returncode == 0, made.stderr
    group = daemon.state()["pid"]
    hubapi.stop_server(cfg, b)
    # dockerd stops its running containers first (10 s each at most), then its process group ends
    assert _wait_for(lambda: hubapi.server_pid(cfg, b) is None and not _group_alive(group), 90)
    assert not daemon.answers()
    hubapi.start_server(cfg, b)
    kept = as_learner(cfg, b, "import dockerlens as lens; c = lens.setup('05', show=False); "
                              "print([v.name for v in c.volumes.list()])")
    assert f"lens-{b}-kept" in kept.stdout, kept.stdout + kept.stderr


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


PUBLISH = """
import dockerlens as lens
client = lens.setup("05", show=False)
ctr = client.containers.run(lens.image("web"), name=lens.name("port"), labels=lens.labels(), detach=True,
                            ports={"80/tcp": ("127.0.0.1", None)})
ctr.reload()
print("PORT", ctr.attrs["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"])
ctr.remove(force=True)
"""


def test_two_learners_random_host_ports_come_from_their_own_ranges(cfg):
    """Every rootless daemon hands out 32768 first and rootlesskit binds it on the host: without
    a range per learner, a class publishing ports at once collides ("Error starting userland proxy")."""
    ports = {}
    for name in cfg.learner_names:
        done = as_learner(cfg, name, PUBLISH)
        assert done.returncode == 0, done.stderr[-1500:]
        ports[name] = int(next(l for l in done.stdout.splitlines() if l.startswith("PORT ")).split()[1])
    for name, port in ports.items():
        low, high = LearnerDaemon(name).port_range
        assert low <= port <= high, (name, port, low, high)
    assert len(set(ports.values())) == len(ports), ports
