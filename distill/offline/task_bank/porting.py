"""The code of a task family in a language other than Python: one marked template for the three styles.

The three styles of a solution differ mostly in their comments, so a port writes one template whose lines
may carry a style mark after their indentation: ``[d]`` keeps the line only in the documented style,
``[o]`` only in the optimized one, ``[c]`` only in the clean one, and combinations such as ``[cd]`` keep it
in several (an optimized algorithm replaces a few lines this way). Unmarked lines belong to every style.
Placeholders are those of :mod:`distill.offline.task_bank.spec`: ``$def``, ``$fn``, the family's constants
(``$k``; a one-character string constant also as ``${ch_char}``, a character literal) and fragments.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from distill.offline.task_bank.base import STYLES

MARK = re.compile(r"^(\s*)\[([cdo]+)\](.*)$")  # indentation, styles, the rest (its own indentation kept)
STYLE_LETTERS = {style[0]: style for style in STYLES}


def styled(template: str) -> dict[str, str]:
    """The three style templates of a marked template."""
    lines = textwrap.dedent(template).strip("\n").splitlines()
    result = {}
    for letter, style in STYLE_LETTERS.items():
        kept = []
        for line in lines:
            mark = MARK.match(line)
            if mark is None:
                kept.append(line.rstrip())
            elif letter in mark.group(2):
                kept.append((mark.group(1) + mark.group(3)).rstrip())
        result[style] = "\n".join(kept)
    return result


@dataclass(frozen=True)
class Port:
    """One family in one language: a marked template shared by the variants (empty when each variant
    brings its own ``template``), fragments shared by the variants, and each variant's entries."""

    template: str
    fragments: dict[str, str] = field(default_factory=dict)
    variants: dict[str, dict[str, str]] = field(default_factory=dict)

    def code(self, variant: str) -> dict[str, str]:
        """Style templates and fragments for one variant (keyed like ``spec.variant_key``)."""
        entries = {**self.fragments, **self.variants[variant]}
        template = entries.pop("template", self.template)
        if not template:
            raise ValueError(f"variant {variant!r} has no template")
        return {**styled(template), **entries}


def port(template: str = "", fragments: dict[str, str] | None = None, **variants: dict[str, str]) -> Port:
    return Port(template, fragments or {}, variants)
