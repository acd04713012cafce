"""Packing: several examples per row, attention never crossing them, the same per-example loss."""

from __future__ import annotations

import pytest
import torch
from conftest import tiny_student_config
from helpers import tiny_llama

from distill.config.schemas import LossConfig
from distill.data.datamodule import IGNORE_INDEX, PadCollator
from distill.data.packing import (
    PADDING_SEGMENT,
    PackedDataset,
    block_causal_mask,
    pack_lengths,
    packed_model_inputs,
)
from distill.losses.distillation import AdvancedDistillationLoss
from distill.training.module import DistillationModule

V = 50
LENGTHS = [5, 9, 3, 12, 7, 4, 11, 2]


def _examples(seed=0):
    g = torch.Generator().manual_seed(seed)
    examples = []
    for n in LENGTHS:
        ids = torch.randint(1, V, (n,), generator=g).tolist()
        prompt = 1 + n % 3
        examples.append({"input_ids": ids, "labels": [IGNORE_INDEX] * prompt + ids[prompt:]})
    return examples


def _llama(attn, seed=0):
    return tiny_llama(
        V, hidden_size=32, num_layers=2, num_heads=4, num_kv_heads=2, seed=seed, attn=attn
    ).eval()


def test_best_fit_decreasing_fills_rows_and_refuses_an_example_longer_than_a_row():
    lengths = [7, 5, 4, 3, 3, 2, 2, 1, 9, 6]
    rows = pack_lengths(lengths, 10)
    assert sorted(i for row in rows for i in row) == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in row) <= 10 for row in rows)
    assert len(rows) == 5  # 42 tokens: the lower bound is 5 rows of 10
    assert pack_lengths(lengths, 10) == rows  # deterministic
    with pytest.raises(ValueError, match="example 8 has 9 tokens, more than a row of 8"):
        pack_lengths(lengths, 8)


def test_a_packed_row_restarts_positions_and_masks_each_examples_first_label():
    examples = _examples()
    packed = PackedDataset(examples, 20)
    row = packed[0]
    parts = [examples[i] for i in packed.rows[0]]
    assert row["input_ids"] == [t for p in parts for t in p["input_ids"]]
    assert row["position_ids"] == [i for p in parts for i in range(len(p["input_ids"]))]
    assert row["segment_ids"] == [s for s, p in enumerate(parts) for _ in p["input_ids"]]
    start = 0
    for part in parts:
        n = len(part["input_ids"])
        assert (
            row["labels"][start] == IGNORE_INDEX
            and row["labels"][start + 1 : start + n] == part["labels"][1:]
        )
        start += n
    batch = PadCollator(pad_token_id=0)([packed[i] for i in range(len(packed))])
    width = batch["input_ids"].size(1)
    short = min(range(len(packed)), key=lambda i: len(packed[i]["input_ids"]))
    n = len(packed[short]["input_ids"])
    assert batch["attention_mask"][short].tolist() == [1] * n + [0] * (width - n)
    assert batch["segment_ids"][short, n:].eq(PADDING_SEGMENT).all()
    assert batch["position_ids"][short, n:].tolist() == list(range(width - n))  # the padding is a sequence
    assert batch["labels"][short, n:].eq(IGNORE_INDEX).all()


