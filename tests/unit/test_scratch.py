"""Scratch directories of killed kernels are swept; live ones and foreign names are kept."""
import os
import subprocess

from dockerlens.wire import scratch


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_killed_processes_directory_is_swept_and_a_live_one_kept(tmp_path):
    dead = tmp_path / f"dockerlens-wiretap-{_dead_pid()}-abc"
    live = tmp_path / f"dockerlens-wiretap-{os.getpid()}-def"
    other_kind = tmp_path / f"dockerlens-replay-{_dead_pid()}-ghi"
    unnamed = tmp_path / "dockerlens-wiretap-old_style"
    for folder in (dead, live, other_kind, unnamed):
        folder.mkdir()
        (folder / "docker.sock").touch()
    assert scratch.sweep("wiretap", root=str(tmp_path)) == [str(dead)]
    assert not dead.exists()
    assert live.exists() and other_kind.exists() and unnamed.exists()


def test_private_dir_is_named_for_its_process_and_closed_to_others():
    folder = scratch.private_dir("wiretap")
    try:
        assert os.path.basename(folder).startswith(f"dockerlens-wiretap-{os.getpid()}-")
        assert os.stat(folder).st_mode & 0o777 == 0o700
    finally:
        os.rmdir(folder)
