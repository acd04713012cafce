"""Task families about dictionaries and parsing."""

from __future__ import annotations

import operator
import random
from collections import Counter
from collections.abc import Callable
from itertools import accumulate

from distill.offline.task_bank import inputs
from distill.offline.task_bank.spec import TEXT, Case, Consts, SpecFamily, Variant, py

OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul}
PRECEDENCE = {"+": 1, "-": 1, "*": 2}


WORD_COUNTS = SpecFamily(
    name="word_counts",
    difficulty="easy",
    topic="dicts",
    params=TEXT,
    returns="dict[str, int]",
    cases=lambda rng, c: inputs.sentence_cases(rng, pool=tuple(rng.sample(inputs.WORDS, 4))),
    code=py(
        clean="""
            $def
                counts = {}
                for word in text.lower().split():
                    counts[$key] = counts.get($key, 0) + 1
                return counts
        """,
        documented='''
            $def
                """Return a dict mapping $doc."""
                counts = {}
                for word in text.lower().split():
                    # get() supplies 0 the first time a key is seen.
                    counts[$key] = counts.get($key, 0) + 1
                return counts
        ''',
        optimized="""
            from collections import Counter


            $def
                # O(n): Counter tallies every key in a single pass.
                return dict(Counter($key for word in text.lower().split()))
        """,
    ),
    variants=(
        Variant(
            names=("word_counts", "count_words", "word_frequencies"),
            phrasings=(
                "returns a dictionary mapping each word of `text`, lower-cased, to the number of times it occurs; words are separated by whitespace.",
                "splits `text` on whitespace, lower-cases the words and returns a dictionary from each distinct word to its number of occurrences.",
            ),
            reference=lambda c, text: dict(Counter(text.lower().split())),
            code=py(key="word", doc="each lower-cased word of text to its number of occurrences"),
        ),
        Variant(
            names=("first_letter_counts", "count_initials", "initial_histogram"),
            phrasings=(
                "returns a dictionary mapping each lower-cased first letter of the words of `text` (split on whitespace) to the number of words that start with it.",
                "counts, for every letter, how many words of `text` begin with it, ignoring case, and returns these counts as a dictionary keyed by the lower-case letter; words are separated by whitespace.",
            ),
            reference=lambda c, text: dict(Counter(word[0] for word in text.lower().split())),
            code=py(
                key="word[0]", doc="each lower-cased first letter to the number of words starting with it"
            ),
        ),
        Variant(
            names=("length_counts", "count_word_lengths", "length_histogram"),
            returns="dict[int, int]",
            phrasings=(
                "returns a dictionary mapping each word length to the number of words of `text` (split on whitespace) that have that length.",
                "counts how many words of `text` have each length and returns the counts as a dictionary from length to count; words are separated by whitespace.",
            ),
            reference=lambda c, text: dict(Counter(len(word) for word in text.split())),
            code=py(key="len(word)", doc="each word length to the number of words that long"),
        ),
    ),
)


