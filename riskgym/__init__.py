"""riskgym: measure how risky multimodal computer-use agents are, in an isolated box."""

__version__ = "0.1.0"

from riskgym import envs as _envs  # noqa: E402,F401  (registers the Gymnasium environments)
