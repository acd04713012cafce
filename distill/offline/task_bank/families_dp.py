"""Task families about recursion and dynamic programming."""

from __future__ import annotations

import operator
import random
from collections.abc import Callable
from functools import cache
from itertools import combinations, pairwise

from distill.offline.task_bank import inputs
from distill.offline.task_bank.spec import NUMS, Case, Consts, SpecFamily, Variant, py

STEP_SETS = ((1, 2), (1, 2, 3), (1, 3), (2, 3), (1, 4))
COIN_SETS = ((1, 5, 10), (1, 3, 4), (2, 5), (1, 2, 5), (3, 7), (2, 3, 7))


def _fewest_moves(total: int, sizes: tuple[int, ...]) -> int:
    """Breadth-first over the sums reachable with 0, 1, 2, ... moves; -1 if ``total`` is never hit."""
    frontier, seen, moves = {0}, {0}, 0
    while frontier:
        if total in frontier:
            return moves
        frontier = {s + size for s in frontier for size in sizes if s + size <= total} - seen
        seen |= frontier
        moves += 1
    return -1


def _ordered_ways(total: int, sizes: tuple[int, ...]) -> int:
    @cache
    def ways(rest: int) -> int:
        return 1 if rest == 0 else sum(ways(rest - size) for size in sizes if size <= rest)

    return ways(total)


def _stairs_consts(rng: random.Random) -> Consts:
    steps = rng.choice(STEP_SETS)
    return {"steps": steps, "choices": ", ".join(map(str, steps[:-1])) + f" or {steps[-1]}"}


STAIRS = SpecFamily(
    name="stairs",
    difficulty="medium",
    topic="dp",
    params=(("n", "int"),),
    returns="int",
    draw=_stairs_consts,
    cases=lambda rng, c: [(rng.randint(1, 20),) for _ in range(3)] + [(0,)],
    code=py(
        clean="""
            $def
                table = [$base] + [0] * n
                for i in range(1, n + 1):
                    table[i] = $cell
                return table[n]
        """,
        documented='''
            $def
                """Return $doc."""
                # table[i] is the answer for a staircase of i steps.
                table = [$base] + [0] * n
                for i in range(1, n + 1):
                    # The last move has some size s, so it starts from step i - s.
                    table[i] = $cell
                return table[n]
        ''',
        optimized="""
            $def
                table = [$base] + [0] * n
                # O(n * m) time for m move sizes: each step looks back once per size.
                for i in range(1, n + 1):
                    table[i] = $cell
                return table[n]
        """,
    ),
    variants=(
        Variant(
            names=("climb_stairs", "count_climbs", "stair_ways"),
            phrasings=(
                "returns the number of distinct ways to climb a staircase of `n` steps when every move climbs $choices steps; the order of the moves matters and `n` = 0 has exactly one way (no moves).",
                "counts the ordered sequences of moves of size $choices that add up to exactly `n` and returns the count (1 for `n` = 0).",
            ),
            reference=lambda c, n: _ordered_ways(n, c["steps"]),
            code=py(
                base="1",
                cell="sum(table[i - s] for s in $steps if s <= i)",
                doc="the number of ordered ways to climb n steps with moves of size $steps",
            ),
        ),
        Variant(
            names=("min_moves", "fewest_moves", "min_climbs"),
            phrasings=(
                "returns the smallest number of moves that climb a staircase of exactly `n` steps when every move climbs $choices steps, or -1 if `n` cannot be reached exactly; `n` = 0 takes 0 moves.",
                "finds the fewest moves of size $choices whose sizes add up to exactly `n` and returns how many moves that is, or -1 when no combination of moves reaches `n`.",
            ),
            reference=lambda c, n: _fewest_moves(n, c["steps"]),
            code=py(
                base="0",
                cell="min((table[i - s] + 1 for s in $steps if s <= i and table[i - s] >= 0), default=-1)",
                doc="the fewest moves of size $steps that climb exactly n steps, or -1",
            ),
        ),
    ),
)


def _nested(rng: random.Random, depth: int = 0) -> list:
    """A random list of digits and lists of the same kind, at most four levels deep."""
    return [
        _nested(rng, depth + 1) if depth < 3 and rng.random() < 0.4 else rng.randint(0, 9)
        for _ in range(rng.randint(2 if depth == 0 else 0, 3))
    ]


def _leaves(items: list) -> list[int]:
    return [leaf for item in items for leaf in (_leaves(item) if isinstance(item, list) else [item])]


