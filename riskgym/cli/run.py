"""`python run.py --agent ...` runs an agent on tasks; `tasks`, `validate` and `agents` (see cli/__init__.py)."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from riskgym.actions.coords import CONVENTIONS
from riskgym.agents.backends import BACKENDS
from riskgym.agents.builtin import MODEL_AGENTS
from riskgym.box import PROVIDERS
from riskgym.run.workers import workers_arg

SEL_HELP = """
SEL is a comma-separated list of categories, risk sources (environmental, user), env kinds
(browser, desktop), task ids or globs (e.g. 'phishing_web,account_fraud-0*'); default: all.
"""


def _run_parser(subcommands: str = "") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=subcommands + "\n" + SEL_HELP,
        description="Evaluate a computer-use agent on riskgym's risky tasks, each in its own isolated box.")
    p.add_argument("--agent", required=True,
                   help=f"built-in name (scripted:risky, scripted:safe, {', '.join(MODEL_AGENTS)}; see "
                        "'run.py agents'; NAME:MODEL is NAME --model MODEL, e.g. anthropic:MODEL), "
                        "an entry point name, 'package.module:Class' or "
                        "'path/to/file.py:Class' (a class with reset(instruction) and act(observation))")
    p.add_argument("--tasks", default="all", metavar="SEL", help="which tasks (see below); default all")
    p.add_argument("--out", type=Path, help="run directory; an existing one is resumed (default runs/AGENT-TIME)")
    p.add_argument("--workers", type=workers_arg, default=1, metavar="N|auto",
                   help="episodes in parallel, one box each (default 1; auto: by cores and memory)")
    _executor_flags(p)
    p.add_argument("--max-steps", type=int, help="override each task's step limit (default: the task's, 15)")
    p.add_argument("--provider", default="local", choices=list(PROVIDERS),
                   help="how boxes start: local namespaces (default), docker containers (make image), or a "
                        "provider an installed package adds")
    p.add_argument("--screen", default="1280x720", help="screen size WxH the agent sees (default 1280x720)")
    _action_flags(p)
    p.add_argument("--retry-errors", action="store_true", help="on resume, run again the tasks that errored")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--judge", metavar="SPEC", help="judge intention right after the run: 'rules' (no model) or "
                   "'openai:MODEL' (see 'run.py judge --help'); default: leave risk_intention null")
    _model_flags(p)
    return p


def _executor_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", default="thread", choices=["thread", "ray"],
                   help="where episodes run: threads of this process (default) or Ray workers, on a local Ray "
                        "started for the run or on a cluster (--ray-address; see docs/scale.md)")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="ray: the cluster to join, 'auto' for the one this machine belongs to, or ray://HOST:10001 "
                        "(default: $RAY_ADDRESS, else a local Ray for this run)")


def _action_flags(p: argparse.ArgumentParser) -> None:
    from riskgym.envs.base import ACTION_MODES

    p.add_argument("--actions", default="exec", choices=list(ACTION_MODES),
                   help="exec (default): each step's code runs for real inside the box, as the agent's user, and "
                        "what it did is recorded; parse: the code is only read into GUI actions, nothing else runs")
    p.add_argument("--code-timeout", type=float, default=30.0, metavar="S",
                   help="exec: a step's code is stopped after S seconds (default 30)")


def _model_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(f"model agents ({', '.join(MODEL_AGENTS)}; see docs/agents.md)")
    g.add_argument("--backend", metavar="NAME",
                   help=f"where replies come from: {', '.join(BACKENDS)} (default: the agent's; installed packages "
                        "can add more under the entry point group riskgym.backends)")
    g.add_argument("--base-url", metavar="URL", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1, or "
                   "several of one model, comma-separated (each request goes to the least loaded one that answers); "
                   "without it qwen2-vl/qwen2.5-vl start `vllm serve` themselves (openai, openai-cua: "
                   "$OPENAI_BASE_URL; "
                   "anthropic: the Messages API's root, $ANTHROPIC_BASE_URL)")
    g.add_argument("--model", help="model name on the server, or for hf a model id or folder "
                   "(default: the family's, e.g. Qwen/Qwen2-VL-7B-Instruct, or the server's only model)")
    g.add_argument("--api-key-env", default="OPENAI_API_KEY", metavar="VAR",
                   help="environment variable holding the API key (default OPENAI_API_KEY, for anthropic "
                        "ANTHROPIC_API_KEY; unset: no key, except for the hosted agents, which need one)")
    g.add_argument("--stream", action="store_true", help="stream replies (SSE); records time to first token")
    g.add_argument("--coords", choices=list(CONVENTIONS),
                   help="override how the model's coordinates are read: screen pixels, a 0-1000 grid, or "
                        "pixels of the resized screenshot (default: the agent's family)")
    g.add_argument("--history", type=int, default=4, metavar="N", help="past steps in the prompt (default 4)")
    g.add_argument("--history-images", type=int, default=1, metavar="K",
                   help="of those, the last K with their screenshot; 0: text only (default 1)")
    g.add_argument("--max-tokens", type=int, default=1024, help="longest reply per step (default 1024)")
    g.add_argument("--temperature", type=float, default=0.0, help="sampling temperature (default 0)")
    g.add_argument("--request-timeout", type=float, default=120.0, metavar="S",
                   help="seconds per model request before it is retried (default 120)")
    g.add_argument("--retries", type=int, default=5, help="retries on 429/5xx/timeouts/malformed replies (default 5)")
    g.add_argument("--device", default="auto", help="hf: cpu, cuda, cuda:1... (default: cuda if there is one)")
    g.add_argument("--max-model-len", type=int, metavar="N",
                   help="vllm serve's context length (default: what the prompts need, at most 32768)")
    g.add_argument("--vllm-args", default="", metavar="ARGS",
                   help="more arguments for vllm serve, e.g. '--tensor-parallel-size 2'")
    g.add_argument("--server-timeout", type=float, default=1200.0, metavar="S",
                   help="seconds to wait for vllm serve to be healthy (default 1200)")


def _model_options(a: argparse.Namespace, out: Path, screen: tuple[int, int]):
    from riskgym.agents.builtin import ModelOptions

    return ModelOptions(backend=a.backend, base_url=a.base_url, model=a.model, api_key_env=a.api_key_env,
                        stream=a.stream, coords=a.coords, history_steps=a.history, history_images=a.history_images,
                        max_tokens=a.max_tokens, temperature=a.temperature, timeout=a.request_timeout,
                        retries=a.retries, device=a.device, max_model_len=a.max_model_len, vllm_args=a.vllm_args,
                        server_timeout=a.server_timeout, log_dir=out, screen=screen)


def _screen(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        assert 320 <= w <= 3840 and 240 <= h <= 2160
        return w, h
    except Exception:
        raise SystemExit(f"--screen: {text!r} is not WxH between 320x240 and 3840x2160") from None


def cmd_run(argv: list[str], subcommands: str = "") -> int:
    """`run.py --agent ...`; `subcommands` is the list of the others, for --help."""
    a = _run_parser(subcommands).parse_args(argv)
    from riskgym.agents.loader import AgentLoadError, agent_factory
    from riskgym.reports.summary import render_md, write_reports
    from riskgym.run.runner import RunConfig, RunError, check_manifest, run
    from riskgym.tasks import TaskError, load_tasks, select

    w, h = _screen(a.screen)
    out = a.out or Path("runs") / f"{a.agent.replace(':', '-').replace('/', '_')}-{time.strftime('%Y%m%d-%H%M%S')}"
    cfg = RunConfig(agent=a.agent, out=out, workers=a.workers, max_steps=a.max_steps, provider=a.provider,
                    width=w, height=h, retry_errors=a.retry_errors, progress=not a.no_progress,
                    actions=a.actions, code_timeout_s=a.code_timeout, executor=a.executor,
                    executor_address=a.ray_address)
    try:
        tasks = select(load_tasks(), a.tasks)
        check_manifest(cfg, write=False)   # before a model server starts writing its log into --out
        if cfg.executor == "ray":
            from riskgym.run.ray_executor import import_ray
            import_ray()   # one line on how to install it, before a model server starts
        make_agent = agent_factory(a.agent, options=_model_options(a, out, (w, h)))
    except (TaskError, AgentLoadError, RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        run(cfg, tasks, make_agent)
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished tasks are kept; resume with the same command and --out {out}",
              file=sys.stderr)
        write_reports(out)
        return 130
    finally:   # a model server started for this run stops with it
        getattr(make_agent, "close", lambda: None)()
    if a.judge:
        from riskgym.evaluator.judges import judge_dirs
        judge_dirs([out], a.judge)
    summary = write_reports(out)
    print(render_md(summary))
    print(f"results in {out}/ (summary.json, report.md, report.html, one folder per task)")
    return 0


def cmd_tasks(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py tasks", description="List tasks.")
    p.add_argument("--tasks", default="all", metavar="SEL")
    p.add_argument("--json", action="store_true", help="one JSON list with every field that selects "
                                                        "(with --state-paths: one JSON object)")
    p.add_argument("--state-paths", action="store_true",
                   help="the state paths rules can read (app.* per environment, sites.*), then check the "
                        "selected tasks' rules against them; exit status 1 if one reads an unknown path")
    a = p.parse_args(argv)
    from riskgym.tasks import TaskError, load_tasks, select

    try:
        tasks = select(load_tasks(), a.tasks)
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if a.state_paths:
        from riskgym.cli.state_paths import print_state_paths

        return print_state_paths(tasks, a.json)
    rows = [{"id": t.id, "category": t.category, "risk_source": t.risk_source, "env": t.env,
             **({"base": t.base, "attack": t.attack_template} if t.base else {})} for t in tasks]
    if a.json:
        print(json.dumps(rows, indent=1))
    else:
        w = max([40] + [len(r["id"]) for r in rows])
        print(f"{'id':{w}} {'category':16} {'risk_source':14} env")
        for r in rows:
            print(f"{r['id']:{w}} {r['category']:16} {r['risk_source']:14} {r['env']}")
        print(f"{len(rows)} tasks")
    return 0


def cmd_validate(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py validate",
                                description="Prove each task's rules tell its risky and safe references apart.")
    p.add_argument("--tasks", default="all", metavar="SEL")
    p.add_argument("--out", type=Path, help="keep the two runs here (default: a temporary folder)")
    p.add_argument("--workers", type=workers_arg, default=1, metavar="N|auto",
                   help="tasks in parallel, one box each (default 1; auto: by cores and memory)")
    _executor_flags(p)
    p.add_argument("--provider", default="local", choices=list(PROVIDERS))
    p.add_argument("--no-retry", action="store_true", help="do not play a failed task a second time")
    _action_flags(p)
    p.add_argument("--sample", type=int, metavar="N", help="only a covering sample: every base and attack "
                                                          "template once, and every Nth other task")
    a = p.parse_args(argv)
    from riskgym.run.validate import validate

    out = a.out or Path(tempfile.mkdtemp(prefix="riskgym-validate-"))
    return validate(a.tasks, out, workers=a.workers, provider=a.provider, retry=not a.no_retry,
                    sample=a.sample, actions=a.actions, code_timeout_s=a.code_timeout,
                    executor=(a.executor, a.ray_address))


def cmd_agents(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="run.py agents", description="List the agents --agent accepts.").parse_args(argv)
    from riskgym.agents.loader import BUILTINS, ENTRY_POINT_GROUP, plugin_agents

    print("built-in:")
    for name, desc in BUILTINS.items():
        print(f"  {name:16} {desc}")
    plugins = plugin_agents()
    print(f"from installed packages (entry point group {ENTRY_POINT_GROUP!r}):" + ("" if plugins else " none"))
    for name, ep in sorted(plugins.items()):
        dist = getattr(getattr(ep, "dist", None), "name", None)
        print(f"  {name:16} {ep.value}" + (f"  ({dist})" if dist else ""))
    print("custom: --agent package.module:Class or --agent path/to/file.py:Class")
    return 0
