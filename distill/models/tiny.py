"""Small Llamas for CPU runs and tests: a tokenizer trained locally and a model built from a config.

Both are written with ``save_pretrained`` and read back with ``from_pretrained``, the path that
loads CodeLlama, so everything downstream runs exactly as it would on the real model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from distill.config.schemas import TinyLlamaSpec, TokenizerSpec

SPECIAL_TOKENS = {"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"}


def train_tokenizer(texts: Iterable[str], spec: TokenizerSpec) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer (any text encodes, nothing is unknown), BOS added like Llama's."""
    tokenizer = Tokenizer(models.BPE(unk_token=SPECIAL_TOKENS["unk_token"]))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=spec.vocab_size,
        min_frequency=spec.min_frequency,
        special_tokens=list(SPECIAL_TOKENS.values()),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    bos = SPECIAL_TOKENS["bos_token"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tokenizer.token_to_id(bos))]
    )
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, **SPECIAL_TOKENS)


def tiny_llama_config(spec: TinyLlamaSpec, tokenizer: PreTrainedTokenizerFast) -> LlamaConfig:
    return LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden_size,
        intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.num_hidden_layers,
        num_attention_heads=spec.num_attention_heads,
        num_key_value_heads=spec.num_key_value_heads,
        max_position_embeddings=spec.max_position_embeddings,
        rope_theta=spec.rope_theta,
        tie_word_embeddings=spec.tie_word_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def build_tiny_llama(spec: TinyLlamaSpec, tokenizer: PreTrainedTokenizerFast) -> LlamaForCausalLM:
    """A randomly initialised Llama (seeded by ``spec.init_seed``) sized for ``tokenizer``."""
    config = tiny_llama_config(spec, tokenizer)
    with torch.random.fork_rng():
        torch.manual_seed(spec.init_seed)
        return LlamaForCausalLM(config)


def save_model_dir(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerFast,
    target: Path,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Write model, tokenizer and ``extra_files`` into ``target`` atomically (a temporary folder renamed
    into place), so concurrent jobs building the same thing never see half a model."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    for name, text in (extra_files or {}).items():
        (staging / name).write_text(text)
    try:
        os.rename(staging, target)
    except OSError:  # another job finished first: keep its copy
        shutil.rmtree(staging, ignore_errors=True)
    return target


def is_model_dir(path: str | Path) -> bool:
    return (Path(path) / "config.json").is_file()


def fingerprint(*parts: object) -> str:
    """A short stable hash of dataclasses, strings and files' contents, for cache folders."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            digest.update(part.read_bytes())
        elif hasattr(part, "__dataclass_fields__"):
            digest.update(repr(sorted(asdict(part).items())).encode())
        else:
            digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
