"""Table-driven task families: a language-neutral spec plus per-language solution templates.

A ``SpecFamily`` keeps what a task *is* (signature, statement phrasings, a reference implementation that
computes every expected value, an input generator) apart from how it is *written* in one language
(``code[language]``: a solution template per style, plus the language's ``Renderer`` for signatures,
literals and test assertions). Adding a language means adding a ``Renderer`` to ``RENDERERS`` and a
``code[language]`` entry to each family; statements, references and inputs are reused unchanged.

Templates use ``string.Template`` placeholders because ``$`` never occurs in the generated code while braces
do: ``$def`` is the rendered signature line, ``$fn`` the function name, each drawn constant appears under its
own name (as a literal of the language), and code entries that are not styles are *fragments*, substituted
first, so that the variants of a family can share one template per style and differ in a few expressions.
"""

from __future__ import annotations

import copy
import random
import textwrap
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Template
from typing import Any

from distill.data.task_bank.base import TaskFamily, TaskInstance

DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("clean", "documented", "optimized")
MAX_DRAWS = 50

Consts = dict[str, Any]
Case = tuple[Any, ...]
CaseMaker = Callable[[random.Random, Consts], list[Case]]
Code = Mapping[str, Mapping[str, str]]  # language -> style or fragment name -> template text
Params = tuple[tuple[str, str], ...]  # (name, type); types are written as Python annotations
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


class Renderer(ABC):
    """How one language writes a signature, a literal and a test assertion."""

    name: str  # the language as a statement names it
    openers: tuple[str, ...] = (  # statement openings, filled with the language, signature and body
        "Write a {lang} function `{sig}` that {body}",
        "Implement `{sig}` in {lang}: the function {body}",
        "Create a {lang} function `{sig}` which {body}",
    )

    @abstractmethod
    def signature(self, fn: str, params: Params, returns: str) -> str:
        """The typed signature a statement quotes."""

    @abstractmethod
    def header(self, fn: str, params: Params, returns: str) -> str:
        """The first line of the function's definition (``$def`` in templates)."""

    @abstractmethod
    def literal(self, value: Any) -> str:
        """A value as source code."""

    @abstractmethod
    def assertion(self, fn: str, args: Case, expected: Any) -> str:
        """One test line that fails the program unless ``fn(*args)`` equals ``expected``."""


class PythonRenderer(Renderer):
    """Python 3.11: annotated signatures, double-quoted strings, one ``assert`` per test case."""

    name = "Python"

    def signature(self, fn: str, params: Params, returns: str) -> str:
        return f"{fn}({', '.join(f'{name}: {type_}' for name, type_ in params)}) -> {returns}"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"def {self.signature(fn, params, returns)}:"

    def literal(self, value: Any) -> str:
        """``repr``, except that strings take double quotes (as formatters write them) when no escape is needed."""
        if isinstance(value, str):
            text = repr(value)
            return f'"{value}"' if text == f"'{value}'" and '"' not in value else text
        if isinstance(value, list):
            return "[" + ", ".join(map(self.literal, value)) + "]"
        if isinstance(value, tuple):
            return "(" + ", ".join(map(self.literal, value)) + ("," if len(value) == 1 else "") + ")"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.literal(k)}: {self.literal(v)}" for k, v in value.items()) + "}"
        return repr(value)

    def assertion(self, fn: str, args: Case, expected: Any) -> str:
        # None, True and False are singletons: compare them with `is`, as linters ask.
        op = "is" if expected is None or isinstance(expected, bool) else "=="
        return f"assert {fn}({', '.join(map(self.literal, args))}) {op} {self.literal(expected)}"


RENDERERS: dict[str, Renderer] = {"python": PythonRenderer()}


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


@dataclass(frozen=True, eq=False)
class SpecFamily(TaskFamily):
    """A task family described by a table entry; ``generate`` renders one drawn instance."""

    name: str
    difficulty: str
    topic: str
    params: Params
    returns: str
    variants: tuple[Variant, ...]
    cases: CaseMaker | None = None  # (rng, consts) -> argument tuples; an edge case among them
    draw: Callable[[random.Random], Consts] = no_constants
    code: Code = field(default_factory=dict)
    languages: tuple[str, ...] = ("python",)

    def __post_init__(self) -> None:
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"{self.name}: unknown difficulty {self.difficulty!r}")
        for variant in self.variants:
            if (variant.cases or self.cases) is None:
                raise ValueError(f"{self.name}: a variant of {variant.names[0]!r} has no input generator")
            for language in self.languages:
                if language not in RENDERERS:
                    raise ValueError(f"{self.name}: no renderer for {language}")
                missing = [style for style in STYLES if style not in self._code(variant, language)]
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
        renderer = RENDERERS[language]
        variant = rng.choice(self.variants)
        consts, cases, expected = self._draw_cases(rng, variant)
        wording = {key: describe(value) for key, value in consts.items()}
        fn = Template(rng.choice(variant.names)).substitute(wording)
        returns = variant.returns or self.returns
        body = Template(rng.choice(variant.phrasings)).substitute(wording)
        problem = rng.choice(renderer.openers).format(
            lang=renderer.name, sig=renderer.signature(fn, self.params, returns), body=body
        )
        code = self._code(variant, language)
        fragments = {key: snippet for key, snippet in code.items() if key not in STYLES}
        values = {key: renderer.literal(value) for key, value in consts.items()}
        values.update(fn=fn, **{"def": renderer.header(fn, self.params, returns)})
        solution = Template(Template(code[style]).safe_substitute(fragments)).substitute(values)
        return TaskInstance(
            family=self.name,
            language=language,
            difficulty=self.difficulty,
            style=style,
            topic=self.topic,
            problem=problem,
            entry_point=fn,
            solution=solution,
            tests="\n".join(
                renderer.assertion(fn, args, result) for args, result in zip(cases, expected, strict=True)
            ),
        )

    def _code(self, variant: Variant, language: str) -> dict[str, str]:
        return {**self.code.get(language, {}), **variant.code.get(language, {})}

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
