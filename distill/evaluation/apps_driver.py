"""Runs one APPS test case of a candidate solution inside the sandbox (standard library only).

Sent as the program of a sandbox job; the candidate is the file ``solution.py`` and the case is
``case.json`` in the working folder:

- standard input (no ``fn_name``): the program reads the case's stdin and its stdout is compared on
  the host. It runs as a script would, with one APPS convention: it is wrapped in a function, so a
  top-level ``return`` ends it (many APPS reference solutions rely on that). Unlike APPS's textual
  wrapper, the wrapping is done on the syntax tree and every name the program binds at its top level
  is declared ``global``, so ``global`` statements, nested functions and string literals behave as
  in the script; names that nested functions declare ``nonlocal`` stay local to the wrapper (the
  other APPS convention such solutions rely on); ``from m import *`` lines stay at module level. ``exit()`` / ``sys.exit(0)``
  end the program normally, as a judge sees it.
- call-based (``fn_name``): the module is executed (not as ``__main__``), the function or the method
  of ``Solution()`` is called with the case's arguments, and its return value is written after a
  marker line as JSON.

Both get APPS's import prefix (``List``, ``Counter``, ``sqrt``, ``heapq`` functions, ...).
"""

import ast
import builtins
import contextlib
import json
import os
import re
import symtable
import sys
import types

ENTRY = "__apps_program__"
RESULT_MARKER = "\n<<<apps-call-result>>>\n"
IMPORT_PREFIX = """\
import sys
import time
import itertools
from itertools import accumulate, product, permutations, combinations
import collections
from collections import Counter, OrderedDict, deque, defaultdict, ChainMap
from functools import lru_cache
import math
from math import sqrt, sin, cos, tan, ceil, fabs, floor, gcd, exp, log, log2
import fractions
from typing import List, Tuple
import random
import heapq
from heapq import *
"""
# APPS's prefix also has ``import numpy as np``; importing numpy costs ~140 ms per test case, so it
# is imported only for sources that can refer to ``np`` at all.
NUMPY_PREFIX = """\
try:
    import numpy as np
except ImportError:
    pass
"""


def _nonlocal_names(table: symtable.SymbolTable) -> set[str]:
    """Names that functions nested in ``table`` declare ``nonlocal``."""
    names = set()
    for child in table.get_children():
        names |= {s.get_name() for s in child.get_symbols() if s.is_nonlocal()} | _nonlocal_names(child)
    return names


def wrapped(source: str) -> ast.Module:
    """The program as the body of a function whose top-level names are globals."""
    tree = ast.parse(source, "solution.py")
    hoisted = [n for n in tree.body if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)]
    body = [n for n in tree.body if n not in hoisted and not isinstance(n, ast.Global)]
    function = ast.parse(f"def {ENTRY}():\n    pass").body[0]
    function.body = body or function.body
    module = ast.Module(body=[*hoisted, function], type_ignores=[])
    table = symtable.symtable(ast.unparse(module), "solution.py", "exec")
    scope = next(t for t in table.get_children() if t.get_name() == ENTRY)
    nonlocal_names = _nonlocal_names(scope)
    names = sorted(
        s.get_name() for s in scope.get_symbols() if s.is_local() and s.get_name() not in nonlocal_names
    )
    if names:
        function.body.insert(0, ast.Global(names=names))
    return ast.fix_missing_locations(module)


def namespace(name: str, source: str) -> dict:
    scope = {"__name__": name, "__builtins__": builtins}
    exec(IMPORT_PREFIX + (NUMPY_PREFIX if re.search(r"\bnp\b", source) else ""), scope)
    return scope


def run_standard_input(source: str) -> None:
    scope = namespace("__main__", source)
    exec(compile(wrapped(source), "solution.py", "exec"), scope)
    try:
        if isinstance(scope[ENTRY](), types.GeneratorType):
            raise SyntaxError("'yield' outside function")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise
    sys.stdout.flush()


def run_call(source: str, fn_name: str, args: list) -> None:
    if args and isinstance(args[0], dict):  # JSON keys are strings; APPS turns them back into ints
        with contextlib.suppress(ValueError):
            args = [{int(k): v for k, v in args[0].items()}, *args[1:]]
    scope = namespace("solution", source)
    exec(compile(source, "solution.py", "exec"), scope)
    if fn_name in scope:
        function = scope[fn_name]
    elif isinstance(scope.get("Solution"), type):
        function = getattr(scope["Solution"](), fn_name)
    else:
        raise NameError(f"the solution defines no function or Solution method {fn_name!r}")
    result = function(*args)
    sys.stdout.flush()
    os.write(1, (RESULT_MARKER + json.dumps(result, default=repr)).encode("utf-8"))


def main() -> None:
    with open("solution.py", encoding="utf-8") as fh:
        source = fh.read()
    with open("case.json", encoding="utf-8") as fh:
        case = json.load(fh)
    if case.get("fn_name"):
        run_call(source, case["fn_name"], case["args"])
    else:
        run_standard_input(source)


if __name__ == "__main__":
    main()
