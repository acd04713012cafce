"""How each language writes a task: names, types, signatures, literals, the tests and the statement's words.

Families state their parameter and return types as Python annotations (``list[int]``, ``dict[str, int]``,
``int | None``, and ``list`` for a list nested to any depth); :func:`parse_type` reads them and every
renderer maps them to its language. Expected values are always computed by the Python reference
implementation and written here as literals of the target language, typed by the declared type (an empty
list needs its element type in Rust, a map literal its key and value types in C++).

The tests follow the convention of :mod:`distill.execution.languages` (how a solution and its tests are
combined and run per language).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

Params = tuple[tuple[str, str], ...]  # (name, type); types are written as Python annotations
Case = tuple[Any, ...]


@dataclass(frozen=True)
class Type:
    """A parsed annotation: ``int``, ``str``, ``bool``, ``list`` (one argument), ``dict`` (two),
    ``optional`` (one) or ``nested`` (a list whose items are ints or nested lists)."""

    kind: str
    args: tuple[Type, ...] = ()

    @property
    def item(self) -> Type:
        return self.args[0]


SCALARS = ("int", "str", "bool")


def _split_top_level(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def parse_type(annotation: str) -> Type:
    text = annotation.strip()
    if text.endswith("| None"):
        return Type("optional", (parse_type(text[: -len("| None")]),))
    if text == "list":
        return Type("nested")
    if text in SCALARS:
        return Type(text)
    match = re.fullmatch(r"(list|dict)\[(.*)\]", text)
    if match is None:
        raise ValueError(f"unsupported type annotation {annotation!r}")
    args = tuple(parse_type(part) for part in _split_top_level(match.group(2)))
    if len(args) != (1 if match.group(1) == "list" else 2):
        raise ValueError(f"unsupported type annotation {annotation!r}")
    return Type(match.group(1), args)


def infer_type(value: Any) -> Type:
    """The type of a drawn constant (ints, strings and non-empty lists of them)."""
    if isinstance(value, bool):
        return Type("bool")
    if isinstance(value, int):
        return Type("int")
    if isinstance(value, str):
        return Type("str")
    if isinstance(value, list | tuple) and value:
        return Type("list", (infer_type(value[0]),))
    raise ValueError(f"cannot infer the type of the constant {value!r}")


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def c_string(text: str) -> str:
    """A double-quoted string literal valid in C++, Java, Go and Rust (the inputs are ASCII)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    if not escaped.isascii():
        raise ValueError(f"non-ASCII text cannot be written as a portable literal: {text!r}")
    return f'"{escaped}"'


def c_char(ch: str) -> str:
    return "'\\''" if ch == "'" else "'\\\\'" if ch == "\\" else f"'{ch}'"


class Renderer(ABC):
    """How one language writes a signature, a literal, the tests and the statement."""

    name: str  # the language as a statement names it
    openers: tuple[str, ...] = (  # statement openings, filled with the language, signature and body
        "Write a {lang} function `{sig}` that {body}",
        "Implement `{sig}` in {lang}: the function {body}",
        "Create a {lang} function `{sig}` which {body}",
    )
    words: tuple[tuple[str, str], ...] = ()  # (regex, replacement) applied to the statement's phrasing

    def function_name(self, name: str) -> str:
        return name

    @abstractmethod
    def signature(self, fn: str, params: Params, returns: str) -> str:
        """The typed signature a statement quotes."""

    @abstractmethod
    def header(self, fn: str, params: Params, returns: str) -> str:
        """The first line of the function's definition (``$def`` in templates)."""

    @abstractmethod
    def literal(self, value: Any, type_: Type) -> str:
        """A value of ``type_`` as source code."""

    def return_type(self, returns: str) -> str:
        """The declared return type as the language writes it (``$ret`` in templates)."""
        return returns

    def constant(self, value: Any) -> str:
        """A drawn constant as a template writes it (lists as arrays to loop over)."""
        return self.literal(value, infer_type(value))

    def char(self, ch: str) -> str:
        """A one-character constant as a character literal (``${name}_char`` in templates)."""
        return c_char(ch)

    @abstractmethod
    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        """Test code that fails (non-zero exit) unless ``fn(*case) == expected`` for every case."""

    def solution(self, code: str) -> str:
        """The complete solution around a rendered template (imports hoisted, a class around it)."""
        return code

    def wording(self, text: str) -> str:
        for pattern, replacement in self.words:
            text = re.sub(pattern, replacement, text)
        return text

    def notes(self, params: Params, returns: str) -> str:
        """Sentences the statement needs in this language (a type the task defines, a return convention)."""
        return ""


