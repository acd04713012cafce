"""Student -> teacher layer maps for attention transfer and feature matching."""

from __future__ import annotations

from distill.config.errors import ConfigError


def uniform_layer_map(student_layers: int, teacher_layers: int) -> dict[int, int]:
    """Student layer i -> teacher layer round(i (Lt - 1) / (Ls - 1)): first to first, last to last."""
    if student_layers == 1:
        return {0: teacher_layers - 1}
    return {i: round(i * (teacher_layers - 1) / (student_layers - 1)) for i in range(student_layers)}


def resolve_layer_map(
    configured: dict[int, int], student_layers: int, teacher_layers: int, key: str
) -> dict[int, int]:
    """The configured map (uniform when empty), checked against the two depths; ``key`` names the
    config field in the error."""
    layer_map = {int(s): int(t) for s, t in configured.items()} or uniform_layer_map(
        student_layers, teacher_layers
    )
    for s, t in layer_map.items():
        if not (0 <= s < student_layers and 0 <= t < teacher_layers):
            raise ConfigError(
                f"{key}: pair {s}->{t} is outside the models (student has {student_layers} layers, "
                f"teacher {teacher_layers})"
            )
    return layer_map
