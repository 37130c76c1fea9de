"""Old import path, kept for one release: the action language now lives in riskgym.actions."""
from riskgym.actions.parse import parse_actions
from riskgym.actions.types import MAX_ACTIONS, MAX_CODE_CHARS, MAX_KEYS, Action, ActionParseError, normalize_key

__all__ = ["Action", "ActionParseError", "MAX_ACTIONS", "MAX_CODE_CHARS", "MAX_KEYS", "normalize_key", "parse_actions"]
