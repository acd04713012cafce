"""A student initialised from a subset of a teacher's decoder layers (DistilBERT / Minitron-style init).

The student is the teacher's architecture with fewer layers: the embeddings, the final norm and the
head are copied whole, and decoder layer ``j`` of the student is a copy of layer ``layers[j]`` of the
teacher. It shares the teacher's tokenizer, so token-level distillation applies directly, and it starts
from pretrained weights rather than random ones. It is written with ``save_pretrained`` (plus the
tokenizer and a record of where it came from) and read back with ``from_pretrained``, like any model.

    distillation.init_from_teacher_layers=[0,3,6,9,12,15,18,21,24,29]   # 10 of SmolLM2-135M's 30 layers
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedModel

from distill.config.errors import ConfigError
from distill.config.schemas import DistillationConfig, TeacherConfig

log = logging.getLogger(__name__)

LAYER_INIT_FILE = "layer_init.json"
# Per-layer lists some configs carry (e.g. layer_types), cut to the chosen layers like the weights.
PER_LAYER_CONFIG_KEYS = ("layer_types",)


def decoder_layers(model: PreTrainedModel) -> tuple[str, torch.nn.ModuleList]:
    """The qualified name and the module list of the decoder layers (``model.layers`` for Llama-likes):
    the one ``ModuleList`` with ``config.num_hidden_layers`` entries."""
    count = model.config.num_hidden_layers
    found = [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.ModuleList) and len(module) == count and name
    ]
    if len(found) != 1:
        raise ValueError(
            f"{type(model).__name__}: cannot tell its decoder layers apart (module lists of {count} entries: "
            f"{[name for name, _ in found]})"
        )
    return found[0]


def normalise_layers(layers: Sequence[int], count: int, key: str = "layers") -> list[int]:
    """Indices into ``count`` layers, negative ones from the end; each in range and listed once."""
    chosen = []
    for index in layers:
        position = index + count if index < 0 else index
        if not 0 <= position < count:
            raise ConfigError(f"{key}: layer {index} is out of range for a model of {count} layers")
        chosen.append(position)
    if not chosen or len(set(chosen)) != len(chosen):
        raise ConfigError(f"{key}: the layers must be non-empty and distinct, got {list(layers)}")
    return chosen


def init_from_layers(source: PreTrainedModel, layers: Sequence[int]) -> PreTrainedModel:
    """A new model of ``source``'s class and config with ``len(layers)`` decoder layers: every weight
    outside the decoder layers copied, and layer ``j`` a copy of the source's layer ``layers[j]``."""
    total = source.config.num_hidden_layers
    chosen = normalise_layers(layers, total)
    prefix, _ = decoder_layers(source)
    config = copy.deepcopy(source.config)
    config.num_hidden_layers = len(chosen)
    for name in PER_LAYER_CONFIG_KEYS:
        values = getattr(config, name, None)
        if isinstance(values, list) and len(values) == total:
            setattr(config, name, [values[i] for i in chosen])
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    new_index = {old: new for new, old in enumerate(chosen)}
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(.*)$")
    state: dict[str, torch.Tensor] = {}
    for name, tensor in source.state_dict().items():
        match = pattern.match(name)
        if match is None:
            state[name] = tensor
        elif int(match.group(1)) in new_index:
            state[f"{prefix}.{new_index[int(match.group(1))]}.{match.group(2)}"] = tensor
    with torch.random.fork_rng():  # the initialisation is overwritten: leave the global generator alone
        student = type(source)(config).to(next(source.parameters()).dtype)
    # strict: every weight of the student comes from the source, none is left at its initialisation
    student.load_state_dict(state, strict=True)
    for j, layer in enumerate(student.get_submodule(prefix)):
        for module in layer.modules():  # the KV cache is indexed by each attention's layer_idx
            if hasattr(module, "layer_idx"):
                module.layer_idx = j
    return student.eval()


def build_student_from_layers(
    source: str, layers: Sequence[int], target: str | Path, dtype: str = "float32"
) -> Path:
    """Load ``source`` (a saved folder, Hub name or ``.gguf`` file), keep ``layers`` and save the student
    with the source's tokenizer at ``target`` (atomically); ``layer_init.json`` records the choice."""
    from distill.models.loading import check_model_source, load_frozen, load_tokenizer
    from distill.models.tiny import save_model_dir

    check_model_source(source, "distillation.init_from_model")
    teacher = load_frozen(source, dtype)
    tokenizer = load_tokenizer(source)
    student = init_from_layers(teacher, layers)
    record = {
        "source": source,
        "layers": list(layers),
        "source_layers": teacher.config.num_hidden_layers,
        "copied_layers": normalise_layers(layers, teacher.config.num_hidden_layers),
    }
    save_model_dir(student, tokenizer, Path(target), {LAYER_INIT_FILE: json.dumps(record, indent=2)})
    log.info(
        "built the student at %s from layers %s of %s's %d",
        target,
        record["copied_layers"],
        source,
        record["source_layers"],
    )
    return Path(target)


def ensure_student_from_teacher_layers(
    config: DistillationConfig, teacher_config: TeacherConfig | None = None
) -> Path | None:
    """With ``distillation.init_from_teacher_layers`` set: the student folder ``student_model_name``,
    built from the layers of ``init_from_model`` (else ``teacher.model_name_or_path``) unless it already
    holds the same student. None when no layer-subset initialisation is configured."""
    if config.init_from_teacher_layers is None:
        return None
    source = config.init_from_model or (teacher_config.model_name_or_path if teacher_config else None)
    if not source:
        raise ConfigError(
            "distillation.init_from_model: the model whose layers initialise the student is needed "
            "(distillation.init_from_teacher_layers is set, and teacher.model_name_or_path is empty)"
        )
    target = Path(config.student_model_name)
    layers = list(config.init_from_teacher_layers)
    marker = target / LAYER_INIT_FILE
    if (target / "config.json").is_file():
        recorded: dict[str, Any] = json.loads(marker.read_text()) if marker.is_file() else {}
        if recorded.get("source") == source and recorded.get("layers") == layers:
            log.info("using the student built earlier from layers %s of %s at %s", layers, source, target)
            return target
        raise ConfigError(
            f"distillation.student_model_name: {target} already holds another model "
            f"({recorded or 'not built from teacher layers'}); init_from_teacher_layers={layers} of {source} "
            "would overwrite it: choose another folder"
        )
    dtype = "float32" if config.torch_dtype == "auto" else config.torch_dtype
    return build_student_from_layers(source, layers, target, dtype)


def same_layers(student: PreTrainedModel, source: PreTrainedModel, layers: Sequence[int]) -> bool:
    """Whether every weight of ``student`` equals the source's: outside the decoder layers by name, and
    student layer ``j`` against source layer ``layers[j]`` (what the tests check)."""
    chosen = normalise_layers(layers, source.config.num_hidden_layers)
    prefix, _ = decoder_layers(source)
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(.*)$")
    theirs = source.state_dict()
    for name, tensor in student.state_dict().items():
        match = pattern.match(name)
        origin = name if match is None else f"{prefix}.{chosen[int(match.group(1))]}.{match.group(2)}"
        if origin not in theirs or not torch.equal(tensor, theirs[origin]):
            return False
    return True


__all__ = [
    "LAYER_INIT_FILE",
    "build_student_from_layers",
    "decoder_layers",
    "ensure_student_from_teacher_layers",
    "init_from_layers",
    "normalise_layers",
    "same_layers",
]
