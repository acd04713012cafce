"""Quality control of generated samples; every rejection is counted by reason, language and cell.

Checks, in order: the API call succeeded and was not truncated; the answer follows the format;
lengths are within bounds; the code parses; the problem is not an exact duplicate of an accepted
one; the sample's own tests pass against its solution, executed in the sandbox.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from distill.api.types import CodeGenerationResponse
from distill.config.schemas import DatasetConfig, SandboxConfig
from distill.data.sample_format import GeneratedSample, SampleFormatError, parse_sample
from distill.evaluation.programs import test_program
from distill.evaluation.sandbox import Sandbox

LENGTH_BOUNDS = {"problem": (20, 4000), "solution": (10, 8000), "tests": (10, 8000)}
EXECUTABLE_LANGUAGES = ("python",)  # toolchains for the others arrive with the generation issue


@dataclass
class Verdict:
    accepted: bool
    reason: str  # "accepted" or the first failed check
    sample: GeneratedSample | None = None
    tests_executed: bool = False
    detail: str = ""


@dataclass
class _Counts:
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": dict(self.rejected)}


def _syntax_error(code: str, language: str) -> str | None:
    if language != "python":
        return None
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    return None


def _fingerprint(problem: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", " ", problem.lower()).strip().encode()).hexdigest()


class DatasetQualityController:
    """Validates generated samples and keeps the report of what it accepted and rejected."""

    def __init__(self, config: DatasetConfig, sandbox: Sandbox | None = None, max_workers: int = 2) -> None:
        self.config = config
        self.sandbox = sandbox or Sandbox(SandboxConfig(), timeout_s=10)
        self.max_workers = max_workers
        self._seen: set[str] = set()
        self._by_language: dict[str, _Counts] = defaultdict(_Counts)
        self._by_cell: dict[str, _Counts] = defaultdict(_Counts)
        self._reasons: Counter[str] = Counter()
        self._executed = Counter()
        self._not_executed = Counter()

    def remember(self, problem: str) -> None:
        """Register an already accepted problem (when resuming) so duplicates of it are caught."""
        self._seen.add(_fingerprint(problem))

    def _static_check(self, response: CodeGenerationResponse, language: str) -> Verdict:
        if not response.success:
            reason = "truncated" if (response.metadata or {}).get("truncated") else "api_error"
            return Verdict(False, reason, detail=response.error or "")
        text = (response.metadata or {}).get("text", response.generated_code)
        try:
            sample = parse_sample(text, language)
        except SampleFormatError as exc:
            return Verdict(False, "format", detail=str(exc))
        for part, (low, high) in LENGTH_BOUNDS.items():
            size = len(getattr(sample, part))
            if not low <= size <= high:
                return Verdict(
                    False, "length", sample, detail=f"{part} has {size} characters ({low}..{high})"
                )
        for part in ("solution", "tests"):
            error = _syntax_error(getattr(sample, part), language)
            if error:
                return Verdict(False, "syntax", sample, detail=f"{part}: {error}")
        if _fingerprint(sample.problem) in self._seen:
            return Verdict(False, "duplicate", sample, detail="same problem statement as an accepted sample")
        return Verdict(True, "accepted", sample)

    def review(
        self, responses: list[CodeGenerationResponse], languages: list[str], cells: list[str]
    ) -> list[Verdict]:
        """Check a batch; the tests of samples that pass the static checks run concurrently."""
        verdicts = []
        for response, language in zip(responses, languages, strict=True):
            verdict = self._static_check(response, language)
            if verdict.accepted:
                self._seen.add(_fingerprint(verdict.sample.problem))  # duplicates within the batch too
            verdicts.append(verdict)
        to_run = [
            i
            for i, v in enumerate(verdicts)
            if v.accepted and self.config.execute_tests and languages[i] in EXECUTABLE_LANGUAGES
        ]
        programs = [test_program(verdicts[i].sample.solution, verdicts[i].sample.tests) for i in to_run]
        for i, result in zip(to_run, self.sandbox.run_many(programs, self.max_workers), strict=True):
            verdicts[i].tests_executed = True
            if not result.passed:
                self._seen.discard(_fingerprint(verdicts[i].sample.problem))
                verdicts[i] = Verdict(False, "tests_failed", verdicts[i].sample, True, result.reason)
        for verdict, language, cell in zip(verdicts, languages, cells, strict=True):
            self._count(verdict, language, cell)
        return verdicts

    def validate_code_quality(self, response: CodeGenerationResponse, cell: str | None = None) -> bool:
        """The spec's single-sample check: True when the response yields an acceptable sample."""
        language = response.language
        return self.review([response], [language], [cell or language])[0].accepted

    def _count(self, verdict: Verdict, language: str, cell: str) -> None:
        self._reasons[verdict.reason] += 1
        for counts in (self._by_language[language], self._by_cell[cell]):
            if verdict.accepted:
                counts.accepted += 1
            else:
                counts.rejected[verdict.reason] += 1
        if verdict.accepted:
            (self._executed if verdict.tests_executed else self._not_executed)[language] += 1

    def get_quality_report(self) -> dict[str, Any]:
        reviewed = sum(self._reasons.values())
        return {
            "reviewed": reviewed,
            "accepted": self._reasons["accepted"],
            "acceptance_rate": self._reasons["accepted"] / reviewed if reviewed else 0.0,
            "rejected_by_reason": {k: v for k, v in sorted(self._reasons.items()) if k != "accepted"},
            "by_language": {k: v.as_dict() for k, v in sorted(self._by_language.items())},
            "by_cell": {k: v.as_dict() for k, v in sorted(self._by_cell.items())},
            "accepted_with_tests_executed": dict(self._executed),
            "accepted_without_tests_executed": dict(self._not_executed),
        }