def _depth(items: list) -> int:
    return 1 + max((_depth(item) for item in items if isinstance(item, list)), default=0)


FLATTEN = SpecFamily(
    name="flatten",
    difficulty="medium",
    topic="recursion",
    params=(("items", "list"),),
    returns="int",
    cases=lambda rng, c: [(_nested(rng),) for _ in range(3)] + [([],)],
    variants=(
        Variant(
            names=("flatten", "flatten_list", "deep_flatten"),
            returns="list[int]",
            phrasings=(
                "flattens `items`, a list whose elements are integers or (arbitrarily nested) lists of the same kind, and returns a flat list of all the integers in their left-to-right order.",
                "returns every integer contained in the nested list `items`, at any depth, as one flat list in the order in which they appear.",
            ),
            reference=lambda c, items: _leaves(items),
            code=py(
                clean="""
                    $def
                        result = []
                        for item in items:
                            if isinstance(item, list):
                                result.extend($fn(item))
                            else:
                                result.append(item)
                        return result
                """,
                documented='''
                    $def
                        """Return the integers of the nested list items as one flat list, in order."""
                        result = []
                        for item in items:
                            # Inner lists are flattened recursively, integers copied as they are.
                            if isinstance(item, list):
                                result.extend($fn(item))
                            else:
                                result.append(item)
                        return result
                ''',
                optimized="""
                    $def
                        result = []
                        stack = [iter(items)]
                        # O(total size): an explicit stack of iterators instead of recursion.
                        while stack:
                            for item in stack[-1]:
                                if isinstance(item, list):
                                    stack.append(iter(item))
                                    break
                                result.append(item)
                            else:
                                stack.pop()
                        return result
                """,
            ),
        ),
        Variant(
            names=("nested_sum", "deep_sum", "sum_nested"),
            phrasings=(
                "returns the sum of all the integers contained, at any depth, in `items`, a list whose elements are integers or lists of the same kind; an empty list gives 0.",
                "adds up every integer found anywhere inside the nested list `items` and returns the total (0 when there is none).",
            ),
            reference=lambda c, items: sum(_leaves(items)),
            code=py(
                clean="""
                    $def
                        return sum($fn(item) if isinstance(item, list) else item for item in items)
                """,
                documented='''
                    $def
                        """Return the sum of all integers in the nested list items."""
                        total = 0
                        for item in items:
                            # An inner list contributes the sum of its own contents.
                            total += $fn(item) if isinstance(item, list) else item
                        return total
                ''',
                optimized="""
                    $def
                        total = 0
                        stack = [items]
                        # O(total size): an explicit stack instead of recursion; order does not matter for a sum.
                        while stack:
                            for item in stack.pop():
                                if isinstance(item, list):
                                    stack.append(item)
                                else:
                                    total += item
                        return total
                """,
            ),
        ),
        Variant(
            names=("list_depth", "max_depth", "depth_of"),
            phrasings=(
                "returns the nesting depth of `items`, a list whose elements are integers or lists of the same kind: a list without inner lists, the empty list included, has depth 1, and each level of nesting adds 1.",
                "computes how deeply lists are nested inside `items` (a flat or empty list has depth 1, `[1, [2]]` has depth 2) and returns that depth.",
            ),
            reference=lambda c, items: _depth(items),
            code=py(
                clean="""
                    $def
                        return 1 + max(($fn(item) for item in items if isinstance(item, list)), default=0)
                """,
                documented='''
                    $def
                        """Return how deeply lists nest in items; a flat list has depth 1."""
                        deepest = 0
                        for item in items:
                            # Only inner lists add depth.
                            if isinstance(item, list):
                                deepest = max(deepest, $fn(item))
                        return 1 + deepest
                ''',
                optimized="""
                    $def
                        best = 0
                        stack = [(items, 1)]
                        # O(total size): each list is visited once, without recursion.
                        while stack:
                            current, depth = stack.pop()
                            best = max(best, depth)
                            stack.extend((item, depth + 1) for item in current if isinstance(item, list))
                        return best
                """,
            ),
        ),
    ),
)


def _lcs(a: str, b: str) -> int:
    @cache
    def go(i: int, j: int) -> int:
        if i == len(a) or j == len(b):
            return 0
        return 1 + go(i + 1, j + 1) if a[i] == b[j] else max(go(i + 1, j), go(i, j + 1))

    return go(0, 0)