def test_the_block_diagonal_mask_allows_only_earlier_tokens_of_the_same_example():
    segments = torch.tensor([[0, 0, 1, 1, 1, PADDING_SEGMENT]])
    allowed = block_causal_mask(segments)[0, 0]
    expected = torch.tensor(
        [
            [1, 0, 0, 0, 0, 0],
            [1, 1, 0, 0, 0, 0],
            [0, 0, 1, 0, 0, 0],
            [0, 0, 1, 1, 0, 0],
            [0, 0, 1, 1, 1, 0],
            [0, 0, 0, 0, 0, 1],
        ],
        dtype=torch.bool,
    )
    assert torch.equal(allowed, expected)
    batch = {"position_ids": torch.tensor([[0, 1, 0, 1, 2, 0]]), "segment_ids": segments}
    eager = packed_model_inputs(batch, "eager")["attention_mask"]
    assert eager.dtype == torch.float32 and torch.equal(eager[0, 0] == 0, expected)
    assert packed_model_inputs(batch, "sdpa")["attention_mask"].dtype == torch.bool
    flash = packed_model_inputs(batch, "flash_attention_2")
    assert flash["attention_mask"] is None and torch.equal(flash["position_ids"], batch["position_ids"])


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_packed_logits_equal_each_example_alone(attn):
    model = _llama(attn)
    examples = _examples()
    packed = PackedDataset(examples, 20)
    batch = PadCollator(0)([packed[i] for i in range(len(packed))])
    assert len(packed) < len(examples)  # rows really hold several examples
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], **packed_model_inputs(batch, attn)).logits
        # without the block-diagonal mask, later examples see earlier ones: the check below would fail
        crossing = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"],
                         attention_mask=batch["attention_mask"]).logits  # fmt: skip
        differs = False
        for r, row in enumerate(packed.rows):
            start = 0
            for i in row:
                n = len(examples[i]["input_ids"])
                alone = model(input_ids=torch.tensor([examples[i]["input_ids"]])).logits[0]
                torch.testing.assert_close(logits[r, start : start + n], alone, rtol=1e-5, atol=1e-5)
                differs |= not torch.allclose(crossing[r, start : start + n], alone, atol=1e-4)
                start += n
    assert differs


@pytest.mark.parametrize("memory_lean", [True, False])
def test_the_module_gives_a_packed_batch_the_loss_of_the_unpacked_batch(memory_lean):
    """Every term is a mean over the kept tokens: the same tokens, the same per-example logits, the
    same loss, whether the examples are packed or padded one per row (float32, tight tolerance)."""
    student, teacher = _llama("eager", seed=0).train(), _llama("eager", seed=1)
    config = LossConfig(use_attention_transfer=True, attention_weight=0.5, memory_lean=memory_lean)
    loss = AdvancedDistillationLoss(config, V, 2, 2)
    module = DistillationModule(student, loss, teacher.requires_grad_(False))
    student.eval()  # no dropout in this Llama anyway; eval for determinism of the comparison
    examples = _examples(seed=3)
    unpacked = PadCollator(0)(examples)
    packed_rows = PackedDataset(examples, 24)
    packed = PadCollator(0)([packed_rows[i] for i in range(len(packed_rows))])
    total, parts = module.compute_loss(unpacked)
    packed_total, packed_parts = module.compute_loss(packed)
    assert set(parts) >= {"task_ce", "kd", "attention", "total"}
    for name in parts:
        torch.testing.assert_close(packed_parts[name], parts[name], rtol=1e-5, atol=1e-6, msg=name)
    grads = torch.autograd.grad(total, student.model.layers[0].self_attn.q_proj.weight)
    packed_grads = torch.autograd.grad(packed_total, student.model.layers[0].self_attn.q_proj.weight)
    torch.testing.assert_close(packed_grads[0], grads[0], rtol=1e-4, atol=1e-6)


def test_the_datamodule_packs_a_generated_dataset(generated_dataset, tmp_path):
    from distill.training.system import KnowledgeDistillationSystem

    config = tiny_student_config(generated_dataset, tmp_path, packing=True, pack_length=512)
    system = KnowledgeDistillationSystem(config)
    train, _ = system.load_dataset()
    rows = system.datamodule.loader_dataset("train")
    assert isinstance(rows, PackedDataset) and len(rows) < len(train)
    assert sorted(i for row in rows.rows for i in row) == list(range(len(train)))
    batch = next(iter(system.datamodule.train_dataloader()))
    assert {"position_ids", "segment_ids"} <= set(batch) and batch["input_ids"].size(1) <= 512