def _word_list_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Lists of words with some anagrams among them, and the empty list."""
    pool = [word for group in rng.sample(inputs.ANAGRAMS, 3) for word in group] + rng.sample(inputs.WORDS, 3)
    return [(inputs.words(rng, 3, 6, pool),) for _ in range(3)] + [([],)]


def _group(words: list[str], key: Callable[[str], object]) -> dict[object, list[str]]:
    groups: dict[object, list[str]] = {}
    for word in words:
        groups.setdefault(key(word), []).append(word)
    return groups


GROUP_WORDS = SpecFamily(
    name="group_words",
    difficulty="medium",
    topic="dicts",
    params=(("words", "list[str]"),),
    returns="dict[str, list[str]]",
    cases=_word_list_cases,
    code=py(
        clean="""
            $def
                groups = {}
                for word in words:
                    groups.setdefault($key, []).append(word)
                return groups
        """,
        documented='''
            $def
                """Group the words by $doc, keeping their input order within each group."""
                groups = {}
                for word in words:
                    # setdefault creates the group the first time its key is seen.
                    groups.setdefault($key, []).append(word)
                return groups
        ''',
        optimized="""
            from collections import defaultdict


            $def
                groups = defaultdict(list)
                # O(n) dictionary operations: each word joins its group in a single pass.
                for word in words:
                    groups[$key].append(word)
                return dict(groups)
        """,
    ),
    variants=(
        Variant(
            names=("group_by_first_letter", "group_by_initial", "bucket_by_letter"),
            phrasings=(
                "returns a dictionary mapping each first letter to the list of the words of `words` that start with it, in their original order.",
                "groups the words of `words` by their first character: the result maps that character to the words starting with it, kept in input order.",
            ),
            reference=lambda c, words: _group(words, lambda word: word[0]),
            code=py(key="word[0]", doc="first letter"),
        ),
        Variant(
            names=("group_anagrams", "anagram_groups", "bucket_anagrams"),
            phrasings=(
                "groups the words of `words` that are anagrams of each other. It returns a dictionary whose keys are the letters of a word sorted alphabetically (`opst` for `stop`) and whose values list the words with that key in input order.",
                "returns a dictionary that maps the alphabetically sorted letters of each word (e.g. `art` for `rat`) to the list of the words of `words` with those letters, in their original order.",
            ),
            reference=lambda c, words: _group(words, lambda word: "".join(sorted(word))),
            code=py(key='"".join(sorted(word))', doc="their sorted letters, so that anagrams share a group"),
        ),
        Variant(
            names=("group_by_length", "bucket_by_length", "words_by_length"),
            returns="dict[int, list[str]]",
            phrasings=(
                "returns a dictionary mapping each word length to the list of the words of `words` that have that length, in their original order.",
                "groups the words of `words` by length: the result maps a length to the words that long, kept in input order.",
            ),
            reference=lambda c, words: _group(words, len),
            code=py(key="len(word)", doc="length"),
        ),
    ),
)


def _pairs(text: str, c: Consts) -> list[tuple[str, int]]:
    return [
        (key, int(value)) for key, value in (pair.split(c["eq"]) for pair in text.split(c["sep"]) if pair)
    ]


def _pair_cases(rng: random.Random, c: Consts) -> list[Case]:
    keys = ("a", "b", "id", "size", "port", "mode")
    texts = [
        c["sep"].join(f"{key}{c['eq']}{rng.randint(-5, 99)}" for key in inputs.words(rng, 2, 5, keys))
        for _ in range(3)
    ]
    return [(text,) for text in texts] + [("",)]


def _totals(pairs: list[tuple[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for key, value in pairs:
        totals[key] = totals.get(key, 0) + value
    return totals


PARSE_PAIRS = SpecFamily(
    name="parse_pairs",
    difficulty="medium",
    topic="parsing",
    params=TEXT,
    returns="dict[str, int]",
    draw=lambda rng: {"sep": rng.choice(";,&|"), "eq": rng.choice("=:")},
    cases=_pair_cases,
    code=py(
        clean="""
            $def
                result = {}
                if not text:
                    return result
                for pair in text.split($sep):
                    key, value = pair.split($eq)
                    result[key] = $update
                return result
        """,
        documented='''
            $def
                """Parse the key/value pairs of text into a dict of ints$doc."""
                result = {}
                # An empty string holds no pairs (splitting it would give [""]).
                if not text:
                    return result
                for pair in text.split($sep):
                    key, value = pair.split($eq)
                    result[key] = $update
                return result
        ''',
        optimized="""
            $def
                result = {}
                # O(n): one split pass; partition cuts each pair without building a list.
                for pair in filter(None, text.split($sep)):
                    key, _, value = pair.partition($eq)
                    result[key] = $update
                return result
        """,
    ),
    variants=(
        Variant(
            names=("parse_pairs", "parse_config", "parse_key_values"),
            phrasings=(
                "parses `text`, a list of `key${eq}value` pairs separated by `$sep` (for example `a${eq}1${sep}b${eq}2`), and returns a dictionary mapping each key to its integer value. When a key repeats, its last value wins; an empty string gives an empty dictionary.",
                "turns a string such as `x${eq}3${sep}y${eq}-4` into a dictionary that maps `x` to 3 and `y` to -4: pairs are separated by `$sep`, each key from its integer value by `$eq`, a repeated key keeps its last value, and an empty string gives an empty dictionary.",
            ),
            reference=lambda c, text: dict(_pairs(text, c)),
            code=py(update="int(value)", doc=" (a repeated key keeps its last value)"),
        ),
        Variant(
            names=("sum_by_key", "total_by_key", "sum_pairs"),
            phrasings=(
                "parses `text`, made of `key${eq}value` pairs separated by `$sep` with integer values, and returns a dictionary mapping each key to the sum of all its values. An empty string gives an empty dictionary.",
                "adds up the integer values per key in a string such as `a${eq}2${sep}b${eq}5${sep}a${eq}1` (pairs separated by `$sep`, key and value by `$eq`), where `a` totals 3, and returns the totals as a dictionary; an empty string gives `{}`.",
            ),
            reference=lambda c, text: _totals(_pairs(text, c)),
            code=py(update="result.get(key, 0) + int(value)", doc=", summing the values of a repeated key"),
        ),
    ),
)


def _brackets(rng: random.Random, depth: int = 0) -> str:
    """A balanced string of (), [] and {} with a few other characters in between."""
    parts = []
    for _ in range(rng.randint(1, 3)):
        if depth < 3 and rng.random() < 0.6:
            pair = rng.choice(("()", "()", "[]", "{}"))
            parts.append(pair[0] + _brackets(rng, depth + 1) + pair[1])
        else:
            parts.append(rng.choice("xyz+"))
    return "".join(parts)


def _unbalance(rng: random.Random, text: str) -> str:
    """Drop one bracket of a balanced string, or turn it into another bracket: either unbalances it."""
    spots = [i for i, ch in enumerate(text) if ch in "()[]{}"]
    if not spots:
        return text + ")"
    i = rng.choice(spots)
    return text[:i] + rng.choice(("", *"()[]{}".replace(text[i], ""))) + text[i + 1 :]


def _is_balanced(text: str) -> bool:
    """Delete adjacent matching pairs until none is left; balanced strings vanish entirely."""
    brackets = "".join(ch for ch in text if ch in "()[]{}")
    while any(pair in brackets for pair in ("()", "[]", "{}")):
        brackets = brackets.replace("()", "").replace("[]", "").replace("{}", "")
    return not brackets


def _paren_depth(text: str) -> int:
    depths = list(accumulate(1 if ch == "(" else -1 for ch in text if ch in "()"))
    return -1 if depths and (min(depths) < 0 or depths[-1] != 0) else max(depths, default=0)


BRACKETS = SpecFamily(
    name="brackets",
    difficulty="medium",
    topic="parsing",
    params=TEXT,
    returns="bool",
    cases=lambda rng, c: [
        (_brackets(rng),),
        (_brackets(rng),),
        (_unbalance(rng, _brackets(rng)),),
        (_unbalance(rng, _brackets(rng)),),
        ("",),
    ],
    variants=(
        Variant(
            names=("is_balanced", "balanced_brackets", "check_brackets"),
            phrasings=(
                "returns True if the brackets `()`, `[]` and `{}` in `text` are balanced, i.e. every opening bracket is closed by the matching bracket in the right order, and False otherwise; all other characters are ignored.",
                "checks whether every `(`, `[` and `{` in `text` is closed by its matching `)`, `]` or `}` with proper nesting, and no closing bracket is left unmatched (other characters do not matter); it returns True or False.",
            ),
            reference=lambda c, text: _is_balanced(text),
            code=py(
                clean="""
                    $def
                        pairs = {")": "(", "]": "[", "}": "{"}
                        stack = []
                        for ch in text:
                            if ch in "([{":
                                stack.append(ch)
                            elif ch in pairs:
                                if not stack or stack.pop() != pairs[ch]:
                                    return False
                        return not stack
                """,
                documented='''
                    $def
                        """Return True if the (), [] and {} brackets of text are properly matched and nested."""
                        pairs = {")": "(", "]": "[", "}": "{"}
                        stack = []
                        for ch in text:
                            if ch in "([{":
                                stack.append(ch)
                            elif ch in pairs:
                                # A closer must match the most recent bracket still open.
                                if not stack or stack.pop() != pairs[ch]:
                                    return False
                        # Brackets left on the stack were never closed.
                        return not stack
                ''',
                optimized="""
                    $def
                        closers = {")": "(", "]": "[", "}": "{"}
                        openers = set(closers.values())
                        stack = []
                        # O(n): each bracket is pushed and popped at most once.
                        for ch in text:
                            if ch in openers:
                                stack.append(ch)
                            elif ch in closers and (not stack or stack.pop() != closers[ch]):
                                return False
                        return not stack
                """,
            ),
        ),
        Variant(
            names=("max_paren_depth", "paren_depth", "nesting_depth"),
            returns="int",
            phrasings=(
                "returns the maximum nesting depth of the parentheses `(` and `)` in `text` (0 when there are none), or -1 if they are unbalanced; every other character, other kinds of brackets included, is ignored.",
                "returns how deeply the round parentheses of `text` nest at their deepest point, ignoring all other characters; if some `)` has no matching `(` before it or some `(` is never closed, it returns -1.",
            ),
            reference=lambda c, text: _paren_depth(text),
            code=py(
                clean="""
                    $def
                        depth = deepest = 0
                        for ch in text:
                            if ch == "(":
                                depth += 1
                                deepest = max(deepest, depth)
                            elif ch == ")":
                                depth -= 1
                                if depth < 0:
                                    return -1
                        return deepest if depth == 0 else -1
                """,
                documented='''
                    $def
                        """Return the deepest nesting of the parentheses in text, or -1 if they are unbalanced."""
                        depth = deepest = 0
                        for ch in text:
                            if ch == "(":
                                depth += 1
                                deepest = max(deepest, depth)
                            elif ch == ")":
                                depth -= 1
                                # More closers than openers so far.
                                if depth < 0:
                                    return -1
                        return deepest if depth == 0 else -1
                ''',
                optimized="""
                    $def
                        depth = deepest = 0
                        # O(n) time, O(1) memory: a counter stands in for the stack.
                        for ch in text:
                            if ch == "(":
                                depth += 1
                                if depth > deepest:
                                    deepest = depth
                            elif ch == ")":
                                depth -= 1
                                if depth < 0:
                                    return -1
                        return -1 if depth else deepest
                """,
            ),
        ),
    ),
)


def _expression(rng: random.Random, depth: int) -> int | tuple:
    """A random expression tree at most ``depth`` operators deep: an int leaf or (operator, left, right)."""
    if depth == 0 or rng.random() < 0.3:
        return rng.randint(0, 12)
    return _operation(rng, depth)


def _operation(rng: random.Random, depth: int = 3) -> tuple:
    """An expression tree with an operator at its root."""
    return (rng.choice("+-*"), _expression(rng, depth - 1), _expression(rng, depth - 1))


def _infix(rng: random.Random, node: int | tuple, space: str) -> str:
    """Infix text with the parentheses precedence needs, and now and then a redundant pair."""
    if isinstance(node, int):
        return str(node)
    op, *children = node
    parts = []
    for side, child in enumerate(children):
        text = _infix(rng, child, space)
        if isinstance(child, tuple):
            prec, child_prec = PRECEDENCE[op], PRECEDENCE[child[0]]
            needed = child_prec < prec or (side == 1 and child_prec == prec and op == "-")
            if needed or rng.random() < 0.15:
                text = f"({text})"
        parts.append(text)
    return f"{parts[0]}{space}{op}{space}{parts[1]}"


def _postfix(node: int | tuple) -> str:
    if isinstance(node, int):
        return str(node)
    op, left, right = node
    return f"{_postfix(left)} {_postfix(right)} {op}"


def _postfix_value(expr: str) -> int:
    stack: list[int] = []
    for token in expr.split():
        if token in OPERATORS:
            right = stack.pop()
            stack.append(OPERATORS[token](stack.pop(), right))
        else:
            stack.append(int(token))
    return stack.pop()


EXPRESSION = SpecFamily(
    name="expression",
    difficulty="hard",
    topic="parsing",
    params=(("expr", "str"),),
    returns="int",
    variants=(
        Variant(
            names=("evaluate", "eval_expression", "calculate"),
            phrasings=(
                "evaluates the arithmetic expression `expr` and returns its integer value. The expression contains non-negative integers, the operators `+`, `-` and `*`, parentheses and possibly spaces; `*` binds tighter than `+` and `-`, and operators of equal precedence apply from left to right.",
                "computes the value of `expr`, an integer expression such as `2 * (3 + 4) - 5` built from non-negative integers, `+`, `-`, `*`, parentheses and optional spaces, with the usual precedence rules, without evaluating it as code.",
            ),
            # The inputs are generated here, so eval sees nothing but integers, operators and parentheses.
            reference=lambda c, expr: eval(expr, {"__builtins__": {}}),
            cases=lambda rng, c: [
                *((_infix(rng, _operation(rng), rng.choice(("", " "))),) for _ in range(3)),
                (str(rng.randint(0, 50)),),
            ],
            code=py(
                clean="""
                    import re


                    $def
                        tokens = re.findall(r"\\d+|\\S", expr)[::-1]

                        def atom() -> int:
                            token = tokens.pop()
                            if token == "(":
                                value = total()
                                tokens.pop()
                                return value
                            return int(token)

                        def product() -> int:
                            value = atom()
                            while tokens and tokens[-1] == "*":
                                tokens.pop()
                                value *= atom()
                            return value

                        def total() -> int:
                            value = product()
                            while tokens and tokens[-1] in "+-":
                                sign = 1 if tokens.pop() == "+" else -1
                                value += sign * product()
                            return value

                        return total()
                """,
                documented='''
                    import re


                    $def
                        """Evaluate an expression of non-negative integers, +, -, * and parentheses."""
                        # Reversed, so that pop() takes the next token.
                        tokens = re.findall(r"\\d+|\\S", expr)[::-1]

                        def atom() -> int:
                            """A number or a parenthesized expression."""
                            token = tokens.pop()
                            if token == "(":
                                value = total()
                                tokens.pop()  # the matching ")"
                                return value
                            return int(token)

                        def product() -> int:
                            """Atoms joined by *, which binds tighter than + and -."""
                            value = atom()
                            while tokens and tokens[-1] == "*":
                                tokens.pop()
                                value *= atom()
                            return value

                        def total() -> int:
                            """Products joined by + and -, applied from left to right."""
                            value = product()
                            while tokens and tokens[-1] in "+-":
                                sign = 1 if tokens.pop() == "+" else -1
                                value += sign * product()
                            return value

                        return total()
                ''',
                optimized="""
                    import re


                    $def
                        stack = []
                        total, sign, term, factor = 0, 1, 1, 0
                        # O(n) single pass: each "(" saves the enclosing sum, sign and product on a stack.
                        for token in re.findall(r"\\d+|\\S", expr):
                            if token.isdigit():
                                factor = int(token)
                            elif token == "*":
                                term *= factor
                            elif token in "+-":
                                total += sign * term * factor
                                sign, term = (1 if token == "+" else -1), 1
                            elif token == "(":
                                stack.append((total, sign, term))
                                total, sign, term = 0, 1, 1
                            else:
                                factor = total + sign * term * factor
                                total, sign, term = stack.pop()
                        return total + sign * term * factor
                """,
            ),
        ),
        Variant(
            names=("eval_rpn", "evaluate_postfix", "rpn_value"),
            phrasings=(
                "evaluates `expr`, an arithmetic expression in reverse Polish (postfix) notation whose tokens are separated by single spaces, such as `3 4 + 2 *` for (3 + 4) * 2, and returns its integer value. The operators are `+`, `-` and `*`; the operands are non-negative integers.",
                "computes the value of the postfix expression `expr` and returns it: tokens are separated by spaces, operands are non-negative integers, and each operator `+`, `-` or `*` applies to the two values before it (`5 2 -` is 3).",
            ),
            reference=lambda c, expr: _postfix_value(expr),
            cases=lambda rng, c: [
                *((_postfix(_operation(rng)),) for _ in range(3)),
                (str(rng.randint(0, 50)),),
            ],
            code=py(
                clean="""
                    $def
                        stack = []
                        for token in expr.split():
                            if token in ("+", "-", "*"):
                                right = stack.pop()
                                left = stack.pop()
                                if token == "+":
                                    stack.append(left + right)
                                elif token == "-":
                                    stack.append(left - right)
                                else:
                                    stack.append(left * right)
                            else:
                                stack.append(int(token))
                        return stack.pop()
                """,
                documented='''
                    $def
                        """Evaluate a space-separated postfix expression of integers and +, -, *."""
                        stack = []
                        for token in expr.split():
                            if token in ("+", "-", "*"):
                                # The right operand was pushed last.
                                right = stack.pop()
                                left = stack.pop()
                                if token == "+":
                                    stack.append(left + right)
                                elif token == "-":
                                    stack.append(left - right)
                                else:
                                    stack.append(left * right)
                            else:
                                stack.append(int(token))
                        return stack.pop()
                ''',
                optimized="""
                    from operator import add, mul, sub


                    $def
                        ops = {"+": add, "-": sub, "*": mul}
                        stack = []
                        # O(n): every token is pushed or popped once.
                        for token in expr.split():
                            if token in ops:
                                right = stack.pop()
                                stack.append(ops[token](stack.pop(), right))
                            else:
                                stack.append(int(token))
                        return stack.pop()
                """,
            ),
        ),
    ),
)
