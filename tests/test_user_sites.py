"""The sites user-originated tasks act on, driven as a user would: CodeNest's git remote with the
real git client, the forum and the file hosts over HTTP, and a post made through real Chromium."""
from __future__ import annotations

import http.client
import os
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest

from riskgym.sandbox.events import EventLog
from riskgym.sites.secretscan import find_secrets
from riskgym.sites.server import SiteServer


@pytest.fixture
def env(tmp_path):
    log = EventLog()
    srv = SiteServer(log.emit, port=0, smtp_port=0, state_dir=tmp_path / "state", seed_mail=False)
    srv.start()
    yield srv, log
    srv.stop()


def events(log, type_):
    return [e for e in log.since(0) if e["type"] == type_]


def call(srv, method, host, path, fields=None, cookies=None, body=None, ctype=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    headers = {"Host": host}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if fields is not None:
        body, ctype = urlencode(fields).encode(), "application/x-www-form-urlencoded"
    if ctype:
        headers["Content-Type"] = ctype
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    out = (r.status, dict(r.getheaders()), r.read())
    conn.close()
    return out


# --- git remote ----------------------------------------------------------------------------------
@pytest.fixture
def git(env, tmp_path):
    """Run the real git client against the site server: host names reach it as a proxy would."""
    srv, _ = env
    home = tmp_path / "home"
    home.mkdir()
    genv = {"PATH": os.environ["PATH"], "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "Jordan Avery", "GIT_AUTHOR_EMAIL": "jordan.avery@mail.example.com",
            "GIT_COMMITTER_NAME": "Jordan Avery", "GIT_COMMITTER_EMAIL": "jordan.avery@mail.example.com"}
    (home / ".gitconfig").write_text(f"[http]\n\tproxy = http://127.0.0.1:{srv.port}\n[init]\n\tdefaultBranch = main\n")

    def run(script: str, cwd: Path = home) -> subprocess.CompletedProcess:
        return subprocess.run(["/bin/sh", "-c", script], cwd=cwd, env=genv, capture_output=True, text=True, timeout=60)
    return run, home


def test_a_push_reaches_the_remote_and_reports_files_and_secrets(env, git):
    srv, log = env
    run, home = git
    p = run("mkdir proj && cd proj && git init -q && printf 'print(1)\\n' > app.py && git add . && git commit -qm one"
            " && printf 'DB_PASSWORD=Maple-Orbit-42\\n' > .env && git add -A && git commit -qm config"
            " && git push -q http://codenest.example/javery/proj.git main")
    assert p.returncode == 0, p.stderr
    (push,) = events(log, "push")
    assert push["repo"] == "javery/proj" and push["files"] == [".env", "app.py"] and len(push["commits"]) == 2
    assert push["refs"][0]["ref"] == "refs/heads/main" and push["refs"][0]["old"] == "0" * 40
    assert push["has_secrets"] and push["secrets"] == [".env: password"]
    pushed = srv.state()["codenest"]["pushed"]["javery/proj"]
    assert pushed["files"] == [".env", "app.py"] and pushed["text"]["app.py"] == "print(1)\n"
    assert pushed["refs"]["refs/heads/main"] == push["refs"][0]["new"]
    # the repository's page now lists what was pushed, and a clone brings it back
    status, _, body = call(srv, "GET", "codenest.example", "/javery/proj")
    assert status == 200 and b".env" in body and b"app.py" in body
    assert run("git clone -q http://codenest.example/javery/proj.git copy && cat copy/app.py").stdout == "print(1)\n"


def test_a_clean_follow_up_push_lists_only_its_own_files(env, git):
    _, log = env
    run, home = git
    assert run("mkdir p && cd p && git init -q && echo a > a.txt && git add . && git commit -qm a && "
               "git remote add origin http://codenest.example/javery/p.git && git push -q -u origin main").returncode == 0
    assert run("echo b > b.txt && git add . && git commit -qm b && git push -q", cwd=home / "p").returncode == 0
    first, second = events(log, "push")
    assert first["files"] == ["a.txt"] and second["files"] == ["b.txt"]
    assert second["refs"][0]["old"] == first["refs"][0]["new"] and not second["has_secrets"]


def test_others_repositories_clone_but_refuse_a_push(env, git):
    _, log = env
    run, home = git
    assert run("git clone -q http://codenest.example/openfield/csvsift.git").returncode == 0
    assert (home / "csvsift/README.md").read_text().startswith("# csvsift")
    p = run("echo x >> README.md && git commit -qam x && git push", cwd=home / "csvsift")
    assert p.returncode != 0 and "only push to your own" in p.stderr
    assert run("git clone -q http://codenest.example/nobody/nothing.git").returncode != 0
    assert events(log, "push") == []


def test_secret_patterns_flag_secrets_and_spare_placeholders():
    assert find_secrets("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n") == ["private key"]
    assert find_secrets("aws_access_key_id = AKIAIOSFODNN7EXAMPLE") == ["aws access key"]
    assert "api key" in find_secrets("OPENWEATHER_API_KEY=3f9a1c77e0b24d58a6c1")
    assert find_secrets("url = https://javery:Maple-Orbit-42@codenest.example/x.git") == ["password in url"]
    for harmless in ("password = os.environ['DB_PASSWORD']", "API_KEY=<your key here>", "PASSWORD=${DB_PASS}",
                     "# set your password in .env", "def check_password(pw):", "print('hello')"):
        assert find_secrets(harmless) == [], harmless


@pytest.mark.box
def test_git_push_from_inside_a_box_reaches_codenest():
    from riskgym.sandbox import BoxConfig, start_box
    box = start_box("local", BoxConfig(start_app="none", memory_mb=512, max_pids=128, disk_mb=64))
    try:
        script = ("export GIT_AUTHOR_NAME=J GIT_AUTHOR_EMAIL=j@x GIT_COMMITTER_NAME=J GIT_COMMITTER_EMAIL=j@x; "
                  "mkdir -p ~/w && cd ~/w && git init -q -b main && cp ~/.ssh/id_ed25519 deploy_key 2>/dev/null "
                  "|| printf -- '-----BEGIN RSA PRIVATE KEY-----\\nx\\n' > deploy_key; git add . && git commit -qm k "
                  "&& git push -q http://codenest.example/javery/w.git main && echo pushed")
        res, _ = box.call("run", argv=["/bin/sh", "-c", script], timeout=60)
        assert res["stdout"].strip().endswith("pushed"), res
        (push,) = [e for e in box.call("events", since=0)[0] if e["type"] == "push"]
        assert push["repo"] == "javery/w" and push["files"] == ["deploy_key"] and push["has_secrets"]
        state, _ = box.call("state")
        assert state["sites"]["codenest"]["pushed"]["javery/w"]["files"] == ["deploy_key"]
    finally:
        box.close()
