"""The box's entry point: connect the controller to the host on whatever line the provider gave.

    python -m riskgym.guest.launch --fd N --boot JSON                  (an inherited socket: local)
    python -m riskgym.guest.launch --connect unix:PATH --boot JSON     (a socket in a mounted folder: docker)
    python -m riskgym.guest.launch --connect tcp:HOST:PORT --boot JSON (a port, e.g. forwarded to a pod)

Providers start it by this module's name, a string: the host side never imports the guest.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys

from riskgym.guest.controller import serve_on


def connect(where: str) -> socket.socket:
    """A connected socket to 'unix:PATH' or 'tcp:HOST:PORT'."""
    scheme, _, rest = where.partition(":")
    if scheme == "unix" and rest:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(rest)
        return sock
    if scheme == "tcp" and rest.rpartition(":")[2].isdigit():
        host, _, port = rest.rpartition(":")
        return socket.create_connection((host, int(port)))
    raise SystemExit(f"--connect: {where!r} is not unix:PATH or tcp:HOST:PORT")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="riskgym.guest.launch")
    line = ap.add_mutually_exclusive_group(required=True)
    line.add_argument("--fd", type=int, help="an already connected stream socket")
    line.add_argument("--connect", metavar="unix:PATH|tcp:HOST:PORT", help="connect to the host there")
    ap.add_argument("--boot", required=True, help="JSON: screen size, persona, app, extra hosts")
    a = ap.parse_args(argv)
    if a.fd is not None:
        sock = socket.socket(fileno=a.fd)
    else:
        home = os.environ.get("HOME", "/home/user")   # a container's tmpfs home starts empty
        os.makedirs(home, mode=0o755, exist_ok=True)
        os.chdir(home)
        sock = connect(a.connect)
    return serve_on(sock, json.loads(a.boot))


if __name__ == "__main__":
    sys.exit(main())
