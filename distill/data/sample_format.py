"""The generation prompt and the strict answer format of one training sample.

The prompt asks for a problem statement, a reference solution and tests between XML tags, each
code part in one fenced block of the requested language. :func:`parse_sample` accepts exactly that
and nothing else; the offline server renders its answers with :func:`render_sample`, so both sides
of the format live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GENERATION_SYSTEM = (
    "You are an expert programmer and teacher. You write self-contained programming exercises: a precise "
    "problem statement, a correct reference solution and tests that check it. You answer in exactly the "
    "format requested, with nothing outside it."
)

STYLE_GUIDANCE = {
    "clean": "Write clean, idiomatic code without comments.",
    "documented": "Document the solution: a docstring (or doc comment) and brief comments on the key steps.",
    "optimized": "Write an efficient solution and state its time complexity in a one-line comment.",
}

DIFFICULTY_GUIDANCE = {
    "easy": "An easy task: one function, a few lines, a single idea.",
    "medium": "A medium task: one function that combines two or three ideas or handles edge cases.",
    "hard": "A hard task: an algorithmic problem (dynamic programming, graphs, parsing or similar).",
}

PROMPT_TEMPLATE = """Write one new, self-contained programming exercise with a reference solution and tests.

Language: {language}
Difficulty: {difficulty}
Style: {style}
Topic: {topic}
Variation: {variation}

{difficulty_guidance}
{style_guidance}
The problem statement must name the function to write and give its signature.

Answer in exactly this format:
<problem>
The problem statement.
</problem>
<solution>
```{fence}
The reference solution: the function (and the imports it needs), no example usage.
```
</solution>
<tests>
```{fence}
Tests that call the function and fail (non-zero exit) when it is wrong.
```
</tests>"""

PROMPT_FIELDS = ("Language", "Difficulty", "Style", "Topic", "Variation")


class SampleFormatError(ValueError):
    """The answer does not follow the requested format; the message says how."""


@dataclass(frozen=True)
class GeneratedSample:
    problem: str
    solution: str
    tests: str


def generation_prompt(language: str, difficulty: str, style: str, topic: str, variation: int) -> str:
    return PROMPT_TEMPLATE.format(
        language=language,
        difficulty=difficulty,
        style=style,
        topic=topic,
        variation=variation,
        difficulty_guidance=DIFFICULTY_GUIDANCE[difficulty],
        style_guidance=STYLE_GUIDANCE[style],
        fence=language,
    )


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
    if match.group(1).lower() != language:
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
