"""Table-driven task families: a language-neutral spec plus per-language solution templates.

A ``SpecFamily`` keeps what a task *is* (signature, statement phrasings, a reference implementation that
computes every expected value, an input generator) apart from how it is *written* in one language: Python
templates live in the family's table (``code["python"]``: a template per style, plus fragments), the other
five languages in ``ports/<language>.py`` (one marked template for the three styles, see
:mod:`~distill.offline.task_bank.porting`), and each language's ``Renderer`` (``renderers.py``) writes its
signatures, literals, tests and statement wording. Statements, references and inputs are shared, so every
expected value in every language comes from the same Python reference.

Templates use ``string.Template`` placeholders because ``$`` never occurs in the generated code while braces
do: ``$def`` is the rendered signature line, ``$fn`` the function name, each drawn constant appears under its
own name (as a literal of the language), and code entries that are not styles are *fragments*, substituted
first, so that the variants of a family can share one template per style and differ in a few expressions.
"""

from __future__ import annotations

import copy
import random
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Template
from typing import Any

from distill.offline.task_bank.base import DIFFICULTIES, STYLES, TaskFamily, TaskInstance
from distill.offline.task_bank.ports import PORTS
from distill.offline.task_bank.renderers import RENDERERS, Case, Params

MAX_DRAWS = 50

Consts = dict[str, Any]
CaseMaker = Callable[[random.Random, Consts], list[Case]]
Code = Mapping[str, Mapping[str, str]]  # language -> style or fragment name -> template text
TEXT: Params = (("text", "str"),)
NUMS: Params = (("nums", "list[int]"),)


def py(**entries: str) -> Code:
    """Python code entries: multi-line templates are dedented (so they can be written indented), fragments kept."""
    return {
        "python": {
            key: textwrap.dedent(text).strip() if "\n" in text else text for key, text in entries.items()
        }
    }


def describe(value: Any) -> str:
    """A constant as a statement writes it: sequences read "1, 5 and 10"."""
    if isinstance(value, list | tuple):
        words = [describe(item) for item in value]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return str(value)


