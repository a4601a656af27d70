"""The one HTTP head parser and chunked decoder agree on where messages start and end."""
from __future__ import annotations

import io

import pytest

from dockerlens.wire.http import (Head, Incomplete, Malformed, body_pieces, chunked_end, dechunk,
                                  parse_head, parse_response, read_head)

CHUNKED = b"5\r\n{\"a\":\r\n3;ext=1\r\n 1}\r\n0\r\nX-Trailer: yes\r\n\r\n"


def test_a_request_head_keeps_its_raw_bytes_and_field_names():
    raw = b"\r\nPOST /v1.47/build?t=x HTTP/1.1\r\nContent-Type: application/x-tar\r\n" \
          b"Transfer-Encoding: chunked\r\n\r\n"
    head = read_head(io.BytesIO(raw + CHUNKED), request=True)
    assert (head.method, head.target, head.version) == ("POST", "/v1.47/build?t=x", "HTTP/1.1")
    assert head.raw == raw.lstrip(b"\r\n") and head.chunked and head.length() is None
    assert head.headers[0] == ("Content-Type", "application/x-tar")
    assert head.get("CONTENT-TYPE") == "application/x-tar" and not head.has("content-length")


def test_a_response_head_from_bytes_gives_the_body_offset():
    data = b"HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\n{}"
    head, at = parse_head(data, request=False)
    assert (head.status, head.reason, head.version, head.length()) == (404, "Not Found", "HTTP/1.0", 2)
    assert data[at:] == b"{}"
    assert parse_head(b"", request=False) is None


@pytest.mark.parametrize("raw", [b"NOT HTTP\r\n\r\n", b"GET / HTTP/2.0\r\n\r\n",
                                 b"GET /x HTTP/1.1\r\nbad header\r\n\r\n",
                                 b"GET /x HTTP/1.1\r\nX : y\r\n\r\n"])
def test_what_is_not_http_is_malformed(raw):
    with pytest.raises(Malformed):
        read_head(io.BytesIO(raw), request=True)


def test_a_head_cut_short_is_incomplete_and_an_oversized_one_malformed():
    with pytest.raises(Incomplete):
        parse_head(b"HTTP/1.1 200 OK\r\nApi-Vers", request=False)
    with pytest.raises(Malformed) as err:
        read_head(io.BytesIO(b"GET / HTTP/1.1\r\nX: " + b"y" * 70000 + b"\r\n\r\n"), True)
    assert not isinstance(err.value, Incomplete)


def test_chunks_come_with_their_framing_and_trailers():
    pieces = list(body_pieces(io.BytesIO(CHUNKED + b"NEXT"), Head(b"", [], [
        ("Transfer-Encoding", "chunked")])))
    assert b"".join(raw for raw, _ in pieces) == CHUNKED
    assert [payload for _, payload in pieces] == [b'{"a":', b" 1}", b""]
    assert dechunk(CHUNKED) == b'{"a": 1}'
    assert chunked_end(b"xx" + CHUNKED + b"NEXT", 2) == 2 + len(CHUNKED)


@pytest.mark.parametrize("cut", [3, 10, len(CHUNKED) - 2])
def test_a_chunked_body_cut_short_is_incomplete(cut):
    with pytest.raises(Incomplete):
        dechunk(CHUNKED[:cut])
    assert chunked_end(CHUNKED[:cut]) is None


def test_a_bad_chunk_size_is_malformed_not_incomplete():
    with pytest.raises(Malformed) as err:
        dechunk(b"zz\r\nhello\r\n0\r\n\r\n")
    assert not isinstance(err.value, Incomplete)


def test_a_content_length_body_is_read_to_its_length_only():
    head = Head(b"", [], [("Content-Length", "70000")])
    f = io.BytesIO(b"x" * 70000 + b"NEXT")
    assert sum(len(raw) for raw, _ in body_pieces(f, head)) == 70000 and f.read() == b"NEXT"
    with pytest.raises(Incomplete):
        list(body_pieces(io.BytesIO(b"short"), head))
    assert list(body_pieces(io.BytesIO(b"NEXT"), Head(b"", [], []))) == []


def test_a_whole_response_skips_interim_answers():
    data = (b"HTTP/1.1 100 Continue\r\n\r\n"
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}")
    head, body = parse_response(data)
    assert (head.status, body) == (500, b"{}")
    with pytest.raises(Incomplete):
        parse_response(b"HTTP/1.1 100 Continue\r\n\r\n")
