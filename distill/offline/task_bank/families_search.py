"""Task families about searching and sorting."""

from __future__ import annotations

import random
from collections import deque

from distill.offline.task_bank import inputs
from distill.offline.task_bank.spec import Case, Consts, SpecFamily, Variant, py


def _search_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Lists of small values with repeats; targets present, possibly absent, and an empty list."""
    lists = [inputs.ints(rng, 4, 8, 0, 6) for _ in range(3)]
    return [
        (lists[0], rng.choice(lists[0])),
        (lists[1], rng.choice(lists[1])),
        (lists[2], rng.randint(0, 9)),
        ([], rng.randint(0, 6)),
    ]


FIND_INDEX = SpecFamily(
    name="find_index",
    difficulty="easy",
    topic="searching",
    params=(("items", "list[int]"), ("target", "int")),
    returns="int",
    cases=_search_cases,
    variants=(
        Variant(
            names=("find_first", "index_of", "first_index"),
            phrasings=(
                "returns the index of the first occurrence of `target` in `items`, or -1 if `target` does not occur.",
                "searches `items` from the left and returns the position of the first element equal to `target`; it returns -1 when there is none.",
            ),
            reference=lambda c, items, target: items.index(target) if target in items else -1,
            code=py(
                clean="""
                    $def
                        for i, x in enumerate(items):
                            if x == target:
                                return i
                        return -1
                """,
                documented='''
                    $def
                        """Return the index of the first occurrence of target in items, or -1."""
                        # Scan from the left: the first match is the answer.
                        for i, x in enumerate(items):
                            if x == target:
                                return i
                        return -1
                ''',
                optimized="""
                    $def
                        # O(n) worst case: list.index scans in C and stops at the first match.
                        try:
                            return items.index(target)
                        except ValueError:
                            return -1
                """,
            ),
        ),
        Variant(
            names=("find_last", "last_index_of", "last_index"),
            phrasings=(
                "returns the index of the last occurrence of `target` in `items`, or -1 if `target` does not occur.",
                "searches `items` from the right and returns the position of the last element equal to `target`; it returns -1 when there is none.",
            ),
            reference=lambda c, items, target: max(
                (i for i, x in enumerate(items) if x == target), default=-1
            ),
            code=py(
                clean="""
                    $def
                        for i in range(len(items) - 1, -1, -1):
                            if items[i] == target:
                                return i
                        return -1
                """,
                documented='''
                    $def
                        """Return the index of the last occurrence of target in items, or -1."""
                        # Scan from the right: the first match found is the last occurrence.
                        for i in range(len(items) - 1, -1, -1):
                            if items[i] == target:
                                return i
                        return -1
                ''',
                optimized="""
                    $def
                        # O(n) worst case: search the reversed list in C, then map the index back.
                        try:
                            return len(items) - 1 - items[::-1].index(target)
                        except ValueError:
                            return -1
                """,
            ),
        ),
        Variant(
            names=("count_occurrences", "occurrences_of", "count_equal"),
            phrasings=(
                "returns how many times `target` occurs in `items`.",
                "counts the elements of `items` that are equal to `target` and returns the count (0 if there are none).",
            ),
            reference=lambda c, items, target: len([x for x in items if x == target]),
            code=py(
                clean="""
                    $def
                        return sum(1 for x in items if x == target)
                """,
                documented='''
                    $def
                        """Return the number of elements of items equal to target."""
                        count = 0
                        for x in items:
                            # Each match adds one.
                            if x == target:
                                count += 1
                        return count
                ''',
                optimized="""
                    $def
                        # O(n): list.count scans in C.
                        return items.count(target)
                """,
            ),
        ),
    ),
)


def _sorted_search_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Sorted lists of distinct values with a present, an absent and an out-of-range target."""
    lists = [sorted(rng.sample(range(30), rng.randint(3, 8))) for _ in range(3)]
    absent = [x for x in range(30) if x not in lists[1]]
    return [
        (lists[0], rng.choice(lists[0])),
        (lists[1], rng.choice(absent)),
        (lists[2], rng.randint(30, 40)),
        ([], 5),
    ]


