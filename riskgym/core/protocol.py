"""Framing for host <-> controller messages over one stream socket.

A frame is a JSON header and an optional binary blob (screenshots travel as raw RGB bytes,
not base64), each prefixed by its 4-byte big-endian length. The same framing serves a
socketpair (local provider), a Unix socket in a mounted folder (docker provider) or a TCP
connection; a Channel is one such connection, as the host's handle on a box holds it.
"""
from __future__ import annotations

import json
import socket
import struct
from typing import Any

MAX_HEADER = 64 * 1024 * 1024
MAX_BLOB = 256 * 1024 * 1024


class ProtocolError(RuntimeError):
    """The peer sent something that is not a frame, or went away."""


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise ProtocolError("connection closed by the peer")
        buf += chunk
    return bytes(buf)


def send_frame(sock: socket.socket, header: dict[str, Any], blob: bytes = b"") -> None:
    head = json.dumps(header, separators=(",", ":"), default=str).encode()
    sock.sendall(struct.pack(">I", len(head)) + head + struct.pack(">I", len(blob)) + blob)


def recv_frame(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    (hlen,) = struct.unpack(">I", _recv_exact(sock, 4))
    if hlen > MAX_HEADER:
        raise ProtocolError(f"header of {hlen} bytes is over the limit")
    try:
        header = json.loads(_recv_exact(sock, hlen))
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"header is not JSON: {exc}") from None
    (blen,) = struct.unpack(">I", _recv_exact(sock, 4))
    if blen > MAX_BLOB:
        raise ProtocolError(f"blob of {blen} bytes is over the limit")
    blob = _recv_exact(sock, blen) if blen else b""
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    return header, blob


class Channel:
    """One framed connection over a stream socket: the host's line to a box's controller."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def send(self, header: dict[str, Any], blob: bytes = b"") -> None:
        send_frame(self.sock, header, blob)

    def recv(self) -> tuple[dict[str, Any], bytes]:
        return recv_frame(self.sock)

    def settimeout(self, seconds: float | None) -> None:
        self.sock.settimeout(seconds)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
