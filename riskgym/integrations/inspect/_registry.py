"""What Inspect loads from riskgym's `inspect_ai` entry point: the task and the sandbox type."""
from riskgym.integrations.inspect.sandbox import RiskgymSandbox  # noqa: F401  (registers sandbox "riskgym")
from riskgym.integrations.inspect.task import riskgym  # noqa: F401  (registers task riskgym/riskgym)