# Statement words shared by the C-family languages: booleans and "None" as the language writes them.
BOOL_WORDS = ((r"\bTrue\b", "true"), (r"\bFalse\b", "false"))


def _contains(annotations: Sequence[str], kind: str) -> bool:
    def walk(type_: Type) -> bool:
        return type_.kind == kind or any(walk(arg) for arg in type_.args)

    return any(walk(parse_type(annotation)) for annotation in annotations)


def _hoist(code: str, prefixes: tuple[str, ...]) -> tuple[list[str], str]:
    """Split the leading import-like lines (and the blank lines around them) off a template."""
    lines = code.splitlines()
    head = []
    while lines and (lines[0].startswith(prefixes) or not lines[0].strip()):
        line = lines.pop(0)
        if line.strip():
            head.append(line)
    return head, "\n".join(lines)


class PythonRenderer(Renderer):
    """Python 3.11: annotated signatures, double-quoted strings, one ``assert`` per test case."""

    name = "Python"

    def signature(self, fn: str, params: Params, returns: str) -> str:
        return f"{fn}({', '.join(f'{name}: {type_}' for name, type_ in params)}) -> {returns}"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"def {self.signature(fn, params, returns)}:"

    def literal(self, value: Any, type_: Type | None = None) -> str:
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

    def constant(self, value: Any) -> str:
        return self.literal(value)

    def char(self, ch: str) -> str:
        return self.literal(ch)

    def assertion(self, fn: str, args: Case, expected: Any) -> str:
        # None, True and False are singletons: compare them with `is`, as linters ask.
        op = "is" if expected is None or isinstance(expected, bool) else "=="
        return f"assert {fn}({', '.join(map(self.literal, args))}) {op} {self.literal(expected)}"

    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        return "\n".join(
            self.assertion(fn, args, result) for args, result in zip(cases, expected, strict=True)
        )


class JavaScriptRenderer(Renderer):
    """Node.js (CommonJS): camelCase functions, arrays and plain objects, ``assert.deepStrictEqual``."""

    name = "JavaScript"
    words = (
        *BOOL_WORDS,
        (r"\bNone\b", "null"),
        (r"\ba list\b", "an array"),
        (r"\blists\b", "arrays"),
        (r"\blist\b", "array"),
        (r"\ba dictionary\b", "an object"),
        (r"\bdictionary\b", "object"),
    )

    def function_name(self, name: str) -> str:
        return snake_to_camel(name)

    def char(self, ch: str) -> str:
        return json.dumps(ch)

    def signature(self, fn: str, params: Params, returns: str) -> str:
        return f"{fn}({', '.join(name for name, _ in params)})"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"function {self.signature(fn, params, returns)} {{"

    def literal(self, value: Any, type_: Type) -> str:
        if value is None:
            return "null"
        if type_.kind == "dict":
            # Object keys are strings in JavaScript: an int key 3 is the property "3".
            pairs = (f"{json.dumps(str(k))}: {self.literal(v, type_.args[1])}" for k, v in value.items())
            return "{" + ", ".join(pairs) + "}"
        if type_.kind == "list":
            return "[" + ", ".join(self.literal(v, type_.item) for v in value) + "]"
        if type_.kind == "nested":
            return (
                "["
                + ", ".join(self.literal(v, type_) if isinstance(v, list) else str(v) for v in value)
                + "]"
            )
        if type_.kind == "optional":
            return self.literal(value, type_.item)
        return json.dumps(value)

    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        types = [parse_type(t) for _, t in params]
        result = parse_type(returns)
        lines = [
            f"assert.deepStrictEqual({fn}({', '.join(map(self.literal, args, types))}), {self.literal(want, result)});"
            for args, want in zip(cases, expected, strict=True)
        ]
        return 'const assert = require("node:assert");\n\n' + "\n".join(lines)


