"""riskgym's box as an Inspect sandbox environment (`sandbox="riskgym"`).

One sample, one box: `sample_init` boots the box of the sample's task (metadata `task_id`), runs
its setup and attacks, and starts the riskgym episode that records it (bridge.py). Then:

- `exec(["python3", "/opt/inspect/tool/computer_tool.py", ...])`, the command Inspect's
  `computer()` tool sends, is one riskgym step (computer.py): it runs in the box as the agent's
  user, attacks and triggers fire as in a riskgym run, and the reply carries the screenshot after
  it. The step that reaches the task's step limit ends the sample (Inspect's `custom` limit), as
  it ends a riskgym episode.
- any other `exec` runs the command in the box as the agent's user (the controller's `run` op),
  in the user's home; these are not agent steps and are listed in the episode's `inspect_exec.jsonl`;
- `read_file` / `write_file` act in the box as the agent's user too (so a file the agent cannot
  read is a PermissionError, and a written file is the user's).
"""
from __future__ import annotations

import base64
import json
import os
import shlex
import time
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.util import (
    ExecResult,
    LimitExceededError,
    SandboxEnvironment,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel, ConfigDict

from riskgym.integrations.inspect import computer
from riskgym.integrations.inspect.bridge import AGENT, EpisodeBridge, EpisodeOver
from riskgym.tasks import load_tasks

CHUNK = 48 * 1024      # bytes per read: its base64 fits the controller's 64 KiB of output
AGENT_USERS = (None, "user", "1000")   # the box's one user, as Inspect may name it
RUN_LIMIT_S = 30.0     # the controller's `run` op stops a command after this; a shorter timeout is kept


class RiskgymSandboxConfig(BaseModel):
    """The sandbox's settings, as the Inspect task passes them (and its log records them)."""
    model_config = ConfigDict(frozen=True)   # Inspect hashes sandbox specs
    out: str | None = None            # the riskgym run directory (default: beside the eval's log, run_dir())
    provider: str = "local"
    max_steps: int | None = None
    width: int = 1366                 # the display Inspect declares to native computer tools
    height: int = 768
    code_timeout_s: float = 30.0


def run_dir(config: RiskgymSandboxConfig) -> Path:
    """Where the episodes go: `out`, else beside the eval's own log (`logs/X.eval` -> `logs/X.riskgym/`)."""
    if config.out:
        return Path(config.out)
    from inspect_ai.log._samples import sample_active

    active = sample_active()
    location = getattr(active, "log_location", None) or ""
    if location and "://" not in location.removeprefix("file://"):
        return Path(location.removeprefix("file://")).resolve().with_suffix(".riskgym")
    return Path(os.environ.get("INSPECT_LOG_DIR") or "logs") / time.strftime("riskgym-%Y%m%dT%H%M%S", time.gmtime())


def _end_sample(error: LimitExceededError) -> None:
    """Stop the running sample for a limit, as Inspect's own time and working limits do (it is then scored and
    its log names the limit). Inspect 0.3.285 offers this on the active sample only."""
    from inspect_ai.log._samples import sample_active

    active = sample_active()
    if active is not None and getattr(active, "tg", None) is not None:
        active.limit_exceeded(error)


def _agent_name() -> str:
    """The run manifest's agent: `inspect:MODEL`, the model of the sample being run."""
    from inspect_ai.log._samples import sample_active

    model = getattr(sample_active(), "model", None)
    return f"inspect:{model}" if model else AGENT


@sandboxenv(name="riskgym")
class RiskgymSandbox(SandboxEnvironment):
    def __init__(self, bridge: EpisodeBridge) -> None:
        super().__init__()
        self.bridge = bridge

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return RiskgymSandboxConfig(**config)

    @classmethod
    def default_concurrency(cls) -> int | None:
        return 2          # each sample holds a box (a browser or a desktop)

    @classmethod
    async def sample_init(cls, task_name: str, config: Any, metadata: dict[str, str]) -> dict[str, SandboxEnvironment]:
        config = RiskgymSandboxConfig() if config is None else config
        if not isinstance(config, RiskgymSandboxConfig):
            raise ValueError(f"sandbox 'riskgym': expected a RiskgymSandboxConfig, got {type(config).__name__} "
                             "(use the riskgym task, or pass sandbox=('riskgym', RiskgymSandboxConfig(out=...)))")
        task_id = metadata.get("task_id")
        task = load_tasks().get(str(task_id))
        if task is None:
            raise ValueError(f"sandbox 'riskgym': sample metadata field 'task_id' is {task_id!r}, not a riskgym task "
                             "(see `python run.py tasks`)")
        bridge = EpisodeBridge(task, run_dir(config), agent=_agent_name(), provider=config.provider,
                               max_steps=config.max_steps, width=config.width, height=config.height,
                               code_timeout_s=config.code_timeout_s)
        try:
            await anyio.to_thread.run_sync(bridge.start)
        except BaseException:
            await anyio.to_thread.run_sync(bridge.close)
            raise
        return {"default": cls(bridge)}

    @classmethod
    async def sample_cleanup(cls, task_name: str, config: Any, environments: dict[str, SandboxEnvironment],
                             interrupted: bool) -> None:
        for env in environments.values():
            if isinstance(env, RiskgymSandbox):
                if env.bridge.result is None and env.bridge.env is not None:   # scorers did not end it
                    await env.finish("the sample's end without scoring" + (" (interrupted)" if interrupted else ""))
                await anyio.to_thread.run_sync(env.bridge.close)

    async def finish(self, stopped_by: str | None = None) -> dict[str, Any]:
        """End the episode and return its result.json content: the agent is done (DONE), or `stopped_by` (FAIL)."""
        return await anyio.to_thread.run_sync(self.bridge.finish, "FAIL" if stopped_by else "DONE", stopped_by)

    # --- the computer tool ----------------------------------------------------------------
    async def _computer(self, cmd: list[str]) -> ExecResult[str]:
        b = self.bridge
        try:
            step = computer.step_code(computer.read_call(cmd), b.cfg.width, b.cfg.height)
        except computer.CallError as exc:
            return ExecResult(True, 0, computer.reply(error=str(exc)), "")
        if step.code is None:       # a look at the screen: no step
            if step.observe == "screenshot" and cmd[2:3] == ["open_web_browser"] and b.task.env != "browser":
                return ExecResult(True, 0, computer.reply(error="this desktop has no browser to open"), "")
            return ExecResult(True, 0, computer.reply(image=computer.png_b64(b.last["screenshot"], step.region)), "")
        try:
            obs = await anyio.to_thread.run_sync(b.step, step.code)
        except EpisodeOver as exc:      # a call after the end (the sample was not stopped below)
            raise self._limit(str(exc)) from None
        problem = computer.step_problem(obs.get("code_result"))
        if obs.get("over"):    # the step limit: the sample ends here, as a riskgym episode does
            _end_sample(self._limit(f"the step limit ({b.result.get('steps')} steps) is reached"))
        return ExecResult(True, 0, computer.reply(output=problem, image=computer.png_b64(obs["screenshot"])), "")

    def _limit(self, why: str) -> LimitExceededError:
        limit = self.bridge.cfg.max_steps or self.bridge.task.max_steps
        return LimitExceededError("custom", value=(self.bridge.result or {}).get("steps", limit), limit=limit,
                                  message=f"riskgym: {why}")

    # --- SandboxEnvironment -----------------------------------------------------------------
    async def exec(self, cmd: list[str], input: str | bytes | None = None, cwd: str | None = None,
                   env: dict[str, str] | None = None, user: str | None = None, timeout: int | None = None,
                   timeout_retry: bool = True, concurrency: bool = True) -> ExecResult[str]:
        if user not in AGENT_USERS:
            raise SandboxUserUnsupportedError(f"riskgym box: commands run as the agent's user only, not {user!r}")
        if computer.is_tool_call(cmd):
            return await self._computer(cmd)
        return await self._run(cmd, input=input, cwd=cwd, env=env, timeout=timeout,
                               log=computer.TOOL_PATH not in cmd)   # not Inspect's look for the tool

    async def _run(self, cmd: list[str], *, input: str | bytes | None = None, cwd: str | None = None,
                   env: dict[str, str] | None = None, timeout: int | None = None, log: bool = True) -> ExecResult[str]:
        if isinstance(input, bytes):
            input = input.decode()
        argv = list(cmd)
        if cwd or env:    # the controller runs argv in the user's home with the session's environment
            pre = (f"cd {shlex.quote(cwd)} && " if cwd else "") + \
                  "".join(f"export {k}={shlex.quote(v)}; " for k, v in (env or {}).items())
            argv = ["/bin/sh", "-c", pre + 'exec "$@"', "sh", *argv]
        t = min(float(timeout or RUN_LIMIT_S), RUN_LIMIT_S)
        if t < RUN_LIMIT_S:
            argv = ["/usr/bin/timeout", "-s", "KILL", f"{t:g}", *argv]
        box = self.bridge.env.box
        res, _ = await anyio.to_thread.run_sync(lambda: box.call("run", argv=argv, input=input))
        if res.get("rc") == 137 and t < RUN_LIMIT_S:
            res["timeout"] = True
        if res.get("timeout"):
            raise TimeoutError(f"riskgym box: {shlex.join(cmd)[:200]} timed out after {t:g}s")
        if log:
            with (self.bridge.dir / "inspect_exec.jsonl").open("a") as f:
                f.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "argv": cmd,
                                    "after_step": self.bridge.steps, "rc": res["rc"]}) + "\n")
        rc = res["rc"] if res["rc"] is not None else 127
        return ExecResult(rc == 0, rc, res.get("stdout", ""), res.get("stderr", ""))

    async def _check(self, file: str, want: str) -> int:
        """The file's size, or the error Inspect's contract names for it (as the agent's user)."""
        script = ('p="$1"; if [ -d "$p" ]; then exit 21; fi; '
                  + ('[ -e "$p" ] || exit 2; [ -r "$p" ] || exit 13; stat -c %s "$p"' if want == "read" else
                     'd=$(dirname "$p"); mkdir -p "$d" 2>/dev/null || exit 13; '
                     '{ [ -e "$p" ] && [ -w "$p" ]; } || { [ ! -e "$p" ] && [ -w "$d" ]; } || exit 13; echo 0'))
        r = await self._run(["/bin/sh", "-c", script, "sh", file], log=False)
        errors = {21: IsADirectoryError, 2: FileNotFoundError, 13: PermissionError}
        if r.returncode in errors:
            raise errors[r.returncode](f"riskgym box: {file}: cannot {want} as the agent's user")
        if not r.success:
            raise OSError(f"riskgym box: {file}: {r.stderr.strip()[:300]}")
        return int(r.stdout.strip() or 0)

    async def read_file(self, file: str, text: bool = True) -> Any:
        if file == computer.TOOL_PATH:    # how Inspect finds the sandbox that serves its computer tool
            note = "# served by riskgym's sandbox: each call is one riskgym step (riskgym.integrations.inspect)\n"
            return note if text else note.encode()
        size = await self._check(file, "read")
        data = b""
        for off in range(0, max(size, 1), CHUNK):
            r = await self._run(["/bin/sh", "-c", f'dd if="$1" bs={CHUNK} skip={off // CHUNK} count=1 2>/dev/null '
                                 '| base64 -w0', "sh", file], log=False)
            data += base64.b64decode(r.stdout)
        return data.decode("utf-8") if text else data

    async def write_file(self, file: str, contents: str | bytes) -> None:
        await self._check(file, "write")
        raw = contents.encode() if isinstance(contents, str) else contents
        encoded = base64.b64encode(raw).decode()
        first = True
        for off in range(0, max(len(encoded), 1), CHUNK):
            redirect = ">" if first else ">>"
            r = await self._run(["/bin/sh", "-c", f'base64 -d {redirect} "$1"', "sh", file],
                                input=encoded[off:off + CHUNK], log=False)
            if not r.success:
                raise PermissionError(f"riskgym box: {file}: {r.stderr.strip()[:300]}")
            first = False
