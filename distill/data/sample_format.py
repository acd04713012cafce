"""The strict answer format of one training sample, and the fields of a generation prompt.

The prompt (``distill.generation.prompts``, templates in ``conf/data/prompts/generation.yaml``) asks for a
problem statement, a reference solution and tests between XML tags, each code part in one fenced block
tagged with the requested language. :func:`parse_sample` accepts exactly that and nothing else (a
block may also carry the language's usual short tag, ``js`` for javascript, ``c++`` for cpp, ...); the
offline server renders its answers with :func:`render_sample`, so both sides of the format live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROMPT_FIELDS = ("Language", "Difficulty", "Style", "Topic", "Variation")
FENCE_ALIASES = {
    "python": ("python", "py", "python3"),
    "javascript": ("javascript", "js", "node"),
    "java": ("java",),
    "cpp": ("cpp", "c++", "cxx"),
    "go": ("go", "golang"),
    "rust": ("rust", "rs"),
}


class SampleFormatError(ValueError):
    """The answer does not follow the requested format; the message says how."""


@dataclass(frozen=True)
class GeneratedSample:
    problem: str
    solution: str
    tests: str


def parse_prompt_fields(prompt: str) -> dict[str, str]:
    """The ``Field: value`` lines of a generation prompt (lower-case keys)."""
    fields = {}
    for name in PROMPT_FIELDS:
        match = re.search(rf"^{name}: (.+)$", prompt, flags=re.MULTILINE)
        if match:
            fields[name.lower()] = match.group(1).strip()
    return fields


def render_sample(sample: GeneratedSample, language: str) -> str:
    return (
        f"<problem>\n{sample.problem.strip()}\n</problem>\n"
        f"<solution>\n```{language}\n{sample.solution.strip()}\n```\n</solution>\n"
        f"<tests>\n```{language}\n{sample.tests.strip()}\n```\n</tests>"
    )


def _one_section(text: str, tag: str) -> str:
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", text, flags=re.DOTALL)
    if len(found) != 1:
        raise SampleFormatError(f"expected exactly one <{tag}> section, found {len(found)}")
    body = found[0].strip()
    if not body:
        raise SampleFormatError(f"the <{tag}> section is empty")
    return body


def _one_code_block(section: str, tag: str, language: str) -> str:
    match = re.fullmatch(r"```([\w+#-]*)\n(.*?)\n?```", section, flags=re.DOTALL)
    if match is None:
        raise SampleFormatError(f"<{tag}> must hold exactly one fenced code block and nothing else")
    if match.group(1).lower() not in FENCE_ALIASES.get(language, (language,)):
        raise SampleFormatError(f"<{tag}> code block is tagged {match.group(1)!r}, expected {language!r}")
    code = match.group(2).strip("\n")
    if not code.strip():
        raise SampleFormatError(f"<{tag}> code block is empty")
    return code


def parse_sample(text: str, language: str) -> GeneratedSample:
    """Parse an answer strictly; raise :class:`SampleFormatError` naming what is wrong."""
    outside = re.sub(r"<(problem|solution|tests)>.*?</\1>", "", text, flags=re.DOTALL).strip()
    if outside:
        raise SampleFormatError(f"text outside the sections: {outside[:80]!r}")
    return GeneratedSample(
        problem=_one_section(text, "problem"),
        solution=_one_code_block(_one_section(text, "solution"), "solution", language),
        tests=_one_code_block(_one_section(text, "tests"), "tests", language),
    )