def _is_char(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 1


def no_constants(rng: random.Random) -> Consts:
    return {}


@dataclass(frozen=True)
class Variant:
    """One sub-variant of a family: what the function computes, and how that is said and written."""

    names: tuple[str, ...]  # synonyms for the function name, which may name $constants
    phrasings: tuple[str, ...]  # statement bodies that continue "... `signature` that", with $constants
    reference: Callable[..., Any]  # reference(consts, *args) -> the expected result
    # per language: fragments for the family's templates, or style templates that replace them
    code: Code = field(default_factory=dict)
    returns: str | None = None  # the return type, where it differs from the family's
    cases: CaseMaker | None = None  # the inputs, where they differ from the family's


@dataclass(frozen=True)
class Drawn:
    """A drawn task before it is written in a language: the variant, its constants, inputs and results."""

    variant: Variant
    consts: Consts
    cases: list[Case]
    expected: list[Any]


def variant_key(variant: Variant) -> str:
    """A variant's name in the ports: its first function name without ``$`` (``${ordinal}_largest`` ->
    ``ordinal_largest``)."""
    return re.sub(r"\$\{?(\w+)\}?", r"\1", variant.names[0])


@dataclass(frozen=True, eq=False)
class SpecFamily(TaskFamily):
    """A task family described by a table entry; ``generate`` renders one drawn instance.

    Its languages are Python and every language whose ``ports`` module has an entry for it.
    """

    name: str
    difficulty: str
    topic: str
    params: Params
    returns: str
    variants: tuple[Variant, ...]
    cases: CaseMaker | None = None  # (rng, consts) -> argument tuples; an edge case among them
    draw: Callable[[random.Random], Consts] = no_constants
    code: Code = field(default_factory=dict)
    languages: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"{self.name}: unknown difficulty {self.difficulty!r}")
        ported = tuple(language for language, ports in PORTS.items() if self.name in ports)
        object.__setattr__(self, "languages", ("python", *ported))
        keys = {variant_key(variant) for variant in self.variants}
        for language in ported:
            extra = set(PORTS[language][self.name].variants) - keys
            if extra:
                raise ValueError(f"{self.name}: the {language} port names unknown variants {sorted(extra)}")
        for variant in self.variants:
            if (variant.cases or self.cases) is None:
                raise ValueError(f"{self.name}: a variant of {variant.names[0]!r} has no input generator")
            for language in self.languages:
                try:
                    code = self._code(variant, language)
                except (KeyError, ValueError) as exc:
                    raise ValueError(
                        f"{self.name}: {variant.names[0]!r} has no {language} code ({exc})"
                    ) from exc
                missing = [style for style in STYLES if style not in code]
                if missing:
                    raise ValueError(
                        f"{self.name}: {variant.names[0]!r} has no {language} {missing} template"
                    )

    def generate(self, rng: random.Random, language: str, style: str) -> TaskInstance:
        if language not in self.languages:
            raise ValueError(
                f"task family {self.name!r} has no tasks in {language} (it has: {', '.join(self.languages)})"
            )
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r} (expected one of: {', '.join(STYLES)})")
        return self.render(self.draw_instance(rng), rng, language, style)

    def draw_instance(self, rng: random.Random) -> Drawn:
        """Draw what the task is, independently of any language: variant, constants, inputs, expected values."""
        variant = rng.choice(self.variants)
        consts, cases, expected = self._draw_cases(rng, variant)
        return Drawn(variant, consts, cases, expected)

    def render(self, drawn: Drawn, rng: random.Random, language: str, style: str) -> TaskInstance:
        """Write a drawn task in one language and style (names and phrasing drawn from ``rng``)."""
        renderer = RENDERERS[language]
        variant, consts = drawn.variant, drawn.consts
        wording = {key: describe(value) for key, value in consts.items()}
        fn = renderer.function_name(Template(rng.choice(variant.names)).substitute(wording))
        returns = variant.returns or self.returns
        body = renderer.wording(Template(rng.choice(variant.phrasings)).substitute(wording))
        signature = renderer.signature(fn, self.params, returns)
        problem = rng.choice(renderer.openers).format(lang=renderer.name, sig=signature, body=body)
        code = self._code(variant, language)
        fragments = {key: snippet for key, snippet in code.items() if key not in STYLES}
        values = {key: renderer.constant(value) for key, value in consts.items()}
        values.update(
            {f"{key}_char": renderer.char(value) for key, value in consts.items() if _is_char(value)}
        )
        values.update(
            fn=fn, ret=renderer.return_type(returns), **{"def": renderer.header(fn, self.params, returns)}
        )
        solution = Template(Template(code[style]).safe_substitute(fragments)).substitute(values)
        return TaskInstance(
            family=self.name,
            language=language,
            difficulty=self.difficulty,
            style=style,
            topic=self.topic,
            problem=problem + renderer.notes(self.params, returns),
            entry_point=fn,
            solution=renderer.solution(solution),
            tests=renderer.tests(fn, self.params, returns, drawn.cases, drawn.expected),
            variant=variant_key(variant),
        )

    def _code(self, variant: Variant, language: str) -> dict[str, str]:
        if language == "python":
            return {**self.code.get(language, {}), **variant.code.get(language, {})}
        return PORTS[language][self.name].code(variant_key(variant))

    def _draw_cases(self, rng: random.Random, variant: Variant) -> tuple[Consts, list[Case], list[Any]]:
        """Draw constants and inputs until the tests discriminate.

        That is at least three distinct inputs and at least two distinct expected values, so that no
        solution returning a constant passes. The reference gets copies, so it cannot alter the inputs.
        """
        make_cases = variant.cases or self.cases
        assert make_cases is not None  # checked in __post_init__
        for _ in range(MAX_DRAWS):
            consts = self.draw(rng)
            cases = list({repr(case): case for case in make_cases(rng, consts)}.values())
            expected = [variant.reference(consts, *copy.deepcopy(case)) for case in cases]
            if len(cases) >= 3 and len({repr(result) for result in expected}) >= 2:
                return consts, cases, expected
        raise RuntimeError(f"task family {self.name!r} drew no discriminating tests in {MAX_DRAWS} tries")