def _edit_distance(a: str, b: str) -> int:
    @cache
    def go(i: int, j: int) -> int:
        if i == len(a) or j == len(b):
            return len(a) - i + len(b) - j
        if a[i] == b[j]:
            return go(i + 1, j + 1)
        return 1 + min(go(i + 1, j + 1), go(i + 1, j), go(i, j + 1))

    return go(0, 0)


def _common_substring(a: str, b: str) -> int:
    return max((j - i for i in range(len(a)) for j in range(i + 1, len(a) + 1) if a[i:j] in b), default=0)


ALIGNMENT = SpecFamily(
    name="alignment",
    difficulty="hard",
    topic="dp",
    params=(("a", "str"), ("b", "str")),
    returns="int",
    cases=lambda rng, c: [
        *((inputs.letters(rng, "abc", 0, 7), inputs.letters(rng, "abc", 1, 7)) for _ in range(3)),
        ("", inputs.letters(rng, "abc", 1, 5)),
    ],
    code=py(
        clean="""
            $def
                dp = [[$base for j in range(len(b) + 1)] for i in range(len(a) + 1)]
                for i in range(1, len(a) + 1):
                    for j in range(1, len(b) + 1):
                        same = a[i - 1] == b[j - 1]
                        dp[i][j] = $cell
                return $answer
        """,
        documented='''
            $def
                """Return $doc."""
                # dp[i][j] is the answer for the prefixes a[:i] and b[:j].
                dp = [[$base for j in range(len(b) + 1)] for i in range(len(a) + 1)]
                for i in range(1, len(a) + 1):
                    for j in range(1, len(b) + 1):
                        same = a[i - 1] == b[j - 1]
                        dp[i][j] = $cell
                return $answer
        ''',
    ),
    variants=(
        Variant(
            names=("lcs_length", "longest_common_subsequence", "common_subsequence_length"),
            phrasings=(
                "returns the length of the longest common subsequence of the strings `a` and `b`: the longest sequence of characters that appears in both in the same order, not necessarily contiguously.",
                "computes how long the longest sequence of characters is that can be obtained from both `a` and `b` by deleting characters while keeping the order, and returns that length.",
            ),
            reference=lambda c, a, b: _lcs(a, b),
            code=py(
                base="0",
                cell="dp[i - 1][j - 1] + 1 if same else max(dp[i - 1][j], dp[i][j - 1])",
                answer="dp[-1][-1]",
                doc="the length of the longest common subsequence of a and b",
                optimized="""
                    $def
                        prev = [0] * (len(b) + 1)
                        # O(len(a) * len(b)) time, O(len(b)) memory: only the previous row is kept.
                        for ca in a:
                            row = [0]
                            for j, cb in enumerate(b):
                                row.append(prev[j] + 1 if ca == cb else max(prev[j + 1], row[j]))
                            prev = row
                        return prev[-1]
                """,
            ),
        ),
        Variant(
            names=("edit_distance", "levenshtein", "min_edits"),
            phrasings=(
                "returns the edit (Levenshtein) distance between the strings `a` and `b`: the minimum number of single-character insertions, deletions and substitutions that turn `a` into `b`.",
                "computes the smallest number of one-character edits (insert, delete or replace a character) needed to change `a` into `b` and returns it.",
            ),
            reference=lambda c, a, b: _edit_distance(a, b),
            code=py(
                base="i + j if i == 0 or j == 0 else 0",
                cell="dp[i - 1][j - 1] if same else 1 + min(dp[i - 1][j - 1], dp[i - 1][j], dp[i][j - 1])",
                answer="dp[-1][-1]",
                doc="the minimum number of insertions, deletions and substitutions turning a into b",
                optimized="""
                    $def
                        prev = list(range(len(b) + 1))
                        # O(len(a) * len(b)) time, O(len(b)) memory: only the previous row is kept.
                        for i, ca in enumerate(a, 1):
                            row = [i]
                            for j, cb in enumerate(b):
                                row.append(prev[j] if ca == cb else 1 + min(prev[j], prev[j + 1], row[j]))
                            prev = row
                        return prev[-1]
                """,
            ),
        ),
        Variant(
            names=("longest_common_substring", "common_substring_length", "shared_run_length"),
            phrasings=(
                "returns the length of the longest common substring of `a` and `b`, i.e. the longest run of consecutive characters that occurs in both (0 if they share no character).",
                "finds the longest contiguous piece of text that appears in both `a` and `b` and returns its length.",
            ),
            reference=lambda c, a, b: _common_substring(a, b),
            code=py(
                base="0",
                cell="dp[i - 1][j - 1] + 1 if same else 0",
                answer="max(max(row) for row in dp)",
                doc="the length of the longest substring that occurs in both a and b",
                optimized="""
                    $def
                        prev = [0] * (len(b) + 1)
                        best = 0
                        # O(len(a) * len(b)) time, O(len(b)) memory: only the previous row is kept.
                        for ca in a:
                            row = [0]
                            for j, cb in enumerate(b):
                                row.append(prev[j] + 1 if ca == cb else 0)
                            best = max(best, max(row))
                            prev = row
                        return best
                """,
            ),
        ),
    ),
)


