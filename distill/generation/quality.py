"""Quality control of generated samples; every rejection is counted by reason, language and cell.

Checks, in order (the first that fails is the reason):

1. ``api_error`` / ``truncated``: the call failed or stopped at ``max_tokens``;
2. ``format``: the answer does not follow the strict format (``sample_format``);
3. ``length``: a part is shorter or longer than ``data.quality.length_bounds``;
4. ``leaked_secret``: an API key, token or private key in the text (the row keeps a redacted copy);
5. ``syntax``: tree-sitter finds ERROR or MISSING nodes in the solution or the tests (and, for Python,
   ``ast.parse`` fails);
6. ``contamination``: an n-gram or string overlap with HumanEval, MBPP or APPS;
7. ``duplicate``: the same problem statement as an accepted sample (exact, after normalisation);
8. ``near_duplicate``: MinHash LSH finds an accepted sample with Jaccard >= the threshold;
9. ``tests_failed``: the sample's own tests fail against its solution in the sandbox (compiled first
   where the language needs it). Where the language's toolchain is not installed the tests are not
   run, the row says so (``tests_executed: false`` and why), and the report counts it.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from datasketch import MinHash

from distill.api.types import CodeGenerationResponse
from distill.config.schemas import DatasetConfig
from distill.data.sample_format import GeneratedSample, SampleFormatError, parse_sample
from distill.execution.languages import program, run_programs, toolchain
from distill.execution.sandbox import Sandbox
from distill.generation import dedup
from distill.generation.decontamination import Decontaminator
from distill.generation.leaks import find_secrets, redact_secrets
from distill.generation.syntax import check_syntax

CODE_PARTS = ("solution", "tests")


@dataclass
class Verdict:
    accepted: bool
    reason: str  # "accepted" or the first failed check
    sample: GeneratedSample | None = None
    tests_executed: bool = False
    detail: str = ""
    tests_not_run: str = ""  # why the tests were not executed (a missing toolchain), if so


@dataclass
class _Counts:
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": dict(self.rejected)}


def _redacted(sample: GeneratedSample) -> GeneratedSample:
    return GeneratedSample(
        *(redact_secrets(getattr(sample, part)) for part in ("problem", "solution", "tests"))
    )


class DatasetQualityController:
    """Validates generated samples and keeps the report of what it accepted and rejected."""

    def __init__(
        self, config: DatasetConfig, sandbox: Sandbox | None = None, max_workers: int | None = None
    ) -> None:
        self.config = config
        self._unnamed = itertools.count()  # keys of samples reviewed without one, unique per controller
        self.quality = config.quality
        self.sandbox = sandbox or Sandbox(config.sandbox, timeout_s=config.quality.test_timeout_s)
        self.max_workers = max_workers or config.quality.max_workers
        self.decontaminator = Decontaminator(config.decontamination)
        self.near_duplicates = dedup.NearDuplicateIndex(
            self.quality.near_duplicate_threshold,
            self.quality.minhash_permutations,
            self.quality.shingle_words,
        )
        self._seen: dict[str, str] = {}  # problem fingerprint -> key of the accepted sample
        self._by_language: dict[str, _Counts] = defaultdict(_Counts)
        self._by_cell: dict[str, _Counts] = defaultdict(_Counts)
        self._reasons: Counter[str] = Counter()
        self._executed: Counter[str] = Counter()
        self._not_executed: Counter[str] = Counter()
        self._contamination: dict[str, Counter[str]] = defaultdict(Counter)
        self._syntax_nodes: dict[str, Counter[str]] = defaultdict(Counter)

    # ------------------------------------------------------------------------------- state
    def _text(self, sample: GeneratedSample | dict[str, Any]) -> str:
        row = sample if isinstance(sample, dict) else vars(sample)
        return dedup.sample_text(row, self.quality.near_duplicate_fields)

    def remember(self, rows: list[dict[str, Any]]) -> None:
        """Register already accepted rows (when resuming) so that duplicates of them are caught."""
        samples = [GeneratedSample(row["problem"], row["solution"], row["tests"]) for row in rows]
        signatures = self.near_duplicates.signatures([self._text(sample) for sample in samples])
        for row, sample, signature in zip(rows, samples, signatures, strict=True):
            self._keep(row["id"], sample, signature)

    def _keep(self, key: str, sample: GeneratedSample, signature: MinHash) -> None:
        self._seen[dedup.fingerprint(sample.problem)] = key
        self.near_duplicates.add(key, signature)

    def _forget(self, key: str, sample: GeneratedSample) -> None:
        self._seen.pop(dedup.fingerprint(sample.problem), None)
        self.near_duplicates.remove(key)

    # ------------------------------------------------------------------------------- checks
    def _static_check(self, response: CodeGenerationResponse, language: str) -> Verdict:
        if not response.success:
            reason = "truncated" if (response.metadata or {}).get("truncated") else "api_error"
            return Verdict(False, reason, detail=response.error or "")
        text = (response.metadata or {}).get("text", response.generated_code)
        try:
            sample = parse_sample(text, language)
        except SampleFormatError as exc:
            return Verdict(False, "format", detail=str(exc))
        for part, (low, high) in self.quality.length_bounds.items():
            size = len(getattr(sample, part))
            if not low <= size <= high:
                return Verdict(
                    False, "length", sample, detail=f"{part} has {size} characters ({low}..{high})"
                )
        for part in ("problem", "solution", "tests"):
            secrets = find_secrets(getattr(sample, part))
            if secrets:
                return Verdict(
                    False, "leaked_secret", _redacted(sample), detail=f"{part}: {', '.join(secrets)}"
                )
        for part in CODE_PARTS:
            report = check_syntax(getattr(sample, part), language)
            if not report.ok:
                self._syntax_nodes[language].update(error_nodes=report.errors, missing_nodes=report.missing)
                return Verdict(False, "syntax", sample, detail=f"{part}: {report.first}")
        hit = self.decontaminator.check(vars(sample))
        if hit is not None:
            self._contamination[hit.benchmark][hit.kind] += 1
            return Verdict(False, "contamination", sample, detail=str(hit))
        twin = self._seen.get(dedup.fingerprint(sample.problem))
        if twin is not None:
            return Verdict(False, "duplicate", sample, detail=f"same problem statement as {twin}")
        return Verdict(True, "accepted", sample)

    def review(
        self,
        responses: list[CodeGenerationResponse],
        languages: list[str],
        cells: list[str],
        keys: list[str] | None = None,
    ) -> list[Verdict]:
        """Check a batch (``keys`` name its samples, e.g. row ids); the tests of samples that pass the
        static checks run concurrently in the sandbox."""
        keys = keys or [f"{cell}#{next(self._unnamed)}" for cell in cells]
        verdicts = [self._static_check(r, lang) for r, lang in zip(responses, languages, strict=True)]
        candidates = [i for i, v in enumerate(verdicts) if v.accepted]
        signatures = self.near_duplicates.signatures([self._text(verdicts[i].sample) for i in candidates])
        for i, signature in zip(candidates, signatures, strict=True):
            fingerprint = dedup.fingerprint(verdicts[i].sample.problem)
            if fingerprint in self._seen:  # a duplicate of an earlier sample of this batch
                detail = f"same problem statement as {self._seen[fingerprint]}"
                verdicts[i] = Verdict(False, "duplicate", verdicts[i].sample, detail=detail)
            elif (twin := self.near_duplicates.match(signature)) is not None:
                detail = f"Jaccard {twin[1]:.2f} with {twin[0]}"
                verdicts[i] = Verdict(False, "near_duplicate", verdicts[i].sample, detail=detail)
            else:
                self._keep(keys[i], verdicts[i].sample, signature)  # duplicates within the batch too
        self._run_tests(verdicts, languages, keys)
        for verdict, language, cell in zip(verdicts, languages, cells, strict=True):
            self._count(verdict, language, cell)
        return verdicts

    def _run_tests(self, verdicts: list[Verdict], languages: list[str], keys: list[str]) -> None:
        if not self.config.execute_tests:
            for verdict in verdicts:
                verdict.tests_not_run = "data.execute_tests is false" if verdict.accepted else ""
            return
        to_run = []
        for i, verdict in enumerate(verdicts):
            if not verdict.accepted:
                continue
            available = toolchain(languages[i])
            if available.available:
                to_run.append(i)
            else:
                verdict.tests_not_run = available.missing
        programs = [
            (languages[i], program(languages[i], verdicts[i].sample.solution, verdicts[i].sample.tests))
            for i in to_run
        ]
        results = run_programs(self.sandbox, programs, self.max_workers, self.quality.test_timeout_s)
        for i, result in zip(to_run, results, strict=True):
            verdicts[i].tests_executed = True
            if not result.passed:
                self._forget(keys[i], verdicts[i].sample)
                verdicts[i] = Verdict(False, "tests_failed", verdicts[i].sample, True, result.reason)

    def validate_code_quality(self, response: CodeGenerationResponse, cell: str | None = None) -> bool:
        """The spec's single-sample check: True when the response yields an acceptable sample."""
        language = response.language
        return self.review([response], [language], [cell or language])[0].accepted

    # ------------------------------------------------------------------------------- report
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
        seen_languages = sorted(self._by_language)
        return {
            "reviewed": reviewed,
            "accepted": self._reasons["accepted"],
            "acceptance_rate": self._reasons["accepted"] / reviewed if reviewed else 0.0,
            "rejected_by_reason": {k: v for k, v in sorted(self._reasons.items()) if k != "accepted"},
            "by_language": {k: v.as_dict() for k, v in sorted(self._by_language.items())},
            "by_cell": {k: v.as_dict() for k, v in sorted(self._by_cell.items())},
            "accepted_with_tests_executed": dict(self._executed),
            "accepted_without_tests_executed": dict(self._not_executed),
            "toolchains": {
                lang: "installed" if (t := toolchain(lang)).available else t.missing
                for lang in seen_languages
            },
            "syntax_nodes": {k: dict(v) for k, v in sorted(self._syntax_nodes.items())},
            "contamination": {
                "by_benchmark": {
                    name: dict(self._contamination[name]) for name in self.config.decontamination.benchmarks
                },
                "missing_files": list(self.decontaminator.missing),
            },
            "sandbox": self.sandbox.description,
        }
