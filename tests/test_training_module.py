"""The LightningModule and the models it trains: non-finite losses, the progressive schedule's hooks,
QLoRA (bitsandbytes 4-bit), the white-box teacher loaded from disk, kept out of the module tree."""

from __future__ import annotations

import lightning as L
import pytest
import torch
from conftest import tiny_student_config
from helpers import saved_student_and_teacher, tiny_llama

from distill.config.schemas import LossConfig, TeacherConfig, TinyLlamaSpec, TokenizerSpec, TrainerConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.sources import TopKLogProbs
from distill.models.loading import quantization_config
from distill.training.errors import NonFiniteLossError
from distill.training.module import DistillationModule
from distill.training.system import KnowledgeDistillationSystem

V, SEQ = 40, 10
TEACHER_SPEC = TinyLlamaSpec(hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=2,
                             num_key_value_heads=2, init_seed=5)  # fmt: skip


def _student(seed=0):
    return tiny_llama(V, seed=seed)


def _batches(count, bad=None, seed=0):
    """Batches carrying a cached teacher; batch ``bad`` has NaN teacher log-probabilities."""
    g = torch.Generator().manual_seed(seed)
    batches = []
    for n in range(count):
        ids = torch.randint(0, V, (2, SEQ), generator=g)
        teacher = TopKLogProbs.from_logits(torch.randn(2, SEQ, V, generator=g), 4, 1.0)
        logprobs = torch.full_like(teacher.logprobs, torch.nan) if n == bad else teacher.logprobs
        batches.append({"input_ids": ids, "labels": ids, "attention_mask": torch.ones_like(ids),
                        "teacher_topk_ids": teacher.ids, "teacher_topk_logprobs": logprobs,
                        "teacher_topk_temperature": torch.ones(2)})  # fmt: skip
    return batches


class _Recorder(L.Callback):
    def __init__(self):
        self.weights, self.moments, self.kd_weights = [], [], []

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
        self.kd_weights.append(module.loss_fn.kd_weight)  # the weight this batch was trained with
        self.weights.append(module.student.lm_head.weight.detach().clone())
        state = trainer.optimizers[0].state.get(module.student.lm_head.weight, {})
        self.moments.append(state["exp_avg"].clone() if "exp_avg" in state else None)


def _fit(module, batches, epochs=1, callbacks=()):
    trainer = L.Trainer(accelerator="cpu", max_epochs=epochs, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, callbacks=list(callbacks))  # fmt: skip
    trainer.fit(module, torch.utils.data.DataLoader(batches, batch_size=None))
    return trainer


def test_a_non_finite_loss_stops_training_naming_the_step_and_the_term():
    module = DistillationModule(_student(), AdvancedDistillationLoss(LossConfig(temperature=1.0), V))
    with pytest.raises(NonFiniteLossError, match=r"non-finite loss at step 2 \(epoch 0, batch 2\): kd=nan"):
        _fit(module, _batches(4, bad=2))


def test_a_skipped_batch_leaves_the_weights_and_the_optimizer_moments_alone():
    module = DistillationModule(
        _student(), AdvancedDistillationLoss(LossConfig(temperature=1.0), V), on_nonfinite_loss="skip"
    )
    recorder = _Recorder()
    trainer = _fit(module, _batches(4, bad=2), callbacks=[recorder])
    assert module.skipped_batches == 1 and trainer.global_step == 4
    assert trainer.callback_metrics["train/skipped_batches"] == 1
    assert torch.equal(recorder.weights[2], recorder.weights[1])  # the skipped step changed nothing
    assert torch.equal(recorder.moments[2], recorder.moments[1])
    assert not torch.equal(recorder.weights[3], recorder.weights[2])  # the next one trains again
    assert all(torch.isfinite(w).all() for w in recorder.weights)
    with pytest.raises(ValueError, match=r"distillation\.on_nonfinite_loss: 'ignore'"):
        DistillationModule(_student(), AdvancedDistillationLoss(LossConfig(), V), on_nonfinite_loss="ignore")


@pytest.mark.parametrize("by", ["epoch", "step"])
def test_the_progressive_schedule_advances_by_epoch_or_by_step(by):
    config = LossConfig(temperature=1.0, distillation_weight=0.8, use_progressive_distillation=True,
                        progressive_schedule="linear", progressive_start_weight=0.0)  # fmt: skip
    module = DistillationModule(_student(), AdvancedDistillationLoss(config, V), progressive_by=by)
    recorder = _Recorder()
    _fit(module, _batches(3), epochs=3, callbacks=[recorder])
    weights = [round(w, 6) for w in recorder.kd_weights]
    if by == "epoch":  # set_epoch from the epoch hook: start, middle, end of the schedule, per epoch
        assert weights == [0.0] * 3 + [0.4] * 3 + [0.8] * 3
    else:  # nine optimizer steps from 0 to 0.8
        assert weights == [round(0.8 * i / 8, 6) for i in range(9)]


