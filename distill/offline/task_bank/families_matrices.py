"""Task families about matrices and grids."""

from __future__ import annotations

import random

from distill.offline.task_bank import inputs
from distill.offline.task_bank.spec import Case, Consts, SpecFamily, Variant, py

MATRIX = (("matrix", "list[list[int]]"),)
MOVES_4 = ((1, 0), (-1, 0), (0, 1), (0, -1))
MOVES_8 = (*MOVES_4, (1, 1), (1, -1), (-1, 1), (-1, -1))
CLOCKWISE = ((0, 1), (1, 0), (0, -1), (-1, 0))  # right, down, left, up
COUNTER_CLOCKWISE = ((1, 0), (0, 1), (-1, 0), (0, -1))  # down, right, up, left


def _matrix_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Three rectangular matrices of 1-4 rows and columns, and the empty matrix."""

    def matrix() -> list[list[int]]:
        cols = rng.randint(1, 4)
        return [[rng.randint(0, 9) for _ in range(cols)] for _ in range(rng.randint(1, 4))]

    return [(matrix(),) for _ in range(3)] + [([],)]


MATRIX_OPS = SpecFamily(
    name="matrix_ops",
    difficulty="medium",
    topic="matrices",
    params=MATRIX,
    returns="list[int]",
    cases=_matrix_cases,
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
        optimized="""
            $def
                # O(rows * cols): every element is read once.
                return $fast
        """,
    ),
    variants=(
        Variant(
            names=("row_sums", "sum_rows", "row_totals"),
            phrasings=(
                "returns a list with the sum of each row of `matrix`, a list of rows of integers, in row order (an empty list for an empty matrix).",
                "adds up the numbers in every row of `matrix` (a list of equally long lists of integers) and returns the row totals as a list.",
            ),
            reference=lambda c, matrix: [sum(row) for row in matrix],
            code=py(
                expr="[sum(row) for row in matrix]",
                fast="list(map(sum, matrix))",
                doc="the sum of each row of matrix",
                why="Each row is already a list of numbers.",
            ),
        ),
        Variant(
            names=("column_sums", "sum_columns", "column_totals"),
            phrasings=(
                "returns a list with the sum of each column of `matrix`, a rectangular list of rows of integers, from the leftmost column to the rightmost (an empty list for an empty matrix).",
                "adds up the numbers in every column of `matrix` (a list of equally long lists of integers) and returns the column totals as a list, left to right.",
            ),
            reference=lambda c, matrix: (
                [sum(row[j] for row in matrix) for j in range(len(matrix[0]))] if matrix else []
            ),
            code=py(
                expr="[sum(column) for column in zip(*matrix)]",
                fast="list(map(sum, zip(*matrix)))",
                doc="the sum of each column of matrix",
                why="zip(*matrix) yields the columns as tuples.",
            ),
        ),
        Variant(
            names=("rotate_clockwise", "rotate_right", "rotate_90"),
            returns="list[list[int]]",
            phrasings=(
                "returns `matrix`, a rectangular list of rows, rotated 90 degrees clockwise as a new list of rows: the first column read from bottom to top becomes the first row. An empty matrix gives an empty list.",
                "rotates the rectangular matrix `matrix` (a list of equally long rows) a quarter turn clockwise and returns the result, so that a matrix with r rows and c columns becomes one with c rows and r columns.",
            ),
            reference=lambda c, matrix: [
                [matrix[r][j] for r in range(len(matrix) - 1, -1, -1)]
                for j in range(len(matrix[0]) if matrix else 0)
            ],
            code=py(
                expr="[list(row) for row in zip(*matrix[::-1])]",
                fast="list(map(list, zip(*reversed(matrix))))",
                doc="matrix rotated 90 degrees clockwise",
                why="The columns of the upside-down matrix are the rows of the rotated one.",
            ),
        ),
    ),
)


def _spiral(matrix: list[list[int]], turns: tuple[tuple[int, int], ...]) -> list[int]:
    """Walk the matrix, turning to the next direction of ``turns`` at an edge or a visited cell."""
    if not matrix:
        return []
    rows, cols = len(matrix), len(matrix[0])
    r = c = way = 0
    seen: set[tuple[int, int]] = set()
    order = []
    for _ in range(rows * cols):
        order.append(matrix[r][c])
        seen.add((r, c))
        nr, nc = r + turns[way][0], c + turns[way][1]
        if not (0 <= nr < rows and 0 <= nc < cols) or (nr, nc) in seen:
            way = (way + 1) % 4
            nr, nc = r + turns[way][0], c + turns[way][1]
        r, c = nr, nc
    return order


SPIRAL = SpecFamily(
    name="spiral",
    difficulty="hard",
    topic="matrices",
    params=MATRIX,
    returns="list[int]",
    cases=_matrix_cases,
    code=py(
        clean="""
            $def
                rows = [list(row) for row in $source]
                result = []
                while rows:
                    result.extend(rows.pop(0))
                    rows = [list(row) for row in zip(*rows)][::-1]
                return result
        """,
        documented='''
            $def
                """Return the elements of matrix in $doc spiral order, starting at the top-left corner."""
                rows = [list(row) for row in $source]
                result = []
                while rows:
                    result.extend(rows.pop(0))
                    # Rotating the rest counter-clockwise brings the next side of the spiral to the top.
                    rows = [list(row) for row in zip(*rows)][::-1]
                return result
        ''',
        optimized="""
            $def
                grid = $grid
                result = []
                if not grid:
                    return result
                top, bottom, left, right = 0, len(grid) - 1, 0, len(grid[0]) - 1
                # O(rows * cols): walk the border of each ring once.
                while top <= bottom and left <= right:
                    result.extend(grid[top][c] for c in range(left, right + 1))
                    result.extend(grid[r][right] for r in range(top + 1, bottom + 1))
                    if top < bottom:
                        result.extend(grid[bottom][c] for c in range(right - 1, left - 1, -1))
                    if left < right:
                        result.extend(grid[r][left] for r in range(bottom - 1, top, -1))
                    top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
                return result
        """,
    ),
    variants=(
        Variant(
            names=("spiral_order", "spiral_clockwise", "spiral_walk"),
            phrasings=(
                "returns the elements of `matrix`, a rectangular list of rows, in clockwise spiral order: along the top row from the left, down the right column, back along the bottom row, up the left column, then the same for the inner rings. An empty matrix gives an empty list.",
                "walks `matrix`, a list of equally long rows, in a clockwise spiral that starts at the top-left corner and moves right first, and returns the visited elements as a flat list.",
            ),
            reference=lambda c, matrix: _spiral(matrix, CLOCKWISE),
            code=py(source="matrix", grid="matrix", doc="clockwise"),
        ),
        Variant(
            names=("spiral_counterclockwise", "anticlockwise_spiral", "spiral_ccw"),
            phrasings=(
                "returns the elements of `matrix`, a rectangular list of rows, in counter-clockwise spiral order starting at the top-left corner: down the left column, along the bottom row to the right, up the right column, back along the top row, then the same for the inner rings. An empty matrix gives an empty list.",
                "walks `matrix`, a list of equally long rows, in a counter-clockwise spiral that starts at the top-left corner and moves down first, and returns the visited elements as a flat list.",
            ),
            reference=lambda c, matrix: _spiral(matrix, COUNTER_CLOCKWISE),
            # Walking the transpose clockwise is walking the matrix counter-clockwise.
            code=py(
                source="zip(*matrix)",
                grid="[list(column) for column in zip(*matrix)]",
                doc="counter-clockwise",
            ),
        ),
    ),
)


def _island_sizes(grid: list[str], moves: tuple[tuple[int, int], ...]) -> list[int]:
    """Sizes of the groups of ``#`` cells connected through ``moves``, found by breadth-first search."""
    land = {(r, c) for r, row in enumerate(grid) for c, cell in enumerate(row) if cell == "#"}
    sizes = []
    while land:
        frontier = [land.pop()]
        size = 0
        while frontier:
            r, c = frontier.pop()
            size += 1
            neighbours = {(r + dr, c + dc) for dr, dc in moves} & land
            land -= neighbours
            frontier.extend(neighbours)
        sizes.append(size)
    return sizes