class JavaRenderer(Renderer):
    """Java 17: static methods of a class ``Solution``; ``List``/``Map`` in signatures; tests in ``Main``."""

    name = "Java"
    openers = (
        "In a Java class `Solution`, write the method `{sig}` that {body}",
        "Implement `{sig}` in a Java class `Solution`: the method {body}",
        "Create a Java class `Solution` with a method `{sig}` which {body}",
    )
    words = (*BOOL_WORDS, (r"\bNone\b", "null"), (r"\bdictionary\b", "map"))
    BOXED: ClassVar[dict[str, str]] = {"int": "Integer", "str": "String", "bool": "Boolean"}

    def function_name(self, name: str) -> str:
        return snake_to_camel(name)

    def type_name(self, type_: Type, boxed: bool = False) -> str:
        if type_.kind in SCALARS:
            return (
                self.BOXED[type_.kind]
                if boxed or type_.kind == "str"
                else {"int": "int", "bool": "boolean"}[type_.kind]
            )
        if type_.kind == "list":
            return f"List<{self.type_name(type_.item, boxed=True)}>"
        if type_.kind == "dict":
            return f"Map<{self.type_name(type_.args[0], True)}, {self.type_name(type_.args[1], True)}>"
        if type_.kind == "optional":
            return self.type_name(type_.item, boxed=True)
        return "List<Object>"  # nested: Integer or List<Object> items

    def return_type(self, returns: str) -> str:
        return self.type_name(parse_type(returns))

    def signature(self, fn: str, params: Params, returns: str) -> str:
        args = ", ".join(f"{self.type_name(parse_type(t))} {name}" for name, t in params)
        return f"static {self.return_type(returns)} {fn}({args})"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"{self.signature(fn, params, returns)} {{"

    def literal(self, value: Any, type_: Type) -> str:
        if value is None:
            return "null"
        if type_.kind == "list":
            return "List.of(" + ", ".join(self.literal(v, type_.item) for v in value) + ")"
        if type_.kind == "nested":
            return (
                "List.of("
                + ", ".join(self.literal(v, type_) if isinstance(v, list) else str(v) for v in value)
                + ")"
            )
        if type_.kind == "dict":
            key, val = type_.args
            if len(value) <= 10:
                return (
                    "Map.of("
                    + ", ".join(f"{self.literal(k, key)}, {self.literal(v, val)}" for k, v in value.items())
                    + ")"
                )
            entries = (f"Map.entry({self.literal(k, key)}, {self.literal(v, val)})" for k, v in value.items())
            return "Map.ofEntries(" + ", ".join(entries) + ")"
        if type_.kind == "optional":
            return self.literal(value, type_.item)
        if type_.kind == "str":
            return c_string(value)
        return json.dumps(value)

    def constant(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "new int[] {" + ", ".join(map(str, value)) + "}"
        return super().constant(value)

    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        types = [parse_type(t) for _, t in params]
        result = parse_type(returns)
        checks = "\n".join(
            f"        check(Solution.{fn}({', '.join(map(self.literal, args, types))}), {self.literal(want, result)});"
            for args, want in zip(cases, expected, strict=True)
        )
        return (
            "import java.util.*;\n\n"
            "public class Main {\n"
            "    static void check(Object got, Object want) {\n"
            "        if (!Objects.equals(got, want)) {\n"
            '            throw new AssertionError("expected " + want + ", got " + got);\n'
            "        }\n"
            "    }\n\n"
            "    public static void main(String[] args) {\n"
            f"{checks}\n"
            "    }\n"
            "}"
        )

    def solution(self, code: str) -> str:
        imports, body = _hoist(code, ("import ",))
        inner = "\n".join(f"    {line}" if line.strip() else "" for line in body.splitlines())
        head = "\n".join(dict.fromkeys(["import java.util.*;", *imports]))
        return f"{head}\n\nclass Solution {{\n{inner}\n}}"

    def notes(self, params: Params, returns: str) -> str:
        if _contains([t for _, t in params], "nested"):
            return " Each element of the list is an `Integer` or another `List<Object>` of the same kind."
        return ""


class CppRenderer(Renderer):
    """C++17: free functions, ``std::vector``/``std::map``/``std::optional``; tests in ``int main``."""

    name = "C++"
    words = (
        *BOOL_WORDS,
        (r"\bNone\b", "std::nullopt"),
        (r"\ba dictionary\b", "a map"),
        (r"\bdictionary\b", "map"),
        (r"\bdictionaries\b", "maps"),
        (r"\blists\b", "vectors"),
        (r"\blist\b", "vector"),
    )
    NESTED = "struct Nested : std::variant<int, std::vector<Nested>> {\n    using variant::variant;\n};"

    def type_name(self, type_: Type) -> str:
        if type_.kind in SCALARS:
            return {"int": "int", "str": "std::string", "bool": "bool"}[type_.kind]
        if type_.kind == "list":
            return f"std::vector<{self.type_name(type_.item)}>"
        if type_.kind == "dict":
            return f"std::map<{self.type_name(type_.args[0])}, {self.type_name(type_.args[1])}>"
        if type_.kind == "optional":
            return f"std::optional<{self.type_name(type_.item)}>"
        return "std::vector<Nested>"

    def param(self, name: str, annotation: str) -> str:
        type_ = parse_type(annotation)
        written = self.type_name(type_)
        return f"{written} {name}" if type_.kind in ("int", "bool") else f"const {written}& {name}"

    def return_type(self, returns: str) -> str:
        return self.type_name(parse_type(returns))

    def signature(self, fn: str, params: Params, returns: str) -> str:
        return f"{self.return_type(returns)} {fn}({', '.join(self.param(n, t) for n, t in params)})"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"{self.signature(fn, params, returns)} {{"

    def literal(self, value: Any, type_: Type, typed: bool = True) -> str:
        """``typed``: spell the type before a braced list (needed left of ``==``; not for arguments)."""
        prefix = self.type_name(type_) if typed else ""
        if type_.kind == "optional":
            return "std::nullopt" if value is None else f"{prefix}({self.literal(value, type_.item)})"
        if type_.kind == "list":
            return prefix + "{" + ", ".join(self.literal(v, type_.item, typed=False) for v in value) + "}"
        if type_.kind == "nested":
            items = (self.literal(v, type_) if isinstance(v, list) else str(v) for v in value)
            return "std::vector<Nested>{" + ", ".join(items) + "}"
        if type_.kind == "dict":
            key, val = type_.args
            pairs = (
                f"{{{self.literal(k, key, False)}, {self.literal(v, val, False)}}}" for k, v in value.items()
            )
            return prefix + "{" + ", ".join(pairs) + "}"
        if type_.kind == "str":
            return c_string(value)
        return json.dumps(value)

    def constant(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "{" + ", ".join(map(str, value)) + "}"
        return super().constant(value)

    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        types = [parse_type(t) for _, t in params]
        result = parse_type(returns)
        checks = []
        for args, want in zip(cases, expected, strict=True):
            call = f"{fn}({', '.join(self.literal(a, t, typed=t.kind == 'nested') for a, t in zip(args, types, strict=True))})"
            checks.append(f"    check({call} == {self.literal(want, result)}, {c_string(call)});")
        return (
            "#include <iostream>\n\n"
            "static int failures = 0;\n\n"
            "static void check(bool ok, const char* call) {\n"
            "    if (!ok) {\n"
            '        std::cerr << "FAILED: " << call << std::endl;\n'
            "        ++failures;\n"
            "    }\n"
            "}\n\n"
            "int main() {\n" + "\n".join(checks) + "\n    return failures == 0 ? 0 : 1;\n}"
        )

    def solution(self, code: str) -> str:
        includes, body = _hoist(code, ("#include",))
        needed = {"#include <string>", "#include <vector>", *includes}
        if "std::map" in body:
            needed.add("#include <map>")
        if "std::optional" in body or "std::nullopt" in body:
            needed.add("#include <optional>")
        if "Nested" in body:
            needed.add("#include <variant>")
            body = f"{self.NESTED}\n\n{body}"
        return "\n".join(sorted(needed)) + "\n\n" + body

    def notes(self, params: Params, returns: str) -> str:
        if _contains([t for _, t in params], "nested"):
            return f" `Nested` holds an `int` or a `std::vector<Nested>`:\n\n```cpp\n{self.NESTED}\n```"
        return ""


class GoRenderer(Renderer):
    """Go: camelCase functions, slices and maps, ``(value, ok)`` for an optional result; tests in ``main``."""

    name = "Go"
    words = (
        *BOOL_WORDS,
        (r"\bor None\b", "or 0 and false"),
        (r"\bNone\b", "0 and false"),
        (r"\ba dictionary\b", "a map"),
        (r"\bdictionary\b", "map"),
        (r"\bdictionaries\b", "maps"),
        (r"\blists\b", "slices"),
        (r"\blist\b", "slice"),
    )

    def function_name(self, name: str) -> str:
        return snake_to_camel(name)

    def type_name(self, type_: Type) -> str:
        if type_.kind in SCALARS:
            return {"int": "int", "str": "string", "bool": "bool"}[type_.kind]
        if type_.kind == "list":
            return f"[]{self.type_name(type_.item)}"
        if type_.kind == "dict":
            return f"map[{self.type_name(type_.args[0])}]{self.type_name(type_.args[1])}"
        if type_.kind == "optional":
            return f"({self.type_name(type_.item)}, bool)"
        return "[]any"

    def return_type(self, returns: str) -> str:
        return self.type_name(parse_type(returns))

    def signature(self, fn: str, params: Params, returns: str) -> str:
        args = ", ".join(f"{name} {self.type_name(parse_type(t))}" for name, t in params)
        return f"{fn}({args}) {self.return_type(returns)}"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"func {self.signature(fn, params, returns)} {{"

    def literal(self, value: Any, type_: Type, typed: bool = True) -> str:
        """``typed``: spell the composite type (Go lets the elements of a composite literal omit it)."""
        prefix = self.type_name(type_) if typed else ""
        if type_.kind == "list":
            return prefix + "{" + ", ".join(self.literal(v, type_.item, typed=False) for v in value) + "}"
        if type_.kind == "nested":
            return (
                "[]any{"
                + ", ".join(self.literal(v, type_) if isinstance(v, list) else str(v) for v in value)
                + "}"
            )
        if type_.kind == "dict":
            key, val = type_.args
            pairs = (
                f"{self.literal(k, key, False)}: {self.literal(v, val, False)}" for k, v in value.items()
            )
            return prefix + "{" + ", ".join(pairs) + "}"
        if type_.kind == "optional":
            return "[]any{0, false}" if value is None else f"[]any{{{self.literal(value, type_.item)}, true}}"
        if type_.kind == "str":
            return c_string(value)
        return json.dumps(value)

    def constant(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "[]int{" + ", ".join(map(str, value)) + "}"
        return super().constant(value)

    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        types = [parse_type(t) for _, t in params]
        result = parse_type(returns)
        optional = result.kind == "optional"
        checks = []
        for args, want in zip(cases, expected, strict=True):
            call = f"{fn}({', '.join(map(self.literal, args, types))})"
            got = f"both({call})" if optional else call
            checks.append(f"\tcheck({c_string(call)}, {got}, {self.literal(want, result)})")
        both = "func both(value int, ok bool) []any {\n\treturn []any{value, ok}\n}\n\n" if optional else ""
        return (
            'package main\n\nimport (\n\t"fmt"\n\t"reflect"\n)\n\n'
            "func check(call string, got, want any) {\n"
            "\tif !reflect.DeepEqual(got, want) {\n"
            '\t\tpanic(fmt.Sprintf("%s = %v, want %v", call, got, want))\n'
            "\t}\n"
            "}\n\n" + both + "func main() {\n" + "\n".join(checks) + "\n}"
        )

    def solution(self, code: str) -> str:
        imports, body = _hoist(code, ("import ",))
        tabbed = "\n".join(
            re.sub(r"^(?:    )+", lambda m: "\t" * (len(m.group()) // 4), line) for line in body.splitlines()
        )
        if not imports:
            return f"package main\n\n{tabbed}"
        packages = sorted(line.removeprefix("import ").strip() for line in imports)
        block = packages[0] if len(packages) == 1 else "(\n" + "".join(f"\t{p}\n" for p in packages) + ")"
        return f"package main\n\nimport {block}\n\n{tabbed}"

    def notes(self, params: Params, returns: str) -> str:
        notes = ""
        if _contains([t for _, t in params], "nested"):
            notes += " Each element of the slice is an `int` or another `[]any` of the same kind."
        if parse_type(returns).kind == "optional":
            notes += " It returns the value and `true`, or `0, false` when there is no such value."
        return notes


class RustRenderer(Renderer):
    """Rust 2021: snake_case functions over slices and ``&str``, owned results; tests with ``assert_eq!``."""

    name = "Rust"
    words = (
        *BOOL_WORDS,
        (r"\ba dictionary\b", "a map"),
        (r"\bdictionary\b", "map"),
        (r"\bdictionaries\b", "maps"),
    )
    NESTED = "#[derive(Debug, Clone, PartialEq)]\nenum Nested {\n    Int(i64),\n    List(Vec<Nested>),\n}"

    def owned(self, type_: Type) -> str:
        if type_.kind in SCALARS:
            return {"int": "i64", "str": "String", "bool": "bool"}[type_.kind]
        if type_.kind == "list":
            return f"Vec<{self.owned(type_.item)}>"
        if type_.kind == "dict":
            return f"HashMap<{self.owned(type_.args[0])}, {self.owned(type_.args[1])}>"
        if type_.kind == "optional":
            return f"Option<{self.owned(type_.item)}>"
        return "Vec<Nested>"

    def borrowed(self, type_: Type) -> str:
        if type_.kind == "str":
            return "&str"
        if type_.kind == "list":
            return f"&[{'&str' if type_.item.kind == 'str' else self.owned(type_.item)}]"
        if type_.kind == "nested":
            return "&[Nested]"
        return self.owned(type_)

    def return_type(self, returns: str) -> str:
        return self.owned(parse_type(returns))

    def signature(self, fn: str, params: Params, returns: str) -> str:
        args = ", ".join(f"{name}: {self.borrowed(parse_type(t))}" for name, t in params)
        return f"{fn}({args}) -> {self.return_type(returns)}"

    def header(self, fn: str, params: Params, returns: str) -> str:
        return f"fn {self.signature(fn, params, returns)} {{"

    def argument(self, value: Any, type_: Type) -> str:
        if type_.kind == "list":
            return "&[" + ", ".join(self.argument_item(v, type_.item) for v in value) + "]"
        if type_.kind == "nested":
            return "&[" + ", ".join(self.nested(v) for v in value) + "]"
        return self.literal(value, type_)

    def argument_item(self, value: Any, type_: Type) -> str:
        return c_string(value) if type_.kind == "str" else self.literal(value, type_)

    def nested(self, value: Any) -> str:
        if isinstance(value, list):
            return "Nested::List(vec![" + ", ".join(map(self.nested, value)) + "])"
        return f"Nested::Int({value})"

    def literal(self, value: Any, type_: Type, owned: bool = False) -> str:
        """An expected value; ``owned`` strings (inside maps) are ``String``s, others compare as ``&str``."""
        if type_.kind == "str":
            return f"{c_string(value)}.to_string()" if owned else c_string(value)
        if type_.kind == "list":
            if not value:
                return f"Vec::<{self.owned(type_.item)}>::new()"
            return "vec![" + ", ".join(self.literal(v, type_.item, owned) for v in value) + "]"
        if type_.kind == "dict":
            if not value:
                return "HashMap::new()"
            key, val = type_.args
            pairs = (
                f"({self.literal(k, key, True)}, {self.literal(v, val, True)})" for k, v in value.items()
            )
            return "HashMap::from([" + ", ".join(pairs) + "])"
        if type_.kind == "optional":
            return "None" if value is None else f"Some({self.literal(value, type_.item)})"
        if type_.kind == "nested":
            return "vec![" + ", ".join(map(self.nested, value)) + "]"
        return json.dumps(value)

    def constant(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "[" + ", ".join(map(str, value)) + "]"
        return super().constant(value)

    def tests(
        self, fn: str, params: Params, returns: str, cases: Sequence[Case], expected: Sequence[Any]
    ) -> str:
        types = [parse_type(t) for _, t in params]
        result = parse_type(returns)
        checks = "\n".join(
            f"    assert_eq!({fn}({', '.join(map(self.argument, args, types))}), {self.literal(want, result)});"
            for args, want in zip(cases, expected, strict=True)
        )
        use = "use std::collections::HashMap;\n\n" if result.kind == "dict" else ""
        return f"{use}fn main() {{\n{checks}\n}}"

    def solution(self, code: str) -> str:
        uses, body = _hoist(code, ("use ",))
        if "HashMap" in body:
            uses.append("use std::collections::HashMap;")
        if "HashSet" in body:
            uses.append("use std::collections::HashSet;")
        if "Nested" in body:
            body = f"{self.NESTED}\n\n{body}"
        head = "\n".join(sorted(set(uses)))
        return f"{head}\n\n{body}" if head else body

    def notes(self, params: Params, returns: str) -> str:
        if _contains([t for _, t in params], "nested"):
            return f" `Nested` is defined as:\n\n```rust\n{self.NESTED}\n```"
        return ""


RENDERERS: dict[str, Renderer] = {
    "python": PythonRenderer(),
    "javascript": JavaScriptRenderer(),
    "java": JavaRenderer(),
    "cpp": CppRenderer(),
    "go": GoRenderer(),
    "rust": RustRenderer(),
}