BINARY_SEARCH = SpecFamily(
    name="binary_search",
    difficulty="medium",
    topic="searching",
    params=(("nums", "list[int]"), ("target", "int")),
    returns="int",
    cases=_sorted_search_cases,
    code=py(
        clean="""
            $def
                lo, hi = 0, len(nums)
                while lo < hi:
                    mid = (lo + hi) // 2
                    if nums[mid] $cmp target:
                        lo = mid + 1
                    else:
                        hi = mid
                return lo
        """,
        documented='''
            $def
                """Return how many elements of the sorted list nums are $doc target."""
                lo, hi = 0, len(nums)
                # Invariant: nums[:lo] are all $doc target and nums[hi:] are not.
                while lo < hi:
                    mid = (lo + hi) // 2
                    if nums[mid] $cmp target:
                        lo = mid + 1
                    else:
                        hi = mid
                return lo
        ''',
        optimized="""
            from bisect import $bisect


            $def
                # O(log n): the standard library's binary search.
                return $bisect(nums, target)
        """,
    ),
    variants=(
        Variant(
            names=("binary_search", "search_sorted", "find_sorted"),
            phrasings=(
                "returns the index of `target` in `nums`, a list of distinct integers sorted in increasing order, or -1 if `target` is not in it. Use binary search, so that it runs in O(log n).",
                "finds `target` in the sorted list of distinct integers `nums` by binary search and returns its index, or -1 when it is absent.",
            ),
            reference=lambda c, nums, target: nums.index(target) if target in nums else -1,
            code=py(
                clean="""
                    $def
                        lo, hi = 0, len(nums) - 1
                        while lo <= hi:
                            mid = (lo + hi) // 2
                            if nums[mid] == target:
                                return mid
                            if nums[mid] < target:
                                lo = mid + 1
                            else:
                                hi = mid - 1
                        return -1
                """,
                documented='''
                    $def
                        """Return the index of target in the sorted list nums, or -1 if it is absent."""
                        lo, hi = 0, len(nums) - 1
                        # Each step halves the range nums[lo:hi + 1] that could still hold target.
                        while lo <= hi:
                            mid = (lo + hi) // 2
                            if nums[mid] == target:
                                return mid
                            if nums[mid] < target:
                                lo = mid + 1
                            else:
                                hi = mid - 1
                        return -1
                ''',
                optimized="""
                    from bisect import bisect_left


                    $def
                        # O(log n): bisect finds the only place target could be.
                        i = bisect_left(nums, target)
                        return i if i < len(nums) and nums[i] == target else -1
                """,
            ),
        ),
        Variant(
            names=("insertion_point", "lower_bound", "count_less"),
            phrasings=(
                "returns the number of elements of `nums`, a list sorted in increasing order, that are smaller than `target`; this is the index where `target` would be inserted before any equal element. Use binary search.",
                "uses binary search on the sorted list `nums` to return the leftmost index at which `target` could be inserted while keeping `nums` sorted.",
            ),
            reference=lambda c, nums, target: len([x for x in nums if x < target]),
            code=py(cmp="<", doc="less than", bisect="bisect_left"),
        ),
        Variant(
            names=("upper_bound", "insertion_point_right", "count_at_most"),
            phrasings=(
                "returns the number of elements of `nums`, a list sorted in increasing order, that are smaller than or equal to `target`; this is the index where `target` would be inserted after any equal element. Use binary search.",
                "uses binary search on the sorted list `nums` to return the rightmost index at which `target` could be inserted while keeping `nums` sorted.",
            ),
            reference=lambda c, nums, target: len([x for x in nums if x <= target]),
            code=py(cmp="<=", doc="at most", bisect="bisect_right"),
        ),
    ),
)


def _two_sorted_cases(rng: random.Random, c: Consts) -> list[Case]:
    pairs = [(sorted(inputs.ints(rng, 1, 6, 0, 12)), sorted(inputs.ints(rng, 1, 6, 0, 12))) for _ in range(3)]
    return [*pairs, ([], sorted(inputs.ints(rng, 1, 4, 0, 12)))]


