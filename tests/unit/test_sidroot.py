"""The sid root's stamps: a new client package is added to a cached root, the engines' key stays."""
from dockerlens.engine import sidroot


def test_a_root_without_todays_client_packages_is_not_ready_but_keeps_its_engines(tmp_path):
    (tmp_path / sidroot.STAMP).write_text(sidroot.wanted(sidroot.PACKAGES))
    assert not sidroot.ready(tmp_path)
    assert sidroot._stamped(tmp_path, sidroot.STAMP, sidroot.PACKAGES)  # provision() adds, not rebuilds
    (tmp_path / sidroot.CLIENT_STAMP).write_text(sidroot.wanted(sidroot.CLIENT_PACKAGES))
    assert sidroot.ready(tmp_path)
    (tmp_path / sidroot.CLIENT_STAMP).write_text(sidroot.wanted(sidroot.CLIENT_PACKAGES + ("docker-compose",)))
    assert not sidroot.ready(tmp_path)
