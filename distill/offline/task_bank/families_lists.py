"""Task families about lists."""

from __future__ import annotations

import random
from itertools import accumulate

from distill.offline.task_bank import inputs
from distill.offline.task_bank.spec import NUMS, Case, Consts, SpecFamily, Variant, py

ORDINALS = {2: ("2nd", "second"), 3: ("3rd", "third")}


def _int_list_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Three short lists of small integers, negatives included, and the empty list."""
    return [(inputs.ints(rng, 3, 8, -10, 30),) for _ in range(3)] + [([],)]


MULTIPLES = SpecFamily(
    name="multiples",
    difficulty="easy",
    topic="lists",
    params=NUMS,
    returns="int",
    draw=lambda rng: {"k": rng.randint(2, 7)},
    cases=_int_list_cases,
    code=py(
        clean="""
            $def
                return sum($term for x in nums if x % $k == 0)
        """,
        documented='''
            $def
                """Return the $doc of the elements of nums that are divisible by $k."""
                total = 0
                for x in nums:
                    # Only multiples of $k contribute.
                    if x % $k == 0:
                        total += $term
                return total
        ''',
        optimized="""
            $def
                # O(n): a single pass with no intermediate list.
                return sum($term for x in nums if not x % $k)
        """,
    ),
    variants=(
        Variant(
            names=("sum_multiples", "sum_divisible", "multiples_total"),
            phrasings=(
                "returns the sum of the elements of `nums` that are divisible by $k (0 if there are none).",
                "adds up every number in `nums` that is a multiple of $k and returns the total; an empty list gives 0.",
            ),
            reference=lambda c, nums: sum(x for x in nums if x % c["k"] == 0),
            code=py(term="x", doc="sum"),
        ),
        Variant(
            names=("count_multiples", "count_divisible", "num_multiples"),
            phrasings=(
                "returns how many elements of `nums` are divisible by $k.",
                "counts the multiples of $k in `nums` (negative numbers and 0 included) and returns the count.",
            ),
            reference=lambda c, nums: len([x for x in nums if x % c["k"] == 0]),
            code=py(term="1", doc="count"),
        ),
        Variant(
            names=("sum_squared_multiples", "multiples_square_sum", "sum_divisible_squares"),
            phrasings=(
                "returns the sum of the squares of the elements of `nums` that are divisible by $k (0 if there are none).",
                "squares every multiple of $k in `nums` and returns the sum of those squares; an empty list gives 0.",
            ),
            reference=lambda c, nums: sum(x**2 for x in nums if x % c["k"] == 0),
            code=py(term="x * x", doc="sum of the squares"),
        ),
    ),
)


def _threshold_consts(rng: random.Random) -> Consts:
    low = rng.randint(0, 15)
    return {"t": low, "hi": low + rng.randint(3, 10)}


THRESHOLD = SpecFamily(
    name="threshold",
    difficulty="easy",
    topic="lists",
    params=NUMS,
    returns="list[int]",
    draw=_threshold_consts,
    cases=_int_list_cases,
    code=py(
        clean="""
            $def
                return [x for x in nums if $cond]
        """,
        documented='''
            $def
                """Return the elements of nums that are $doc, in their original order."""
                result = []
                for x in nums:
                    # Keep x only if it passes the test.
                    if $cond:
                        result.append(x)
                return result
        ''',
        optimized="""
            $def
                # O(n): one pass that builds the result directly.
                return [x for x in nums if $cond]
        """,
    ),
    variants=(
        Variant(
            names=("values_above", "filter_above", "greater_than"),
            phrasings=(
                "returns a list of the elements of `nums` that are greater than $t, in their original order.",
                "keeps only the numbers in `nums` strictly above $t and returns them as a new list, preserving their order.",
            ),
            reference=lambda c, nums: [x for x in nums if x > c["t"]],
            code=py(cond="x > $t", doc="greater than $t"),
        ),
        Variant(
            names=("values_below", "filter_below", "less_than"),
            phrasings=(
                "returns a list of the elements of `nums` that are smaller than $t, in their original order.",
                "keeps only the numbers in `nums` strictly below $t and returns them as a new list, preserving their order.",
            ),
            reference=lambda c, nums: [x for x in nums if x < c["t"]],
            code=py(cond="x < $t", doc="smaller than $t"),
        ),
        Variant(
            names=("values_between", "filter_range", "in_range"),
            phrasings=(
                "returns a list of the elements of `nums` that lie between $t and $hi, both included, in their original order.",
                "keeps only the numbers x in `nums` with $t <= x <= $hi and returns them as a new list, preserving their order.",
            ),
            reference=lambda c, nums: [x for x in nums if c["t"] <= x <= c["hi"]],
            code=py(cond="$t <= x <= $hi", doc="between $t and $hi inclusive"),
        ),
    ),
)

RUNNING = SpecFamily(
    name="running",
    difficulty="easy",
    topic="lists",
    params=NUMS,
    returns="list[int]",
    cases=_int_list_cases,
    code=py(
        clean="""
            $def
                result = []
                for x in nums:
                    result.append(x if not result else $combine)
                return result
        """,
        documented='''
            $def
                """Return the running $doc of nums: element i covers nums[0] through nums[i]."""
                result = []
                for x in nums:
                    # The first element starts the sequence; later ones combine with the previous result.
                    result.append(x if not result else $combine)
                return result
        ''',
        optimized="""
            from itertools import accumulate


            $def
                # O(n): accumulate carries the running value along in one pass.
                return list(accumulate($args))
        """,
    ),
    variants=(
        Variant(
            names=("running_sum", "prefix_sums", "cumulative_sum"),
            phrasings=(
                "returns the list of running sums of `nums`: element i of the result is nums[0] + ... + nums[i]. An empty list gives an empty list.",
                "returns a new list whose i-th element is the sum of the first i + 1 elements of `nums` (the cumulative sums).",
            ),
            reference=lambda c, nums: list(accumulate(nums)),
            code=py(combine="result[-1] + x", args="nums", doc="sums"),
        ),
        Variant(
            names=("running_max", "prefix_max", "cumulative_max"),
            phrasings=(
                "returns the list of running maxima of `nums`: element i of the result is the largest of nums[0], ..., nums[i]. An empty list gives an empty list.",
                "returns a new list whose i-th element is the maximum of the first i + 1 elements of `nums`.",
            ),
            reference=lambda c, nums: [max(nums[: i + 1]) for i in range(len(nums))],
            code=py(combine="max(result[-1], x)", args="nums, max", doc="maxima"),
        ),
        Variant(
            names=("running_min", "prefix_min", "cumulative_min"),
            phrasings=(
                "returns the list of running minima of `nums`: element i of the result is the smallest of nums[0], ..., nums[i]. An empty list gives an empty list.",
                "returns a new list whose i-th element is the minimum of the first i + 1 elements of `nums`.",
            ),
            reference=lambda c, nums: [min(nums[: i + 1]) for i in range(len(nums))],
            code=py(combine="min(result[-1], x)", args="nums, min", doc="minima"),
        ),
    ),
)


def _rank_consts(rng: random.Random) -> Consts:
    k = rng.choice((2, 3))
    return {"k": k, "kth": ORDINALS[k][0], "ordinal": ORDINALS[k][1], "index": k - 1}


RANKED = SpecFamily(
    name="ranked",
    difficulty="medium",
    topic="lists",
    params=NUMS,
    returns="int | None",
    draw=_rank_consts,
    cases=lambda rng, c: [
        *((inputs.ints(rng, 4, 8, 0, 12),) for _ in range(3)),
        ([rng.randint(0, 9)] * rng.randint(1, 3),),
        ([],),
    ],
    code=py(
        clean="""
            $def
                values = sorted(set(nums)$reverse)
                return values[$index] if len(values) >= $k else None
        """,
        documented='''
            $def
                """Return the distinct value of nums at rank $k from the $end, or None if there are fewer than $k."""
                # set() removes duplicates, so equal values share one rank.
                values = sorted(set(nums)$reverse)
                return values[$index] if len(values) >= $k else None
        ''',
        optimized="""
            from heapq import $heap


            $def
                # O(n log k): a heap keeps only the $k best distinct values.
                best = $heap($k, set(nums))
                return best[-1] if len(best) == $k else None
        """,
    ),
    variants=(
        Variant(
            names=("${ordinal}_largest", "${ordinal}_largest_distinct", "kth_largest"),
            phrasings=(
                "returns the $kth largest distinct value in `nums` (duplicates count once), or None if `nums` has fewer than $k distinct values.",
                "finds the $ordinal-largest value among the distinct elements of `nums` and returns it; if there are fewer than $k distinct values it returns None.",
            ),
            reference=lambda c, nums: sorted(set(nums))[-c["k"]] if len(set(nums)) >= c["k"] else None,
            code=py(reverse=", reverse=True", end="top", heap="nlargest"),
        ),
        Variant(
            names=("${ordinal}_smallest", "${ordinal}_smallest_distinct", "kth_smallest"),
            phrasings=(
                "returns the $kth smallest distinct value in `nums` (duplicates count once), or None if `nums` has fewer than $k distinct values.",
                "finds the $ordinal-smallest value among the distinct elements of `nums` and returns it; if there are fewer than $k distinct values it returns None.",
            ),
            reference=lambda c, nums: sorted(set(nums))[c["k"] - 1] if len(set(nums)) >= c["k"] else None,
            code=py(reverse="", end="bottom", heap="nsmallest"),
        ),
    ),
)

CHUNKS = SpecFamily(
    name="chunks",
    difficulty="medium",
    topic="lists",
    params=NUMS,
    returns="list[int]",
    draw=lambda rng: {"size": rng.randint(2, 4)},
    cases=_int_list_cases,
    code=py(
        clean="""
            $def
                return [$chunk for i in range(0, len(nums), $size)]
        """,
        documented='''
            $def
                """Split nums into consecutive chunks of $size elements and return $doc."""
                result = []
                # Chunks start at 0, $size, 2 * $size, ...; the last one may be shorter.
                for i in range(0, len(nums), $size):
                    result.append($chunk)
                return result
        ''',
        optimized="""
            $def
                # O(n): every element is read exactly once.
                return [$chunk for i in range(0, len(nums), $size)]
        """,
    ),
    variants=(
        Variant(
            names=("chunk_list", "split_chunks", "chunked"),
            returns="list[list[int]]",
            phrasings=(
                "splits `nums` into consecutive chunks of $size elements (the last chunk may be shorter) and returns the list of chunks.",
                "returns `nums` cut into pieces of length $size, in order, as a list of lists; only the last piece may have fewer than $size elements.",
            ),
            reference=lambda c, nums: [nums[i : i + c["size"]] for i in range(0, len(nums), c["size"])],
            code=py(chunk="nums[i : i + $size]", doc="the chunks"),
        ),
        Variant(
            names=("chunk_sums", "group_sums", "block_sums"),
            phrasings=(
                "splits `nums` into consecutive chunks of $size elements (the last chunk may be shorter) and returns the list of the chunks' sums.",
                "returns, for each consecutive group of $size elements of `nums` (the last group may be shorter), the sum of that group, as a list.",
            ),
            reference=lambda c, nums: [sum(nums[i : i + c["size"]]) for i in range(0, len(nums), c["size"])],
            code=py(chunk="sum(nums[i : i + $size])", doc="the sum of each chunk"),
        ),
        Variant(
            names=("chunk_maxima", "group_max", "block_max"),
            phrasings=(
                "splits `nums` into consecutive chunks of $size elements (the last chunk may be shorter) and returns the list of the chunks' maxima.",
                "returns, for each consecutive group of $size elements of `nums` (the last group may be shorter), the largest element of that group, as a list.",
            ),
            reference=lambda c, nums: [max(nums[i : i + c["size"]]) for i in range(0, len(nums), c["size"])],
            code=py(chunk="max(nums[i : i + $size])", doc="the maximum of each chunk"),
        ),
    ),
)