MERGE_SORTED = SpecFamily(
    name="merge_sorted",
    difficulty="medium",
    topic="sorting",
    params=(("a", "list[int]"), ("b", "list[int]")),
    returns="list[int]",
    cases=_two_sorted_cases,
    code=py(
        clean="""
            $def
                return $expr
        """,
        documented='''
            $def
                """Return $doc."""
                # $why
                return $expr
        ''',
    ),
    variants=(
        Variant(
            names=("merge_sorted", "merge_lists", "merge_two_sorted"),
            phrasings=(
                "takes two lists `a` and `b`, each sorted in increasing order, and returns one sorted list with all the elements of both, duplicates included.",
                "merges the sorted lists `a` and `b` into a single list sorted in increasing order that keeps every element, repeated values too.",
            ),
            reference=lambda c, a, b: sorted(a + b),
            code=py(
                expr="sorted(a + b)",
                doc="all elements of the sorted lists a and b in one sorted list",
                why="Timsort detects the two sorted runs, so this sort is nearly linear.",
                optimized="""
                    from heapq import merge


                    $def
                        # O(n + m): heapq.merge walks both sorted lists once.
                        return list(merge(a, b))
                """,
            ),
        ),
        Variant(
            names=("sorted_union", "merge_unique", "union_sorted"),
            phrasings=(
                "returns the sorted list of the distinct values that occur in `a` or in `b`, two lists sorted in increasing order.",
                "merges the sorted lists `a` and `b` and returns the result without duplicates, in increasing order.",
            ),
            reference=lambda c, a, b: sorted(set(a).union(b)),
            code=py(
                expr="sorted(set(a) | set(b))",
                doc="the distinct values of a and b in increasing order",
                why="The set union drops duplicates; sorted() restores the order.",
                optimized="""
                    from heapq import merge


                    $def
                        # O(n + m): merge the sorted lists, then drop repeats while keeping the order.
                        return list(dict.fromkeys(merge(a, b)))
                """,
            ),
        ),
        Variant(
            names=("sorted_intersection", "common_values", "intersect_sorted"),
            phrasings=(
                "returns the sorted list of the distinct values that occur in both `a` and `b`, two lists sorted in increasing order.",
                "returns, in increasing order and without repeats, the values common to the sorted lists `a` and `b`.",
            ),
            reference=lambda c, a, b: sorted(set(a).intersection(b)),
            code=py(
                expr="sorted(set(a) & set(b))",
                doc="the distinct values found in both a and b, in increasing order",
                why="The set intersection keeps each common value once; sorted() restores the order.",
                optimized="""
                    $def
                        in_b = set(b)
                        # O(n + m): a is already sorted, so filtering its distinct values keeps the order.
                        return [x for x in dict.fromkeys(a) if x in in_b]
                """,
            ),
        ),
    ),
)

SORT_WORDS = SpecFamily(
    name="sort_words",
    difficulty="medium",
    topic="sorting",
    params=(("words", "list[str]"),),
    returns="list[str]",
    cases=lambda rng, c: [(inputs.words(rng, 3, 6),) for _ in range(3)] + [([],)],
    code=py(
        clean="""
            $def
                return sorted(words, key=lambda word: $key)
        """,
        documented='''
            $def
                """Return the words sorted by $doc, ties broken alphabetically."""
                # Tuples compare item by item, so the word itself breaks ties.
                return sorted(words, key=lambda word: $key)
        ''',
        optimized="""
            $def
                # O(n log n): the key is computed once per word, not once per comparison.
                return sorted(words, key=lambda word: $key)
        """,
    ),
    variants=(
        Variant(
            names=("sort_by_length", "order_by_length", "length_sorted"),
            phrasings=(
                "returns the words of `words` sorted by length, shortest first, with words of equal length in alphabetical order.",
                "sorts `words` by increasing length and, among words of the same length, alphabetically, and returns the sorted list without modifying the input.",
            ),
            reference=lambda c, words: sorted(sorted(words), key=len),
            code=py(key="(len(word), word)", doc="length"),
        ),
        Variant(
            names=("sort_by_last_letter", "order_by_ending", "sort_by_final_letter"),
            phrasings=(
                "returns the words of `words` sorted by their last letter, with words that end in the same letter in alphabetical order.",
                "sorts `words` alphabetically by final letter, breaking ties by comparing the whole words alphabetically, and returns the sorted list.",
            ),
            reference=lambda c, words: sorted(sorted(words), key=lambda word: word[-1]),
            code=py(key="(word[-1], word)", doc="last letter"),
        ),
        Variant(
            names=("sort_by_vowels", "order_by_vowel_count", "vowel_sorted"),
            phrasings=(
                "returns the words of `words` sorted by their number of vowels (a, e, i, o, u), most vowels first, with ties in alphabetical order.",
                "sorts `words` so that words with more vowels (a, e, i, o, u) come first and words with equally many vowels are in alphabetical order, and returns the sorted list.",
            ),
            reference=lambda c, words: sorted(sorted(words), key=lambda word: -sum(map(word.count, "aeiou"))),
            code=py(key='(-sum(ch in "aeiou" for ch in word), word)', doc="vowel count (most first)"),
        ),
    ),
)


