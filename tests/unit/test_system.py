"""What prepare() does to a machine it may change: only what is needed, safely."""
import os
import subprocess

from dockerlens.engine.system import _drop_stale_pidfile


def test_a_pid_file_naming_another_live_process_is_dropped(tmp_path):
    """After a kill, the pid may belong to something else: dockerd would refuse to start."""
    pidfile = tmp_path / "dockerd.pid"
    pidfile.write_text(str(os.getpid()))  # alive, but python, not dockerd
    _drop_stale_pidfile(pidfile)
    assert not pidfile.exists()


def test_a_pid_file_of_a_dead_process_is_dropped(tmp_path):
    proc = subprocess.Popen(["true"])
    proc.wait()
    pidfile = tmp_path / "dockerd.pid"
    pidfile.write_text(str(proc.pid))
    _drop_stale_pidfile(pidfile)
    assert not pidfile.exists()


def test_no_pid_file_is_fine(tmp_path):
    missing = tmp_path / "none.pid"
    assert _drop_stale_pidfile(missing) is None  # no error for a pid file that is not there
    assert not missing.exists() and list(tmp_path.iterdir()) == []
