"""Gymnasium environments over the box (registered as riskgym/Browser-v0).

nondeterministic=True: a real browser's first frame can differ by a few anti-aliased pixels
between two boxes (window activation), though the page, the URL and the attacks are the same.
"""
from gymnasium.envs.registration import register, registry

if "riskgym/Browser-v0" not in registry:
    register(id="riskgym/Browser-v0", entry_point="riskgym.envs.browser:BrowserEnv", nondeterministic=True)
