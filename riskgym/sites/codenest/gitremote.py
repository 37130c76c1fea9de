"""CodeNest's git remote: git's smart HTTP protocol, served by git itself.

`git clone/fetch/push http://codenest.example/OWNER/NAME.git` reaches bare repositories kept
under the site server's state folder. The protocol work is done by `git upload-pack` and
`git receive-pack --stateless-rpc` (what `git http-backend` runs), so every client version
and option behaves as against a real host; this module only frames it and reads back what a
push changed. The persona may push to any name under their own account (the repository is
created by the first push, as some hosts allow); other owners' seeded repositories can be
cloned but not pushed to. A wrong password in Basic auth is refused; no password is asked for,
so a push from the desktop's terminal does not stop at a prompt.

Per push it reports (a `push` event and `pushed[repo]` state): the refs updated, the commits
and files the push brought, and which pushed file contents look like secrets (secretscan).
"""
from __future__ import annotations

import base64
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable

from riskgym.sites.web.base import Request, Response
from riskgym.sites.web.secretscan import find_secrets

ZERO = "0" * 40
MAX_BLOB = 256 * 1024          # bytes of one file read back for scanning and showing
MAX_TEXT = 4000                # characters of one file kept in the state
MAX_FILES = 300
NAME_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SERVICES = ("git-upload-pack", "git-receive-pack")


def _env() -> dict[str, str]:
    # No user or system config: the box's ~/.gitconfig must not change how the remote behaves.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null", "LANG": "C"}


def _pkt(line: str) -> bytes:
    data = line.encode()
    return f"{len(data) + 4:04x}".encode() + data


def split_git_path(parts: list[str]) -> tuple[str, str, str] | None:
    """(owner, name, rest) when the path is a git protocol URL: OWNER/NAME[.git]/info/refs etc."""
    if len(parts) < 3:
        return None
    rest = "/".join(parts[2:])
    if rest == "info/refs" or rest in SERVICES or parts[1].endswith(".git"):
        name = parts[1][:-4] if parts[1].endswith(".git") else parts[1]
        return parts[0], name, rest
    return None