def test_the_qlora_quantization_config_comes_from_the_distillation_config(generated_dataset, tmp_path):
    config = tiny_student_config(generated_dataset, tmp_path, use_4bit=True, bnb_4bit_compute_dtype="bfloat16",
                                 bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True)  # fmt: skip
    quant = quantization_config(config)
    assert quant.load_in_4bit and not quant.load_in_8bit
    assert quant.bnb_4bit_quant_type == "nf4" and quant.bnb_4bit_use_double_quant
    assert quant.bnb_4bit_compute_dtype == torch.bfloat16
    fp4 = quantization_config(tiny_student_config(generated_dataset, tmp_path, use_4bit=True,
                                                  bnb_4bit_quant_type="fp4", bnb_4bit_use_double_quant=False))  # fmt: skip
    assert fp4.bnb_4bit_quant_type == "fp4" and not fp4.bnb_4bit_use_double_quant
    assert quantization_config(tiny_student_config(generated_dataset, tmp_path)) is None


def test_a_qlora_student_trains_in_4bit(generated_dataset, tmp_path):
    """bitsandbytes 0.50 quantises and runs 4-bit layers on the CPU too, so the real QLoRA path runs
    here: NF4 base weights, prepare_model_for_kbit_training, LoRA adapters that learn, through two
    epochs with validation (inference mode) in between. (bitsandbytes' CPU kernels need layers at
    least one quantisation block wide: hidden size 64.)"""
    import bitsandbytes as bnb

    spec = TinyLlamaSpec(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2,
                         num_key_value_heads=2)  # fmt: skip
    config = tiny_student_config(generated_dataset, tmp_path, student_build=spec, use_4bit=True, num_epochs=2,
                                 bnb_4bit_compute_dtype="bfloat16", lora_modules_to_save=[],
                                 gradient_checkpointing=True)  # fmt: skip
    trainer = TrainerConfig(enable_progress_bar=False, limit_train_batches=2, limit_val_batches=1)
    system = KnowledgeDistillationSystem(config, LossConfig(distillation_weight=0.0, task_weight=1.0),
                                         trainer_config=trainer)  # fmt: skip
    model, _ = system.setup_model_and_tokenizer()
    layers = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert layers and all(m.weight.quant_type == "nf4" and m.compute_dtype == torch.bfloat16 for m in layers)
    assert model.training and model.is_gradient_checkpointing
    before = {n: p.detach().clone() for n, p in model.named_parameters() if "lora_B" in n}
    results = system.run_full_training()
    assert results["steps"] == 4 and torch.isfinite(torch.tensor(results["eval"]["val/task_ce"]))
    after = dict(system.model.named_parameters())
    assert any(not torch.equal(after[n], p) for n, p in before.items())


@pytest.fixture(scope="module")
def teacher_on_disk(generated_dataset, tmp_path_factory):
    base, teacher_dir, _ = saved_student_and_teacher(
        generated_dataset, tmp_path_factory.mktemp("hf_teacher"), TEACHER_SPEC
    )
    return base, teacher_dir


def _hf_system(dataset, root, base, **teacher):
    config = tiny_student_config(dataset, root, student_model_name=base)
    return KnowledgeDistillationSystem(config, LossConfig(), TeacherConfig(kind="hf", **teacher))


def test_an_hf_teacher_from_disk_is_frozen_in_eval_mode_and_outside_the_module_tree(
    generated_dataset, tmp_path, teacher_on_disk
):
    base, teacher_dir = teacher_on_disk
    system = _hf_system(generated_dataset, tmp_path, base, model_name_or_path=teacher_dir,
                        torch_dtype="bfloat16", device="cpu")  # fmt: skip
    system.setup_model_and_tokenizer()
    teacher = system.prepare_teacher()
    assert system.teacher_info == {"kind": "hf", "path": teacher_dir}
    assert not teacher.training and not any(p.requires_grad for p in teacher.parameters())
    assert teacher.dtype == torch.bfloat16 and teacher.config.hidden_size == TEACHER_SPEC.hidden_size
    module = system.build_module(system.build_loss())
    module.train()
    assert module.student.training and not teacher.training
    assert not any(m is teacher for m in module.modules())  # Lightning neither moves nor saves it
    assert not any(k.startswith("teacher") for k in module.state_dict())
    module.place_teacher()
    assert next(teacher.parameters()).device == torch.device("cpu")
    batch = next(iter(system.datamodule.val_dataloader())) if system.datamodule else None
    if batch is None:
        system.load_dataset()
        batch = next(iter(system.datamodule.val_dataloader()))
    _, parts = module.compute_loss(batch)
    assert torch.isfinite(parts["kd"]) and parts["kd"] > 0