def _merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _interval_cases(rng: random.Random, c: Consts) -> list[Case]:
    def intervals() -> list[list[int]]:
        starts = [rng.randint(0, 20) for _ in range(rng.randint(2, 5))]
        return [[start, start + rng.randint(0, 6)] for start in starts]

    return [(intervals(),) for _ in range(3)] + [([],)]


INTERVALS = SpecFamily(
    name="intervals",
    difficulty="hard",
    topic="sorting",
    params=(("intervals", "list[list[int]]"),),
    returns="list[list[int]]",
    cases=_interval_cases,
    code=py(
        clean="""
            $def
                merged = []
                for start, end in sorted(intervals):
                    if merged and start <= merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], end)
                    else:
                        merged.append([start, end])
                return $result
        """,
        documented='''
            $def
                """Merge the overlapping [start, end] intervals and return $doc."""
                merged = []
                # Sorted by start, overlapping intervals become neighbours.
                for start, end in sorted(intervals):
                    if merged and start <= merged[-1][1]:
                        # It overlaps or touches the last merged interval: extend that one.
                        merged[-1][1] = max(merged[-1][1], end)
                    else:
                        merged.append([start, end])
                return $result
        ''',
        optimized="""
            $def
                merged = []
                # O(n log n): one sort, then a single linear sweep.
                for start, end in sorted(intervals):
                    if merged and start <= merged[-1][1]:
                        if end > merged[-1][1]:
                            merged[-1][1] = end
                    else:
                        merged.append([start, end])
                return $result
        """,
    ),
    variants=(
        Variant(
            names=("merge_intervals", "merge_ranges", "union_intervals"),
            phrasings=(
                "merges the overlapping intervals of `intervals`, a list of `[start, end]` pairs with start <= end, and returns the merged intervals sorted by start. Intervals that merely touch, such as `[1, 3]` and `[3, 5]`, are merged too.",
                "returns the union of the closed intervals `[start, end]` in `intervals` as a list of disjoint `[start, end]` intervals in increasing order, merging any intervals that overlap or share an endpoint.",
            ),
            reference=lambda c, intervals: _merge_intervals(intervals),
            code=py(result="merged", doc="them sorted by start"),
        ),
        Variant(
            names=("covered_length", "total_coverage", "union_length"),
            returns="int",
            phrasings=(
                "returns the total length covered by the closed intervals `[start, end]` of `intervals`, where a stretch covered several times counts once; for example `[[1, 4], [2, 6]]` covers a length of 5.",
                "merges the overlapping `[start, end]` intervals of `intervals` and returns the sum of `end - start` over the merged intervals (0 for an empty list).",
            ),
            reference=lambda c, intervals: sum(end - start for start, end in _merge_intervals(intervals)),
            code=py(result="sum(end - start for start, end in merged)", doc="the total length they cover"),
        ),
    ),
)


def _reachable(grid: list[str]) -> dict[tuple[int, int], int]:
    """Breadth-first distances from the top-left cell to every open cell reachable from it."""
    if grid[0][0] == "#":
        return {}
    dist = {(0, 0): 0}
    queue = deque([(0, 0)])
    while queue:
        r, c = queue.popleft()
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if (
                0 <= nr < len(grid)
                and 0 <= nc < len(grid[0])
                and grid[nr][nc] == "."
                and (nr, nc) not in dist
            ):
                dist[(nr, nc)] = dist[(r, c)] + 1
                queue.append((nr, nc))
    return dist


