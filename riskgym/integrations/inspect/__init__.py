"""riskgym for Inspect (`pip install riskgym[inspect]`): a task, a sandbox, scorers, and logs both ways.

    inspect eval riskgym/riskgym -T tasks=phishing_web --model MODEL     (task.py, sandbox.py, scorers.py)
    python run.py export DIR --format inspect                           (export.py)

See docs/inspect.md. The modules that import Inspect are imported only when used: riskgym
itself never needs it.
"""