def test_an_hf_teacher_in_4bit_computes_in_its_dtype(generated_dataset, tmp_path, teacher_on_disk):
    import bitsandbytes as bnb

    base, teacher_dir = teacher_on_disk
    system = _hf_system(generated_dataset, tmp_path, base, model_name_or_path=teacher_dir,
                        torch_dtype="bfloat16", load_in_4bit=True)  # fmt: skip
    system.setup_model_and_tokenizer()
    teacher = system.prepare_teacher()
    layers = [m for m in teacher.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert layers and all(m.compute_dtype == torch.bfloat16 and m.weight.quant_type == "nf4" for m in layers)
    assert not any(p.requires_grad for p in teacher.parameters())


def test_an_hf_teacher_with_another_tokenizer_is_refused_naming_both(
    generated_dataset, tmp_path, teacher_on_disk
):
    _, teacher_dir = teacher_on_disk
    config = tiny_student_config(generated_dataset, tmp_path, tokenizer_build=TokenizerSpec(vocab_size=500))
    system = KnowledgeDistillationSystem(
        config, LossConfig(), TeacherConfig(kind="hf", model_name_or_path=teacher_dir)
    )
    system.setup_tokenizer()
    with pytest.raises(
        ValueError, match=rf"student {config.student_model_name}: 500 tokens, teacher {teacher_dir}"
    ):
        system.prepare_teacher()
    missing = _hf_system(generated_dataset, tmp_path, config.student_model_name,
                         model_name_or_path=str(tmp_path / "no_model"))  # fmt: skip
    missing.setup_tokenizer()
    with pytest.raises(FileNotFoundError, match=r"teacher\.model_name_or_path: no saved model at"):
        missing.prepare_teacher()


@pytest.mark.skipif(
    not torch.cuda.is_available(), reason="requires CUDA: a teacher on another device than the student"
)
@pytest.mark.parametrize(
    ("student_device", "teacher_device"), [("cuda", "cpu"), ("cpu", "cuda"), ("cuda", None)]
)
@pytest.mark.parametrize("memory_lean", [True, False])
def test_a_teacher_on_another_device_gives_the_loss_of_one_on_the_students(
    student_device, teacher_device, memory_lean
):
    """``teacher_device`` is honoured by place_teacher (none: the student's device); the teacher's logits
    (memory-lean: its final hidden states and a copy of its lm_head) and hidden states are brought to the
    student's device and give the loss of both models on the CPU."""
    config = LossConfig(
        temperature=1.0, memory_lean=memory_lean, use_feature_matching=True, feature_weight=0.5
    )
    teacher = tiny_llama(V, hidden_size=24, seed=1).eval().requires_grad_(False)
    loss = AdvancedDistillationLoss(config, V, 1, 1, 16, 24)
    module = DistillationModule(_student(), loss, teacher, teacher_device=teacher_device)
    batch = {k: v for k, v in _batches(1)[0].items() if not k.startswith("teacher_topk")}
    expected_total, expected = module.compute_loss(batch)  # both models still on the CPU
    (expected_grad,) = torch.autograd.grad(expected_total, [module.student.lm_head.weight])

    module.to(student_device)
    module.place_teacher()
    assert module.device.type == student_device
    assert module._teacher_on().type == (teacher_device or student_device)
    total, parts = module.compute_loss(batch)
    assert total.device.type == student_device and parts["kd"].device.type == student_device
    if memory_lean and teacher_device is not None:
        assert module._teacher_head[0].device.type == student_device  # the head copied once, in float32
    (grad,) = torch.autograd.grad(total, [module.student.lm_head.weight])
    assert total.item() == pytest.approx(expected_total.item(), rel=1e-4)
    for name in ("task_ce", "kd", "feature"):
        assert parts[name].item() == pytest.approx(expected[name].item(), rel=1e-4, abs=1e-6), name
    torch.testing.assert_close(grad.cpu(), expected_grad, rtol=1e-3, atol=1e-5)
