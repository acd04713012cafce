"""Extra peak memory of a piece of work, shared by the memory benchmarks (not a benchmark itself).

On CUDA: ``torch.cuda.max_memory_allocated`` after a reset, minus what was allocated at the start. On
CPU: the peak resident set (``VmHWM``, reset through ``/proc/self/clear_refs``) minus the resident set
at the start. Run each measured variant in a process of its own, so that what one freed does not
lower the next one's figure.
"""

from __future__ import annotations

from pathlib import Path

import torch


def rss_bytes(field: str) -> int:
    """A field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``) in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


class PeakMemory:
    """Extra peak memory from ``start()`` on: CUDA's allocator statistics, else the peak resident set."""

    def __init__(self, device: str) -> None:
        self.cuda = device.startswith("cuda")

    def start(self) -> None:
        if self.cuda:
            torch.cuda.synchronize()
            self.base = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
        else:
            Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident set (VmHWM)
            self.base = rss_bytes("VmRSS")

    def extra(self) -> int:
        if self.cuda:
            torch.cuda.synchronize()
            return torch.cuda.max_memory_allocated() - self.base
        return rss_bytes("VmHWM") - self.base
