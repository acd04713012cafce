"""What several test files share, in one place (in the manner of torchtune's ``tests/test_utils.py``):

- float64 references the losses are checked against, written as the papers write them;
- tiny Llama builders (random weights, a few thousand parameters, CPU-fast);
- the machine's requirements (toolchains, bubblewrap): a test that needs a missing one fails, and only
  skips, with its reason, where the tool cannot be installed here.

Fixtures stay in ``conftest.py``; everything here is a plain function (``from helpers import ...``:
pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

DIVERGENCES = ["forward_kl", "reverse_kl", "jsd", "skew_forward", "skew_reverse", "tvd"]


# ------------------------------------------------------------------------------------- float64 references
def kl(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """KL(p || q) over the last dimension of probabilities (float64), 0 log 0 = 0; differentiable in
    both (the masked entries get no NaN gradient)."""
    support = p > 0
    p_safe = torch.where(support, p, torch.ones_like(p))
    return torch.where(support, p * (p_safe.log() - q.log()), torch.zeros_like(p)).sum(-1)


def kept_positions(labels: torch.Tensor) -> list[tuple[int, int]]:
    """(row, position) of every kept prediction, in order: position ``i`` predicts ``labels[row, i + 1]``
    (the shift of causal language modelling); -100 labels (prompt, padding) are left out."""
    rows, length = labels.shape
    return [(b, i) for b in range(rows) for i in range(length - 1) if labels[b, i + 1] != -100]


def divergence(ps: torch.Tensor, pt: torch.Tensor, name: str, beta: float = 0.5, alpha: float = 0.1):
    """The divergence ``name`` between student ``ps`` and teacher ``pt`` probabilities over the last
    dimension, as written in the papers (generalised JSD of MiniLLM/GKD with its beta, skew KL of
    DistiLLM with its alpha, total variation)."""
    if name == "forward_kl" or (name == "jsd" and beta == 0):
        return kl(pt, ps)
    if name == "reverse_kl" or (name == "jsd" and beta == 1):
        return kl(ps, pt)
    if name == "jsd":
        m = beta * pt + (1 - beta) * ps
        return beta * kl(pt, m) + (1 - beta) * kl(ps, m)
    if name == "skew_forward":
        return kl(pt, alpha * pt + (1 - alpha) * ps)
    if name == "skew_reverse":
        return kl(ps, alpha * ps + (1 - alpha) * pt)
    assert name == "tvd", name
    return 0.5 * (ps - pt).abs().sum(-1)


# ------------------------------------------------------------------------------------- tiny models
def tiny_llama(
    vocab_size: int,
    hidden_size: int = 16,
    num_layers: int = 1,
    num_heads: int = 2,
    num_kv_heads: int | None = None,
    seed: int = 0,
    attn: str | None = None,
    **config,
) -> LlamaForCausalLM:
    """A random Llama (intermediate size twice the hidden size, 64 positions), seeded; ``attn`` sets the
    attention implementation ("eager" returns attention maps); ``config`` goes to ``LlamaConfig``."""
    torch.manual_seed(seed)
    settings = dict(
        vocab_size=vocab_size,
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_kv_heads or num_heads,
        max_position_embeddings=64,
    )
    llama_config = LlamaConfig(**(settings | config))
    if attn is not None:
        llama_config._attn_implementation = attn
    return LlamaForCausalLM(llama_config)


def saved_student_and_teacher(dataset: Path, root: Path, teacher_spec) -> tuple[str, str, int]:
    """A student base (tokenizer trained on ``dataset``, random Llama) and a teacher built from
    ``teacher_spec`` with the same tokenizer, both saved with ``save_pretrained`` under ``root``:
    (student base path, teacher path, vocabulary size)."""
    from conftest import tiny_student_config

    from distill.models.tiny import build_tiny_llama, save_model_dir
    from distill.training.system import KnowledgeDistillationSystem

    system = KnowledgeDistillationSystem(tiny_student_config(dataset, root))
    tokenizer = system.setup_tokenizer()
    teacher_dir = save_model_dir(build_tiny_llama(teacher_spec, tokenizer), tokenizer, root / "teacher")
    return system.config.student_model_name, str(teacher_dir), len(tokenizer)


# ------------------------------------------------------------------------------------- the machine
# Debian packages of the tools the tests run (``make sandbox-tools`` installs bubblewrap and go).
PACKAGES = {
    "javascript": "nodejs",
    "java": "default-jdk-headless",
    "cpp": "g++",
    "go": "golang-go",
    "rust": "rustc",
    "bubblewrap": "bubblewrap",
}
REQUIRE_BWRAP = "DISTILL_REQUIRE_BWRAP"  # set by .ci/run where bubblewrap can be installed


def installable_here() -> bool:
    """Whether a missing system package could be installed on this machine (root and apt-get)."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def require_toolchain(language: str) -> None:
    """Fail when ``language``'s toolchain is missing on a machine that could install it; skip, saying
    why, only where it cannot be installed (not root, or no apt-get)."""
    from distill.execution.languages import toolchain

    found = toolchain(language)
    if found.available:
        return
    package = PACKAGES.get(language, language)
    if installable_here():
        pytest.fail(
            f"toolchain missing: {found.missing}; install it: apt-get install {package}", pytrace=False
        )
    pytest.skip(
        f"toolchain missing: {found.missing}, and it cannot be installed here (needs root and apt-get)"
    )


def require_bubblewrap() -> None:
    """Fail when bubblewrap cannot run and ``DISTILL_REQUIRE_BWRAP=1`` (CI on a machine where it can be
    installed); skip, saying why, otherwise."""
    from distill.execution.sandbox import bubblewrap_works

    if bubblewrap_works():
        return
    reason = "bubblewrap cannot run on this machine (install bubblewrap: make sandbox-tools)"
    if os.environ.get(REQUIRE_BWRAP) == "1":
        pytest.fail(f"{reason}; {REQUIRE_BWRAP}=1 requires the isolation tests to run", pytrace=False)
    pytest.skip(reason)