def _maze_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Two mazes with open corners, one as drawn (a corner may be a wall), and a single open cell."""
    mazes = [inputs.grid(rng, 0.3) for _ in range(3)]
    for maze in mazes[:2]:
        maze[0] = "." + maze[0][1:]
        maze[-1] = maze[-1][:-1] + "."
    return [(maze,) for maze in mazes] + [(["."],)]


GRID_PATH = SpecFamily(
    name="grid_path",
    difficulty="hard",
    topic="searching",
    params=(("grid", "list[str]"),),
    returns="int",
    cases=_maze_cases,
    code=py(
        clean="""
            from collections import deque


            $def
                rows, cols = len(grid), len(grid[0])
                if grid[0][0] == "#":
                    return $blocked
                dist = {(0, 0): 0}
                queue = deque([(0, 0)])
                while queue:
                    r, c = queue.popleft()
                    for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                        if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == "." and (nr, nc) not in dist:
                            dist[(nr, nc)] = dist[(r, c)] + 1
                            queue.append((nr, nc))
                return $result
        """,
        documented='''
            from collections import deque


            $def
                """Breadth-first search from the top-left cell of grid; return $doc."""
                rows, cols = len(grid), len(grid[0])
                if grid[0][0] == "#":
                    return $blocked
                # dist maps each reached cell to its number of steps from the start.
                dist = {(0, 0): 0}
                queue = deque([(0, 0)])
                while queue:
                    r, c = queue.popleft()
                    for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                        # Step onto open cells inside the grid that were not reached before.
                        if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == "." and (nr, nc) not in dist:
                            dist[(nr, nc)] = dist[(r, c)] + 1
                            queue.append((nr, nc))
                return $result
        ''',
        optimized="""
            from collections import deque


            $def
                rows, cols = len(grid), len(grid[0])
                if grid[0][0] == "#":
                    return $blocked
                dist = {(0, 0): 0}
                queue = deque([(0, 0)])
                # O(rows * cols): breadth-first search enqueues every cell at most once.
                while queue:
                    r, c = queue.popleft()
                    step = dist[(r, c)] + 1
                    for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                        if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == "." and (nr, nc) not in dist:
                            dist[(nr, nc)] = step
                            queue.append((nr, nc))
                return $result
        """,
    ),
    variants=(
        Variant(
            names=("shortest_path", "min_steps", "maze_distance"),
            phrasings=(
                "returns the minimum number of steps needed to walk from the top-left cell to the bottom-right cell of `grid`, moving one cell up, down, left or right at a time through open cells only. `grid` is a list of equally long strings in which `.` is an open cell and `#` a wall; return -1 if the bottom-right cell cannot be reached or either corner is a wall.",
                "finds a shortest path from the top-left to the bottom-right corner of the maze `grid` (equally long strings of `.` for open cells and `#` for walls; moves go up, down, left or right) and returns its number of steps, or -1 when there is no path. A 1x1 open grid needs 0 steps.",
            ),
            reference=lambda c, grid: _reachable(grid).get((len(grid) - 1, len(grid[0]) - 1), -1),
            code=py(
                blocked="-1",
                result="dist.get((rows - 1, cols - 1), -1)",
                doc="the steps to the bottom-right cell, or -1",
            ),
        ),
        Variant(
            names=("reachable_cells", "count_reachable", "flood_fill_size"),
            phrasings=(
                "returns how many open cells (`.`) of `grid` can be reached from the top-left cell by moving up, down, left or right through open cells, the start included. `grid` is a list of equally long strings where `#` is a wall; the answer is 0 if the top-left cell is a wall.",
                "counts the open cells of the maze `grid` (equally long strings of `.` for open cells and `#` for walls) that are connected to the top-left cell by up/down/left/right moves through open cells, the top-left cell included, and returns the count (0 when it is a wall).",
            ),
            reference=lambda c, grid: len(_reachable(grid)),
            code=py(blocked="0", result="len(dist)", doc="the number of reachable open cells"),
        ),
    ),
)
