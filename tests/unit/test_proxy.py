"""HTTP framing through the proxy, against a scripted upstream (no daemon: these test the relay)."""
from __future__ import annotations

import socket
import threading

import pytest

from dockerlens.wire.proxy import Malformed, Proxy, read_head
from dockerlens.wire.rawhttp import raw
from dockerlens.wire.wiretap import Transcript


class Upstream:
    """A Unix socket that answers each connection with ``handler(sock, rfile)``."""

    def __init__(self, path: str, handler):
        self.path, self.handler, self.received = path, handler, []
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen(8)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        with sock:
            self.handler(sock, sock.makefile("rb"), self.received)

    def close(self):
        self.server.close()


@pytest.fixture
def rig(tmp_path):
    made = []

    def make(handler):
        up = Upstream(str(tmp_path / f"up{len(made)}.sock"), handler)
        transcript = Transcript()
        proxy = Proxy(str(tmp_path / f"p{len(made)}.sock"), up.path,
                      on_exchange=transcript.observe).start()
        made.append((up, proxy))
        return up, proxy, transcript

    yield make
    for up, proxy in made:
        proxy.stop()
        up.close()


def talk(proxy, data: bytes, half_close: bool = False) -> bytes:
    """Send bytes to the proxy and read until it closes the connection."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(proxy.listen_path)
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def read_request(rfile, received):
    head = read_head(rfile, request=True)
    if head is None:
        return None
    n = head.length() or 0
    received.append(head.raw + rfile.read(n))
    return head


def test_head_answer_has_no_body_and_connection_is_reused(rig):
    def handler(sock, rfile, received):
        while (head := read_request(rfile, received)) is not None:
            if head.first[0] == b"HEAD":
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
            else:
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK")
                return
    up, proxy, transcript = rig(handler)
    out = talk(proxy, b"HEAD /_ping HTTP/1.1\r\nHost: d\r\nUser-Agent: Docker-Client/28\r\n\r\n"
                      b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n")
    assert out.count(b"HTTP/1.1 200 OK") == 2 and out.endswith(b"\r\n\r\nOK")
    assert [(e.client, e.operation) for e in transcript.since(0)] == [
        ("cli", "SystemPingHead"), ("http", "SystemPing")]


def test_chunked_answer_with_trailer_is_forwarded_exactly(rig):
    body = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n5\r\n{\"a\":\r\n3;ext=1\r\n 1}\r\n0\r\nX-Trailer: yes\r\n\r\n")

    def handler(sock, rfile, received):
        read_request(rfile, received)
        sock.sendall(body)
        rfile.read()  # wait for the proxy to close

    up, proxy, transcript = rig(handler)
    out = talk(proxy, b"GET /v1.41/info HTTP/1.1\r\nHost: d\r\n\r\n", half_close=True)
    assert out == body
    ex = transcript.latest()
    assert ex.response_preview == '{"a": 1}' and ex.pretty() == '{\n  "a": 1\n}' and ex.done


def test_answer_until_close_and_chunked_request_body(rig):
    def handler(sock, rfile, received):
        head = read_head(rfile, request=True)
        chunks = b""
        while (line := rfile.readline()) != b"0\r\n":
            chunks += line + rfile.readline()
        rfile.readline()
        received.append(chunks)
        sock.sendall(b"HTTP/1.1 200 OK\r\n\r\nall of it until close")

    up, proxy, transcript = rig(handler)
    out = talk(proxy, b"POST /build HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n")
    assert out.endswith(b"\r\n\r\nall of it until close")
    assert up.received == [b"4\r\nwiki\r\n5\r\npedia\r\n"]
    assert transcript.latest().operation == "ImageBuild"


def test_expect_continue(rig):
    def handler(sock, rfile, received):
        read_head(rfile, request=True)
        sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        received.append(rfile.read(5))
        sock.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    up, proxy, transcript = rig(handler)
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(proxy.listen_path)
        s.sendall(b"PUT /v1.41/containers/x/archive HTTP/1.1\r\nContent-Length: 5\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(b"hello")
        assert s.recv(100).startswith(b"HTTP/1.1 204")
    assert up.received == [b"hello"]
    assert transcript.latest().status == 204


def test_upgrade_relays_both_directions_and_half_closes(rig):
    def handler(sock, rfile, received):
        read_head(rfile, request=True)
        sock.sendall(b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
        data = rfile.read()  # until the client half-closes
        sock.sendall(b"echo:" + data)
        sock.shutdown(socket.SHUT_WR)

    up, proxy, transcript = rig(handler)
    out = talk(proxy, b"POST /v1.41/exec/abc/start HTTP/1.1\r\nConnection: Upgrade\r\n"
                      b"Upgrade: tcp\r\nContent-Length: 0\r\n\r\nstdin bytes", half_close=True)
    assert out.endswith(b"\r\n\r\necho:stdin bytes")
    ex = transcript.latest()
    assert ex.upgraded and ex.status == 101 and ex.operation == "ExecStart"


def test_garbage_from_upstream_is_a_502(rig):
    def handler(sock, rfile, received):
        read_head(rfile, request=True)
        sock.sendall(b"SSH-2.0-not-http\r\n\r\n")

    up, proxy, transcript = rig(handler)
    out = talk(proxy, b"GET /_ping HTTP/1.1\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 502 Bad Gateway")
    assert transcript.latest().status == 502 and transcript.latest().error


NOT_FOUND = b'{"message":"no such directory"}'


@pytest.mark.parametrize("expect", [False, True])
def test_an_answer_before_the_body_is_relayed_not_a_502(rig, expect):
    """The daemon answers a large upload at once and closes unread: the client gets its answer."""
    def handler(sock, rfile, received):
        read_head(rfile, request=True)  # and not the body: it answers at once, as dockerd does
        sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(NOT_FOUND), NOT_FOUND))

    up, proxy, transcript = rig(handler)
    answer = raw("PUT", "/containers/x/archive?path=/no", body=b"\0" * (8 << 20), endpoint=proxy.url,
                 timeout=10, headers={"Expect": "100-continue"} if expect else {})
    assert (answer.status, answer.body) == (404, NOT_FOUND)
    ex = transcript.latest()
    assert ex.status == 404 and not ex.error and ex.operation == "PutContainerArchive"


def test_a_daemon_that_closes_on_the_body_without_a_word_is_a_502(rig):
    def handler(sock, rfile, received):
        read_head(rfile, request=True)

    up, proxy, transcript = rig(handler)
    answer = raw("PUT", "/containers/x/archive?path=/", body=b"\0" * (8 << 20), endpoint=proxy.url,
                 timeout=10)
    assert answer.status == 502 and "dockerlens wiretap" in answer.json()["message"]
    assert transcript.latest().status == 502 and transcript.latest().error


def test_a_raising_subscriber_does_not_break_the_relay(rig):
    def handler(sock, rfile, received):
        read_request(rfile, received)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK")

    up, proxy, transcript = rig(handler)

    def broken(_):
        raise RuntimeError("listener bug")

    transcript.subscribe(broken)
    assert talk(proxy, b"GET /_ping HTTP/1.1\r\n\r\n").endswith(b"OK")
    transcript.unsubscribe(broken)


@pytest.mark.parametrize("raw", [b"NOT HTTP\r\n\r\n", b"GET / HTTP/2.0\r\n\r\n",
                                 b"GET /x HTTP/1.1\r\nbad header\r\n\r\n"])
def test_read_head_rejects_what_is_not_http(raw):
    import io
    with pytest.raises(Malformed):
        read_head(io.BufferedReader(io.BytesIO(raw)), request=True)


@pytest.mark.parametrize("op,query,expected", [
    ("ContainerLogs", "stdout=1&follow=1", True), ("ContainerLogs", "stdout=1&follow=0", False),
    ("ContainerLogs", "stdout=1", False), ("ContainerStats", "stream=0", False),
    ("ContainerStats", "", True), ("SystemEvents", "", True), ("ContainerList", "all=1", False)])
def test_what_counts_as_streaming(op, query, expected):
    from dockerlens.wire.proxy import streams
    assert streams(op, query) is expected


def test_transcript_keeps_recent_history_in_order():
    from dockerlens.wire.exchange import Exchange
    t = Transcript()
    t.KEEP = 5
    for i in range(8):
        t.observe(Exchange("sdk", "GET", f"/{i}", "", "unknown"), "request")
    assert [e.seq for e in t.since(0)] == [4, 5, 6, 7, 8] and t.latest().path == "/7"
    t.observe(Exchange("internal", "GET", "/x", "", "unknown"), "request")
    assert t.latest().path == "/7"  # the course's own traffic is left out


def test_container_ref_names_the_container_of_a_path():
    from dockerlens.wire.proxy import container_ref
    assert container_ref("/v1.44/containers/abc123/logs") == "abc123"
    assert container_ref("/containers/web") == "web"
    assert container_ref("/v1.51/images/json") is None


def test_a_removal_waits_for_that_containers_followed_logs_only():
    import threading
    import time
    from dockerlens.wire.proxy import LogFollows
    follows = LogFollows()
    follows.opened("a")
    t0 = time.monotonic()
    follows.wait_for("b")  # another container: no wait
    assert time.monotonic() - t0 < 0.5
    threading.Timer(0.3, follows.closed, args=("a",)).start()
    follows.wait_for("a")  # returns when the stream ends, not at the 2 s limit
    assert 0.25 <= time.monotonic() - t0 < LogFollows.WAIT
