"""Syntax checks of generated code in the six languages: tree-sitter grammars, plus ``ast`` for Python.

The grammar wheels (``tree-sitter-python`` ...) ship compiled parsers, so this works offline. A tree
with ``root_node.has_error`` is rejected; the ERROR nodes (text the grammar could not place) and the
MISSING nodes (tokens the parser had to invent, e.g. a ``;`` in Java) are both counted, because some
broken snippets produce only MISSING nodes. Python is also compiled by ``ast.parse``, whose message
(``line 3: invalid syntax``) is more precise and which catches what the grammar tolerates.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from functools import cache

from tree_sitter import Language, Node, Parser

GRAMMARS = {
    "python": "tree_sitter_python",
    "javascript": "tree_sitter_javascript",
    "java": "tree_sitter_java",
    "cpp": "tree_sitter_cpp",
    "go": "tree_sitter_go",
    "rust": "tree_sitter_rust",
}


@dataclass(frozen=True)
class SyntaxReport:
    errors: int  # ERROR nodes
    missing: int  # MISSING nodes
    first: str  # "line 3, column 7: ERROR", or the ast message; empty when the code parses

    @property
    def ok(self) -> bool:
        return not self.first


@cache
def parser(language: str) -> Parser:
    """The tree-sitter parser of ``language`` (built once per process)."""
    if language not in GRAMMARS:
        raise ValueError(f"no tree-sitter grammar for {language!r} (known: {', '.join(GRAMMARS)})")
    return Parser(Language(importlib.import_module(GRAMMARS[language]).language()))


def _broken_nodes(node: Node) -> list[Node]:
    """ERROR and MISSING nodes, descending only into subtrees that contain one."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            found.append(current)
        stack.extend(child for child in reversed(current.children) if child.has_error or child.is_missing)
    return found


def check_syntax(code: str, language: str) -> SyntaxReport:
    """Parse ``code``; the report counts the ERROR and MISSING nodes and describes the first problem."""
    root = parser(language).parse(code.encode("utf-8")).root_node
    broken = _broken_nodes(root) if root.has_error else []
    errors = sum(node.is_error for node in broken)
    missing = len(broken) - errors
    first = ""
    if broken:
        node = min(broken, key=lambda n: n.start_point)
        kind = f"MISSING {node.type}" if node.is_missing else "ERROR"
        first = f"line {node.start_point.row + 1}, column {node.start_point.column + 1}: {kind}"
    if language == "python":
        try:
            ast.parse(code)
        except SyntaxError as exc:
            first = f"line {exc.lineno}: {exc.msg}"
    return SyntaxReport(errors, missing, first)
