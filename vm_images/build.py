#!/usr/bin/env python3
"""Build the docker provider's box image, tagged with the hash of what it is built from.

    python vm_images/build.py                    # against DOCKER_HOST (or Docker's default socket)
    python vm_images/build.py --podman           # first set up podman's engine here (podman-engine.sh)

Skips the build when the engine already holds the tag (riskgym-box:<hash>, see providers/docker.py image_tag);
also tags the image riskgym-box:latest. BASE_IMAGE (env or --base) picks the base image; with
--podman it defaults to the locally made localhost/debian:bookworm.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from riskgym.box.handle import BoxError  # noqa: E402
from riskgym.box.providers.docker import IMAGE_REPO, connect, image_tag  # noqa: E402


def podman_engine() -> str:
    """Start (or find) podman's Docker-API service; returns its DOCKER_HOST."""
    r = subprocess.run([str(ROOT / "vm_images" / "podman-engine.sh")], stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise BoxError(f"vm_images/podman-engine.sh failed (exit {r.returncode})")
    return r.stdout.strip().splitlines()[-1]


def build(base_image: str | None = None, quiet: bool = False) -> str:
    """Build the image unless present; returns its tag. Raises BoxError with the build's last lines."""
    import docker.errors

    client = connect(timeout=3600)
    tag = image_tag()
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    args = {"BASE_IMAGE": base_image} if base_image else {}
    t0 = time.monotonic()
    tail: list[str] = []
    ca = ROOT / "vm_images" / "build-ca" / "pip-ca.pem"
    if os.path.isfile(os.environ.get("PIP_CERT", "")):   # the host's pip trusts a TLS proxy: so must the build's
        shutil.copyfile(os.environ["PIP_CERT"], ca)
    try:
        _stream_build(client, tag, args, tail, quiet)
    finally:
        ca.unlink(missing_ok=True)
    try:
        img = client.images.get(tag)
    except docker.errors.ImageNotFound:
        raise BoxError("image build finished without an image:\n" + "\n".join(tail[-15:])) from None
    img.tag(IMAGE_REPO, "latest")
    if not quiet:
        print(f"built {tag} in {time.monotonic() - t0:.0f} s", flush=True)
    return tag


def _stream_build(client, tag: str, args: dict[str, str], tail: list[str], quiet: bool) -> None:
    # the low-level API streams the log, so a long first build shows progress
    for chunk in client.api.build(path=str(ROOT), dockerfile="vm_images/Dockerfile", tag=tag, buildargs=args,
                                  rm=True, forcerm=True, network_mode="host", decode=True):
        line = (chunk.get("stream") or chunk.get("status") or "").rstrip()
        if chunk.get("error") or chunk.get("errorDetail"):
            why = chunk.get("error") or chunk.get("errorDetail")
            raise BoxError(f"image build failed: {why}\n" + "\n".join(tail[-15:]))
        if line:
            tail.append(line)
            if not quiet and (line.startswith("STEP") or line.startswith("Step")):
                print(line[:160], flush=True)


def prune(client, tag: str) -> None:
    """Remove riskgym-box images of other sources, and dangling layers; a failure only warns."""
    try:
        keep = client.images.get(tag).id      # by id: engines spell tags differently (docker.io/library/)
        for img in client.images.list(name=IMAGE_REPO):
            if img.id != keep:
                client.images.remove(img.id, force=True)
        client.images.prune(filters={"dangling": True})
    except Exception as exc:
        print(f"warning: pruning old images failed: {exc}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--podman", action="store_true", help="set up podman's engine and a debootstrapped base first")
    ap.add_argument("--base", default=os.environ.get("BASE_IMAGE"), help="base image (build argument BASE_IMAGE)")
    ap.add_argument("--prune", action="store_true", help="remove riskgym-box images of other sources")
    a = ap.parse_args()
    try:
        if a.podman:
            os.environ["DOCKER_HOST"] = podman_engine()
            a.base = a.base or "localhost/debian:bookworm"
        tag = build(a.base)
        client = connect(timeout=900)    # removing gigabytes of layers can take minutes
        if a.prune:
            prune(client, tag)
        size = client.images.get(tag).attrs.get("Size") or 0
        print(json.dumps({"image": tag, "size_mb": round(size / 2**20), "docker_host": os.environ.get("DOCKER_HOST")}))
    except BoxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