def _coin_ways(amount: int, coins: tuple[int, ...]) -> int:
    @cache
    def ways(rest: int, i: int) -> int:
        if rest == 0:
            return 1
        if i == len(coins):
            return 0
        return sum(ways(rest - k * coins[i], i + 1) for k in range(rest // coins[i] + 1))

    return ways(amount, 0)


COINS = SpecFamily(
    name="coins",
    difficulty="hard",
    topic="dp",
    params=(("amount", "int"),),
    returns="int",
    draw=lambda rng: {"coins": rng.choice(COIN_SETS)},
    cases=lambda rng, c: [(rng.randint(1, 30),) for _ in range(3)] + [(0,)],
    variants=(
        Variant(
            names=("min_coins", "fewest_coins", "coin_change"),
            phrasings=(
                "returns the fewest coins with values $coins (each value available in unlimited supply) that add up to exactly `amount`, or -1 if no combination of coins does; `amount` = 0 needs 0 coins.",
                "computes the minimum number of coins needed to pay exactly `amount` with unlimited coins of values $coins and returns it, or -1 when it cannot be done.",
            ),
            reference=lambda c, amount: _fewest_moves(amount, c["coins"]),
            code=py(
                clean="""
                    $def
                        fewest = [0] + [-1] * amount
                        for total in range(1, amount + 1):
                            options = [fewest[total - c] for c in $coins if c <= total and fewest[total - c] >= 0]
                            fewest[total] = min(options) + 1 if options else -1
                        return fewest[amount]
                """,
                documented='''
                    $def
                        """Return the fewest coins of values $coins summing to amount, or -1 if impossible."""
                        # fewest[t] is the answer for the total t (-1 while unreachable).
                        fewest = [0] + [-1] * amount
                        for total in range(1, amount + 1):
                            # The last coin c leaves total - c, which must itself be reachable.
                            options = [fewest[total - c] for c in $coins if c <= total and fewest[total - c] >= 0]
                            fewest[total] = min(options) + 1 if options else -1
                        return fewest[amount]
                ''',
                optimized="""
                    $def
                        unreachable = amount + 1
                        fewest = [0] + [unreachable] * amount
                        # O(amount * number of coin values) time, O(amount) memory.
                        for c in $coins:
                            for total in range(c, amount + 1):
                                fewest[total] = min(fewest[total], fewest[total - c] + 1)
                        return fewest[amount] if fewest[amount] < unreachable else -1
                """,
            ),
        ),
        Variant(
            names=("count_change", "change_ways", "coin_combinations"),
            phrasings=(
                "returns the number of different ways to pay exactly `amount` with unlimited coins of values $coins, where the order of the coins does not matter (`amount` = 0 has one way: no coins).",
                "counts the combinations (multisets) of coins with values $coins that sum to `amount` and returns the count; `amount` = 0 gives 1.",
            ),
            reference=lambda c, amount: _coin_ways(amount, c["coins"]),
            code=py(
                clean="""
                    $def
                        ways = [1] + [0] * amount
                        for c in $coins:
                            for total in range(c, amount + 1):
                                ways[total] += ways[total - c]
                        return ways[amount]
                """,
                documented='''
                    $def
                        """Return the number of coin combinations of values $coins that sum to amount."""
                        # ways[t] counts the combinations for the total t using the coins seen so far.
                        ways = [1] + [0] * amount
                        # Coins in the outer loop, so each combination is counted in one order only.
                        for c in $coins:
                            for total in range(c, amount + 1):
                                ways[total] += ways[total - c]
                        return ways[amount]
                ''',
                optimized="""
                    $def
                        ways = [1] + [0] * amount
                        # O(amount * number of coin values) time, O(amount) memory.
                        for c in $coins:
                            for total in range(c, amount + 1):
                                ways[total] += ways[total - c]
                        return ways[amount]
                """,
            ),
        ),
    ),
)


def _longest_ordered(nums: list[int], before: Callable[[int, int], bool]) -> int:
    """Brute force over all subsequences: the longest in which ``before(x, y)`` holds for neighbours."""
    lengths = (
        r
        for r in range(len(nums) + 1)
        for seq in combinations(nums, r)
        if all(before(x, y) for x, y in pairwise(seq))
    )
    return max(lengths, default=0)


LIS = SpecFamily(
    name="lis",
    difficulty="hard",
    topic="dp",
    params=NUMS,
    returns="int",
    cases=lambda rng, c: [(inputs.ints(rng, 3, 8, 0, 9),) for _ in range(3)] + [([],)],
    code=py(
        clean="""
            $def
                best = [1] * len(nums)
                for i in range(len(nums)):
                    for j in range(i):
                        if nums[j] $cmp nums[i]:
                            best[i] = max(best[i], best[j] + 1)
                return max(best, default=0)
        """,
        documented='''
            $def
                """Return the length of the longest $doc subsequence of nums."""
                # best[i] is the length of the longest such subsequence ending at nums[i].
                best = [1] * len(nums)
                for i in range(len(nums)):
                    for j in range(i):
                        if nums[j] $cmp nums[i]:
                            best[i] = max(best[i], best[j] + 1)
                return max(best, default=0)
        ''',
        optimized="""
            from bisect import $bisect


            $def
                tails = []
                # O(n log n): tails[k] is the smallest possible last value of a run of length k + 1.
                for x in nums:
                    i = $bisect(tails, $key)
                    if i == len(tails):
                        tails.append($key)
                    else:
                        tails[i] = $key
                return len(tails)
        """,
    ),
    variants=(
        Variant(
            names=("longest_increasing", "lis_length", "longest_rising"),
            phrasings=(
                "returns the length of the longest strictly increasing subsequence of `nums`; the elements need not be adjacent, and an empty list gives 0.",
                "finds the longest subsequence of `nums` (not necessarily contiguous) in which every element is larger than the one before it, and returns its length.",
            ),
            reference=lambda c, nums: _longest_ordered(nums, operator.lt),
            code=py(cmp="<", doc="strictly increasing", bisect="bisect_left", key="x"),
        ),
        Variant(
            names=("longest_non_decreasing", "lnds_length", "longest_non_falling"),
            phrasings=(
                "returns the length of the longest non-decreasing subsequence of `nums` (each element at least as large as the one before it); the elements need not be adjacent, and an empty list gives 0.",
                "finds the longest subsequence of `nums` (not necessarily contiguous) in which no element is smaller than the one before it, and returns its length.",
            ),
            reference=lambda c, nums: _longest_ordered(nums, operator.le),
            code=py(cmp="<=", doc="non-decreasing", bisect="bisect_right", key="x"),
        ),
        Variant(
            names=("longest_decreasing", "lds_length", "longest_falling"),
            phrasings=(
                "returns the length of the longest strictly decreasing subsequence of `nums`; the elements need not be adjacent, and an empty list gives 0.",
                "finds the longest subsequence of `nums` (not necessarily contiguous) in which every element is smaller than the one before it, and returns its length.",
            ),
            reference=lambda c, nums: _longest_ordered(nums, operator.gt),
            code=py(cmp=">", doc="strictly decreasing", bisect="bisect_left", key="-x"),
        ),
    ),
)


def _subset_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Distinct positive numbers with reachable targets (sums of a random part), an arbitrary one, and []."""
    lists = [rng.sample(range(1, 13), rng.randint(3, 6)) for _ in range(3)]
    return [
        (lists[0], sum(rng.sample(lists[0], 2))),
        (lists[1], sum(rng.sample(lists[1], 3))),
        (lists[2], rng.randint(1, 30)),
        ([], rng.choice((0, 3))),
    ]


def _subsets_with_sum(nums: list[int], target: int) -> list[list[int]]:
    return sorted(
        sorted(subset)
        for r in range(len(nums) + 1)
        for subset in combinations(nums, r)
        if sum(subset) == target
    )


SUBSETS = SpecFamily(
    name="subsets",
    difficulty="hard",
    topic="recursion",
    params=(("nums", "list[int]"), ("target", "int")),
    returns="int",
    cases=_subset_cases,
    code=py(
        clean="""
            $def
                def $helper(i: int, remaining: int) -> $kind:
                    if i == len(nums):
                        return $base
                    return $helper(i + 1, remaining - nums[i]) $join $helper(i + 1, remaining)

                return $helper(0, target)
        """,
        documented='''
            $def
                """Return $doc."""

                def $helper(i: int, remaining: int) -> $kind:
                    if i == len(nums):
                        return $base
                    # Either nums[i] is in the subset or it is not.
                    return $helper(i + 1, remaining - nums[i]) $join $helper(i + 1, remaining)

                return $helper(0, target)
        ''',
    ),
    variants=(
        Variant(
            names=("count_subsets", "subset_sum_count", "ways_to_sum"),
            phrasings=(
                "returns the number of subsets of `nums`, a list of distinct positive integers, whose elements add up to `target`; the empty subset has sum 0.",
                "counts the ways to choose some elements of `nums` (distinct positive integers, each used at most once, order irrelevant) so that they sum to exactly `target`, and returns that count.",
            ),
            reference=lambda c, nums, target: len(_subsets_with_sum(nums, target)),
            code=py(
                helper="count",
                kind="int",
                base="1 if remaining == 0 else 0",
                join="+",
                doc="how many subsets of nums sum to target",
                optimized="""
                    $def
                        counts = {0: 1}
                        # O(n * S) for S distinct partial sums: count the subsets that reach each sum.
                        for x in nums:
                            for total, ways in list(counts.items()):
                                counts[total + x] = counts.get(total + x, 0) + ways
                        return counts.get(target, 0)
                """,
            ),
        ),
        Variant(
            names=("has_subset_sum", "can_sum", "subset_sum_exists"),
            returns="bool",
            phrasings=(
                "returns True if some subset of `nums`, a list of distinct positive integers, adds up to exactly `target`, and False otherwise; the empty subset has sum 0.",
                "decides whether `target` can be written as the sum of some elements of `nums` (distinct positive integers, each used at most once) and returns True or False.",
            ),
            reference=lambda c, nums, target: bool(_subsets_with_sum(nums, target)),
            code=py(
                helper="search",
                kind="bool",
                base="remaining == 0",
                join="or",
                doc="whether some subset of nums sums to target",
                optimized="""
                    $def
                        sums = {0}
                        # O(n * S) for S distinct partial sums, instead of trying all 2^n subsets.
                        for x in nums:
                            sums |= {total + x for total in sums}
                        return target in sums
                """,
            ),
        ),
        Variant(
            names=("subsets_with_sum", "find_subsets", "subset_sums"),
            returns="list[list[int]]",
            phrasings=(
                "returns all subsets of `nums`, a list of distinct positive integers, whose elements add up to `target`. Each subset is a list in increasing order and the result lists the subsets in sorted (lexicographic) order; the empty subset has sum 0.",
                "finds every way to pick elements of `nums` (distinct positive integers, each at most once) that sum to exactly `target` and returns them as a sorted list of increasing lists.",
            ),
            reference=lambda c, nums, target: _subsets_with_sum(nums, target),
            code=py(
                clean="""
                    $def
                        found = []

                        def search(i: int, chosen: list[int], remaining: int) -> None:
                            if i == len(nums):
                                if remaining == 0:
                                    found.append(sorted(chosen))
                                return
                            search(i + 1, [*chosen, nums[i]], remaining - nums[i])
                            search(i + 1, chosen, remaining)

                        search(0, [], target)
                        return sorted(found)
                """,
                documented='''
                    $def
                        """Return the subsets of nums that sum to target, each sorted, in sorted order."""
                        found = []

                        def search(i: int, chosen: list[int], remaining: int) -> None:
                            if i == len(nums):
                                if remaining == 0:
                                    found.append(sorted(chosen))
                                return
                            # Branch: take nums[i], or leave it out.
                            search(i + 1, [*chosen, nums[i]], remaining - nums[i])
                            search(i + 1, chosen, remaining)

                        search(0, [], target)
                        return sorted(found)
                ''',
                optimized="""
                    from itertools import combinations, pairwise


                    $def
                        values = sorted(nums)
                        # O(2^n * n): every subset is checked once, which listing them all needs anyway.
                        return sorted(list(c) for r in range(len(values) + 1) for c in combinations(values, r) if sum(c) == target)
                """,
            ),
        ),
    ),
)
