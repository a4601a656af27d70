"""The local-or-remote rule and the namespace parsing, without a daemon."""
from dockerlens.engine.host import NamespaceComparison, decide, endpoint_is_here, parse_ns_listing

LS = """total 0
lrwxrwxrwx    1 0        0                0 Nov 28 13:33 ipc -> ipc:[4026532182]
lrwxrwxrwx    1 0        0                0 Nov 28 13:33 pid -> pid:[4026532183]
lrwxrwxrwx    1 0        0                0 Nov 28 13:33 user -> user:[4026531837]
"""


def test_endpoints_on_this_machine():
    assert endpoint_is_here("unix:///var/run/docker.sock")
    assert endpoint_is_here("http+docker://localhost")
    assert endpoint_is_here("tcp://127.0.0.1:2375")
    assert not endpoint_is_here("tcp://10.0.0.5:2376")
    assert not endpoint_is_here("ssh://me@build-box")
    assert not endpoint_is_here("http+docker://ssh")


def test_local_needs_same_host_name_and_kernel():
    assert decide("unix:///var/run/docker.sock", "vm", "6.1", "vm", "6.1")
    desktop = decide("unix:///Users/me/.docker/run/docker.sock", "docker-desktop", "6.10", "mac", "23.0")
    assert not desktop and "docker-desktop" in desktop.reason
    assert not decide("unix:///var/run/docker.sock", "vm", "6.1", "vm", "6.2")
    remote = decide("tcp://10.0.0.5:2376", "vm", "6.1", "vm", "6.1")
    assert not remote and "another machine" in repr(remote)


def test_namespace_listing_is_parsed_and_compared():
    inside = parse_ns_listing(LS)
    assert inside == {"ipc": "ipc:[4026532182]", "pid": "pid:[4026532183]", "user": "user:[4026531837]"}
    cmp = NamespaceComparison(inside, {"ipc": "ipc:[1]", "pid": "pid:[2]", "user": "user:[4026531837]"})
    assert cmp.differing == ["ipc", "pid"] and cmp.shared == ["user"]
    assert "<b>own</b>" in cmp._repr_html_() and "shared" in repr(cmp)