ISLANDS = SpecFamily(
    name="islands",
    difficulty="hard",
    topic="matrices",
    params=(("grid", "list[str]"),),
    returns="int",
    cases=lambda rng, c: [(inputs.grid(rng, 0.45),) for _ in range(3)] + [([],)],
    code=py(
        clean="""
            $def
                seen = set()

                def size(r: int, c: int) -> int:
                    if not (0 <= r < len(grid) and 0 <= c < len(grid[r])) or grid[r][c] != "#" or (r, c) in seen:
                        return 0
                    seen.add((r, c))
                    return 1 + sum(size(r + dr, c + dc) for dr, dc in $moves)

                sizes = [size(r, c) for r in range(len(grid)) for c in range(len(grid[r]))]
                return $answer
        """,
        documented='''
            $def
                """Return $doc in grid ("#" is land, "." is water)."""
                seen = set()

                def size(r: int, c: int) -> int:
                    """Mark the island through (r, c) as seen and return its size (0 for water or seen land)."""
                    if not (0 <= r < len(grid) and 0 <= c < len(grid[r])) or grid[r][c] != "#" or (r, c) in seen:
                        return 0
                    seen.add((r, c))
                    return 1 + sum(size(r + dr, c + dc) for dr, dc in $moves)

                # Each island is counted from its first cell; the others then give 0.
                sizes = [size(r, c) for r in range(len(grid)) for c in range(len(grid[r]))]
                return $answer
        ''',
        optimized="""
            $def
                seen = set()
                sizes = []
                # O(rows * cols): every land cell is pushed onto the stack once.
                for r0, row in enumerate(grid):
                    for c0, cell in enumerate(row):
                        if cell != "#" or (r0, c0) in seen:
                            continue
                        seen.add((r0, c0))
                        stack, size = [(r0, c0)], 0
                        while stack:
                            r, c = stack.pop()
                            size += 1
                            for dr, dc in $moves:
                                nr, nc = r + dr, c + dc
                                if 0 <= nr < len(grid) and 0 <= nc < len(row) and grid[nr][nc] == "#" and (nr, nc) not in seen:
                                    seen.add((nr, nc))
                                    stack.append((nr, nc))
                        sizes.append(size)
                return $answer
        """,
    ),
    variants=(
        Variant(
            names=("count_islands", "island_count", "num_islands"),
            phrasings=(
                "returns the number of islands in `grid`, a list of equally long strings in which `#` is land and `.` is water; an island is a group of land cells connected horizontally or vertically (not diagonally).",
                "counts the connected groups of `#` cells in `grid` (equally long strings of `#` for land and `.` for water), where a cell connects to its up, down, left and right neighbours, and returns the count.",
            ),
            reference=lambda c, grid: len(_island_sizes(grid, MOVES_4)),
            code=py(moves=repr(MOVES_4), answer="sum(s > 0 for s in sizes)", doc="the number of islands"),
        ),
        Variant(
            names=("count_islands_diagonal", "count_blobs", "island_count_8"),
            phrasings=(
                "returns the number of islands in `grid`, a list of equally long strings in which `#` is land and `.` is water; an island is a group of land cells connected horizontally, vertically or diagonally.",
                "counts the connected groups of `#` cells in `grid` (equally long strings of `#` for land and `.` for water), where a cell connects to all eight neighbours, diagonal ones included, and returns the count.",
            ),
            reference=lambda c, grid: len(_island_sizes(grid, MOVES_8)),
            code=py(
                moves=repr(MOVES_8),
                answer="sum(s > 0 for s in sizes)",
                doc="the number of 8-connected islands",
            ),
        ),
        Variant(
            names=("largest_island", "max_island_size", "biggest_island"),
            phrasings=(
                "returns the number of cells of the largest island in `grid`, a list of equally long strings in which `#` is land and `.` is water; an island is a group of land cells connected horizontally or vertically, and the answer is 0 if there is no land.",
                "finds the biggest group of `#` cells in `grid` (equally long strings of `#` for land and `.` for water) connected through up, down, left and right moves and returns how many cells it has, or 0 without land.",
            ),
            reference=lambda c, grid: max(_island_sizes(grid, MOVES_4), default=0),
            code=py(
                moves=repr(MOVES_4), answer="max(sizes, default=0)", doc="the size of the largest island"
            ),
        ),
    ),
)
