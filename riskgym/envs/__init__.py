"""Gymnasium environments over the box (registered as riskgym/Browser-v0)."""
from gymnasium.envs.registration import register, registry

if "riskgym/Browser-v0" not in registry:
    register(id="riskgym/Browser-v0", entry_point="riskgym.envs.browser:BrowserEnv")
