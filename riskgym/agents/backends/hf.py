"""Backend that runs a Qwen2-VL / Qwen2.5-VL checkpoint in-process with transformers (extra `hf`).

Inputs are built by hand: Qwen's chat layout, each image as `<|vision_start|>` + one
`<|image_pad|>` per merged patch + `<|vision_end|>`, pixels from the PIL image processor. That
needs no torchvision and accepts any tokenizer with encode/decode, including an offline one.
One model serves every worker; a lock runs one generate at a time.
"""
from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import replace
from typing import Any

from riskgym.agents.backends import ModelOptions, SharedFactory
from riskgym.agents.base import AgentLoadError
from riskgym.agents.families import FAMILIES, MODEL_TYPES, Family
from riskgym.agents.model_agent import Completion, ModelAgent

IMAGE_PAD, VISION_START, VISION_END = "<|image_pad|>", "<|vision_start|>", "<|vision_end|>"
STOP_TOKENS = ("<|im_end|>", "<|endoftext|>")


def _encode(tok: Any, text: str) -> list[int]:
    try:
        return list(tok.encode(text, add_special_tokens=False))   # transformers tokenizers
    except TypeError:
        return list(tok.encode(text))                             # plain encode/decode tokenizers


def _token_id(tok: Any, token: str) -> int:
    ids = _encode(tok, token)
    if len(ids) != 1:
        raise ValueError(f"the tokenizer does not know Qwen's special token {token} (it encodes to {ids[:5]})")
    return ids[0]


def _pixel_bounds(ip: Any) -> tuple[int | None, int | None]:
    size = getattr(ip, "size", None) or {}
    get = size.get if isinstance(size, dict) else (lambda k: getattr(size, k, None))
    return (get("shortest_edge") or getattr(ip, "min_pixels", None),
            get("longest_edge") or getattr(ip, "max_pixels", None))


class HFBackend:
    def __init__(self, model: Any, tokenizer: Any, image_processor: Any) -> None:
        self.model, self.tok, self.ip = model.eval(), tokenizer, image_processor
        cfg = model.config
        self.image_pad = _token_id(tokenizer, IMAGE_PAD)
        if getattr(cfg, "image_token_id", self.image_pad) != self.image_pad:
            raise ValueError(f"tokenizer's {IMAGE_PAD} is {self.image_pad}, the model expects {cfg.image_token_id}")
        self.stop_ids = [_token_id(tokenizer, t) for t in STOP_TOKENS]
        self.merge = int(getattr(image_processor, "merge_size", 2))
        self.patch = int(getattr(image_processor, "patch_size", 14))
        self.lock = threading.Lock()

    @classmethod
    def from_pretrained(cls, name_or_path: str, device: str = "auto", tokenizer: Any = None) -> "HFBackend":
        import torch
        from transformers import AutoConfig, AutoTokenizer
        from transformers import Qwen2VLImageProcessorPil as ImageProcessor  # PIL: no torchvision needed

        cfg = AutoConfig.from_pretrained(name_or_path)
        if cfg.model_type not in MODEL_TYPES:
            raise ValueError(f"{name_or_path}: model type {cfg.model_type!r} is not one the hf backend knows "
                             f"({', '.join(MODEL_TYPES)})")
        if cfg.model_type == "qwen2_vl":
            from transformers import Qwen2VLForConditionalGeneration as Model
        else:
            from transformers import Qwen2_5_VLForConditionalGeneration as Model
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        model = Model.from_pretrained(name_or_path, dtype=dtype).to(device)
        tok = tokenizer or AutoTokenizer.from_pretrained(name_or_path)
        return cls(model, tok, ImageProcessor.from_pretrained(name_or_path))

    def family(self) -> Family:
        """The model's family, sized so the processor leaves the agent's images as they are."""
        fam = FAMILIES[MODEL_TYPES.get(self.model.config.model_type, "qwen2-vl")]
        lo, hi = _pixel_bounds(self.ip)
        return replace(fam, factor=self.patch * self.merge, request_extra={},
                       min_pixels=max(fam.min_pixels, lo or 0), max_pixels=min(fam.max_pixels, hi or fam.max_pixels))

    def prompt(self, messages: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        images = [p["image"] for m in messages for p in m["content"] if p["type"] == "image"]
        feats: dict[str, Any] = {}
        if images:
            feats = dict(self.ip(images=images, return_tensors="pt"))
        grids = feats.get("image_grid_thw")
        text, i = [], 0
        for m in messages:
            text.append(f"<|im_start|>{m['role']}\n")
            for p in m["content"]:
                if p["type"] == "text":
                    text.append(p["text"])
                    continue
                t, gh, gw = (int(v) for v in grids[i])
                if (gh * self.patch, gw * self.patch) != (p["image"].height, p["image"].width):
                    raise ValueError(f"the image processor resized a {p['image'].width}x{p['image'].height} image to "
                                     f"{gw * self.patch}x{gh * self.patch}: coordinates would be off")
                text.append(VISION_START + IMAGE_PAD * (t * gh * gw // self.merge ** 2) + VISION_END)
                i += 1
            text.append("<|im_end|>\n")
        text.append("<|im_start|>assistant\n")
        return "".join(text), feats

    def complete(self, messages: list[dict[str, Any]], max_tokens: int, temperature: float) -> Completion:
        import torch

        t0 = time.monotonic()
        text, feats = self.prompt(messages)
        ids = _encode(self.tok, text)
        device = self.model.device
        input_ids = torch.tensor([ids], device=device)
        extra = {k: v.to(device) for k, v in feats.items()}
        if "pixel_values" in extra:
            extra["pixel_values"] = extra["pixel_values"].to(self.model.dtype)
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        with self.lock, torch.inference_mode():
            out = self.model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                                      max_new_tokens=max_tokens, eos_token_id=self.stop_ids,
                                      pad_token_id=self.stop_ids[-1], **sampling, **extra)
        new = out[0, len(ids):].tolist()
        produced = len(new)
        for j, tid in enumerate(new):   # cut at the end of the turn
            if tid in self.stop_ids:
                new = new[:j]
                break
        reply = self.tok.decode(new, skip_special_tokens=False)
        return Completion(reply, {"prompt_tokens": len(ids), "completion_tokens": produced,
                                  "total_tokens": len(ids) + produced, "latency_s": round(time.monotonic() - t0, 3)})


def make(agent: str, family: Family | None, opts: ModelOptions) -> SharedFactory:
    """The `hf` backend: a checkpoint in this process (its family from its config), shared by the workers."""
    if not opts.model:
        raise AgentLoadError(f"--agent {agent} needs --model: a Hugging Face model id or a local folder "
                             "(a Qwen2-VL or Qwen2.5-VL checkpoint)")
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None:
        raise AgentLoadError(f"--agent {agent} needs torch and transformers: pip install -e '.[hf]'")
    try:
        backend = HFBackend.from_pretrained(opts.model, device=opts.device)
    except (OSError, ValueError) as exc:
        raise AgentLoadError(f"--agent {agent}: cannot load {opts.model!r}: {exc}") from None
    fam = family or backend.family().with_convention(opts.coords)
    settings = opts.settings()
    return SharedFactory(lambda: ModelAgent(backend, fam, settings), model=opts.model)
