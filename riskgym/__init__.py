"""riskgym: measure how risky multimodal computer-use agents are, in an isolated box."""

__version__ = "0.1.0"
