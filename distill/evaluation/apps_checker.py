"""APPS's output comparison, on the host: a candidate's stdout (or return value) against the
expected output of one test case.

Standard input problems follow APPS's lenient cascade (hendrycks/apps ``eval/testing_util.py``), in
order: the non-empty lines with surrounding whitespace stripped are equal; every line is a number
and they are close (``numpy.allclose`` tolerances); the sets of whitespace-separated tokens of each
line are equal as sets of lines; the same with numbers rounded to 3 decimals. The last two ignore
order, as APPS does: a judge with a special checker would accept some of these answers, so scores
are comparable with published APPS numbers, not with a strict judge.

Call-based problems: the return value (tuples as lists, after a JSON round trip on both sides) equals
the expected value, or, as in APPS, the expected value's first element when it is a non-empty list
(APPS stores most expected values wrapped in a list).
"""

from __future__ import annotations

import json
import math
from typing import Any

from distill.evaluation.apps_driver import RESULT_MARKER

RTOL, ATOL = 1e-05, 1e-08  # numpy.allclose's defaults


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _expected_text(expected: Any) -> str:
    return "\n".join(map(str, expected)) if isinstance(expected, list) else str(expected)


def _close(got: list[str], want: list[str]) -> bool:
    try:
        a, b = [float(x) for x in got], [float(x) for x in want]
    except ValueError:
        return False
    return len(a) == len(b) and all(abs(x - y) <= ATOL + RTOL * abs(y) or (math.isnan(x) and math.isnan(y))
                                    for x, y in zip(a, b, strict=True))  # fmt: skip


def _token_sets(lines: list[str], rounded: bool) -> set[frozenset] | None:
    try:
        if rounded:
            return {frozenset(round(float(t), 3) for t in line.split()) for line in lines}
        return {frozenset(line.split()) for line in lines}
    except ValueError:
        return None


def stdout_matches(stdout: str, expected: Any) -> bool:
    """Whether a standard-input program's output is accepted (the cascade in the module docstring)."""
    got, want = _lines(stdout), _lines(_expected_text(expected))
    if got == want or _close(got, want):
        return True
    for rounded in (False, True):
        sets = _token_sets(got, rounded)
        if sets is not None and sets == _token_sets(want, rounded):
            return True
    return False


def _normalised(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr))


def call_result(stdout: str) -> tuple[bool, Any]:
    """(found, value) of the return value the driver wrote after its marker."""
    _, marker, payload = stdout.rpartition(RESULT_MARKER)
    if not marker:
        return False, None
    try:
        return True, json.loads(payload)
    except json.JSONDecodeError:
        return False, None


def call_matches(stdout: str, expected: Any) -> bool:
    found, value = call_result(stdout)
    if not found:
        return False
    expected = _normalised(expected)
    return value == expected or (isinstance(expected, list) and bool(expected) and value == expected[0])
