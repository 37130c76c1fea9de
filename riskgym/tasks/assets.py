"""Reading task files: where a field is, for errors (`loc`), and the files tasks/assets/ gives
them, inlined so the box never needs the repository (`resolve_assets`)."""
from __future__ import annotations

import base64
from pathlib import Path


class TaskError(ValueError):
    """One or more task files are broken; the message names each file, field and reason."""


def loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def resolve_assets(data: dict, path: Path, root: Path) -> None:
    """Inline attachment files into the task so the box needs no access to tasks/."""
    for section in ("setup", "attacks"):
        for i, step in enumerate(data.get(section) or []):
            if not isinstance(step, dict):
                continue
            if step.get("kind") == "put_file" and "asset" in step:   # a desktop file from tasks/assets
                f = (root / "assets" / str(step["asset"])).resolve()
                if not f.is_file() or root.resolve() not in f.parents:
                    raise TaskError(f"{path}: field '{section}[{i}].asset': no file tasks/assets/{step['asset']}")
                step["data_b64"] = base64.b64encode(f.read_bytes()).decode()
                del step["asset"]
            for j, att in enumerate(step.get("attachments") or []):
                if not isinstance(att, dict):
                    continue
                where = f"{section}[{i}].attachments[{j}]"
                if "asset" in att:
                    f = (root / "assets" / str(att["asset"])).resolve()
                    if not f.is_file() or root.resolve() not in f.parents:
                        raise TaskError(f"{path}: field '{where}.asset': no file tasks/assets/{att['asset']}")
                    att["data_b64"] = base64.b64encode(f.read_bytes()).decode()
                    del att["asset"]
                elif "text" in att:
                    att["data_b64"] = base64.b64encode(str(att.pop("text")).encode()).decode()