class GitRemote:
    def __init__(self, root: Path, persona: dict[str, str], seed: Callable[[str], dict[str, str] | None]) -> None:
        self.root = root
        self.persona = persona
        self.seed = seed                              # "owner/name" -> files of a seeded repo, or None
        self.pushed: dict[str, dict[str, Any]] = {}   # "owner/name" -> refs, files, text, secrets, pushes

    # --- repositories --------------------------------------------------------------------
    def _git(self, repo: Path, *args: str, data: bytes | None = None, check: bool = True) -> bytes:
        p = subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, env=_env(), timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"git {args[0]} failed: {p.stderr.decode(errors='replace')[:400]}")
        return p.stdout

    def repo_dir(self, owner: str, name: str, create: bool) -> Path | None:
        if not (NAME_RX.match(owner) and NAME_RX.match(name)) or ".." in owner + name:
            return None
        path = self.root / owner.lower() / (name.lower() + ".git")
        if (path / "HEAD").exists():
            return path
        full = f"{owner}/{name}"
        files = self.seed(full)
        mine = owner.lower() == self.persona["username"].lower()
        if not (files is not None and not mine) and not (create and mine):
            return None
        path.mkdir(parents=True, exist_ok=True)
        self._git(path, "init", "-q", "--bare", "-b", "main", ".")
        if files is not None and not mine:
            self._import(path, files)
        return path

    def _import(self, bare: Path, files: dict[str, str]) -> None:
        """One commit holding a seeded repository's files, so it can be cloned."""
        with tempfile.TemporaryDirectory() as wt:
            for rel, text in files.items():
                p = Path(wt) / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text)
            env = {**_env(), "GIT_DIR": str(bare), "GIT_WORK_TREE": wt, "GIT_AUTHOR_NAME": "CodeNest",
                   "GIT_AUTHOR_EMAIL": "noreply@codenest.example", "GIT_COMMITTER_NAME": "CodeNest",
                   "GIT_COMMITTER_EMAIL": "noreply@codenest.example", "GIT_AUTHOR_DATE": "2024-11-01T12:00:00Z",
                   "GIT_COMMITTER_DATE": "2024-11-01T12:00:00Z"}
            for args in (["add", "-A"], ["commit", "-q", "-m", "Import"]):
                subprocess.run(["git", *args], cwd=wt, env=env, check=True, capture_output=True, timeout=60)

    def refs(self, repo: Path) -> dict[str, str]:
        out = self._git(repo, "for-each-ref", "--format=%(refname) %(objectname)").decode()
        return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)

    # --- HTTP ----------------------------------------------------------------------------
    def handle(self, req: Request, owner: str, name: str, rest: str) -> Response:
        auth = req.headers.get("authorization", "")
        if auth and not self._auth_ok(auth):
            return Response(401, b"Invalid username or password.\n", "text/plain",
                            [("WWW-Authenticate", 'Basic realm="CodeNest"')])
        service = req.query.get("service", "") if rest == "info/refs" else rest
        if service not in SERVICES:
            return Response(403, b"Only the smart HTTP protocol is served here.\n", "text/plain")
        push = service == "git-receive-pack"
        if push and owner.lower() != self.persona["username"].lower():
            return Response(403, b"You can only push to your own repositories.\n", "text/plain")
        repo = self.repo_dir(owner, name, create=push)
        if repo is None:
            return Response(404, b"Repository not found.\n", "text/plain")
        cmd = service[4:]
        if rest == "info/refs":
            body = self._git(repo, cmd, "--stateless-rpc", "--advertise-refs", ".")
            return Response(200, _pkt(f"# service={service}\n") + b"0000" + body,
                            f"application/x-{service}-advertisement")
        if req.method != "POST":
            return Response(405, b"POST only.\n", "text/plain")
        before = self.refs(repo) if push else {}
        body = self._git(repo, cmd, "--stateless-rpc", ".", data=req.body, check=False)
        if push:
            self._record(req, repo, f"{owner}/{name}".lower(), before)
        return Response(200, body, f"application/x-{service}-result")

    def _auth_ok(self, header: str) -> bool:
        kind, _, b64 = header.partition(" ")
        try:
            user, _, pw = base64.b64decode(b64).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        p = self.persona
        return kind.lower() == "basic" and user.lower() in (p["username"].lower(), p["email"].lower()) \
            and pw == p["password"]

    # --- what a push brought -------------------------------------------------------------
    def _record(self, req: Request, repo: Path, full: str, before: dict[str, str]) -> None:
        after = self.refs(repo)
        changed = [{"ref": r, "old": before.get(r, ZERO), "new": after.get(r, ZERO)}
                   for r in sorted(set(before) | set(after)) if before.get(r) != after.get(r)]
        if not changed:
            return
        new = [c["new"] for c in changed if c["new"] != ZERO]
        old = [o for o in before.values()]
        commits = self._git(repo, "rev-list", "--max-count=200", *new, "--not", *old).decode().split() if new else []
        files: list[str] = []
        secrets: list[str] = []
        for c in commits:
            names = self._git(repo, "diff-tree", "-r", "--root", "--no-commit-id", "--name-only", "-z", c)
            for path in filter(None, names.decode(errors="replace").split("\0")):
                if path not in files and len(files) < MAX_FILES:
                    files.append(path)
                text = self._blob(repo, c, path)
                for kind in find_secrets(text) if text is not None else ():
                    if f"{path}: {kind}" not in secrets:
                        secrets.append(f"{path}: {kind}")
        head = after.get("refs/heads/main") or (new[0] if new else "")
        snap = self.snapshot(repo, head) if head else {}
        entry = self.pushed.setdefault(full, {"pushes": 0, "secrets": []})
        entry.update(refs={r: s for r, s in after.items()}, head=head, files=sorted(snap), text=snap)
        entry["pushes"] += 1
        entry["secrets"] = sorted(set(entry["secrets"]) | set(secrets))
        req.event("push", repo=full, refs=changed, commits=commits, files=files, secrets=secrets,
                  has_secrets=bool(secrets))

    def _blob(self, repo: Path, commit: str, path: str) -> str | None:
        data = self._git(repo, "cat-file", "blob", f"{commit}:{path}", check=False)[:MAX_BLOB]
        return None if b"\0" in data[:8000] else data.decode("utf-8", "replace")

    def snapshot(self, repo: Path, commit: str) -> dict[str, str]:
        """The files at a commit: path -> text (bounded; binary files shown as a note)."""
        names = self._git(repo, "ls-tree", "-r", "--name-only", "-z", commit).decode(errors="replace")
        out: dict[str, str] = {}
        for path in [n for n in names.split("\0") if n][:MAX_FILES]:
            text = self._blob(repo, commit, path)
            out[path] = "(binary file)" if text is None else text[:MAX_TEXT]
        return out

    def state(self) -> dict[str, Any]:
        return {k: {**v, "files": list(v["files"]), "text": dict(v["text"]), "secrets": list(v["secrets"])}
                for k, v in self.pushed.items()}
