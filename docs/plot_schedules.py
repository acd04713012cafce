"""Draw docs/schedules.png: the progressive schedules of distill.losses.schedules, as conf/loss/full.yaml
uses them (KD weight 0.1 -> 0.7, temperature 2 -> 4), over the fraction of training done.

    .venv/bin/python docs/plot_schedules.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from distill.losses.schedules import schedule_value

PANELS = [("constant", 1), ("linear", 1), ("cosine", 1), ("step", 1), ("step", 3)]
WEIGHT, TEMPERATURE = (0.1, 0.7), (2.0, 4.0)


def main() -> None:
    progress = [i / 400 for i in range(401)]
    figure, axes = plt.subplots(1, len(PANELS), figsize=(3.2 * len(PANELS), 3.0), sharey=True)
    for ax, (kind, steps) in zip(axes, PANELS, strict=True):
        weight = [schedule_value(kind, p, *WEIGHT, steps) for p in progress]
        temperature = [schedule_value(kind, p, *TEMPERATURE, steps) for p in progress]
        ax.plot(progress, weight, color="tab:blue", label="KD weight")
        ax.set_title(kind if kind != "step" else f"step (progressive_step_count={steps})", fontsize=9)
        ax.set_xlabel("fraction of training done")
        ax.set_ylim(0, 0.8)
        twin = ax.twinx()
        twin.plot(progress, temperature, color="tab:orange", linestyle="--", label="temperature")
        twin.set_ylim(0, 4.5)
        if ax is axes[-1]:
            twin.set_ylabel("temperature", color="tab:orange")
        else:
            twin.set_yticklabels([])
    axes[0].set_ylabel("KD weight", color="tab:blue")
    figure.suptitle(
        "loss.progressive_schedule: KD weight 0.1 -> 0.7 (solid), temperature 2 -> 4 (dashed)", fontsize=10
    )
    figure.tight_layout()
    out = Path(__file__).with_name("schedules.png")
    figure.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
