"""Layer 7: the command line (`python run.py`, `riskgym`)."""
from riskgym.cli.run import main  # noqa: F401
