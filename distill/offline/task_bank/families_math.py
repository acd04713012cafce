"""Task families about arithmetic."""

from __future__ import annotations

import math
import random
from functools import reduce

from distill.offline.task_bank.spec import NUMS, Case, Consts, SpecFamily, Variant, py

N = (("n", "int"),)
FIZZ_WORDS = (("Fizz", "Buzz"), ("Foo", "Bar"), ("Ping", "Pong"), ("Tic", "Tac"), ("Zip", "Zap"))
COPRIME_PAIRS = ((2, 3), (2, 5), (3, 4), (3, 5), (2, 7), (3, 7), (4, 5))


DIGITS = SpecFamily(
    name="digits",
    difficulty="easy",
    topic="math",
    params=N,
    returns="int",
    cases=lambda rng, c: [(rng.randint(0, 10 ** rng.randint(1, 6)),) for _ in range(3)] + [(0,)],
    code=py(
        clean="""
            $def
                return $expr
        """,
        documented='''
            $def
                """Return $doc."""
                result = 0
                for ch in str(n):
                    # Each character of str(n) is one decimal digit.
                    d = int(ch)
                    result = $step
                return result
        ''',
        optimized="""
            $def
                result = 0
                # O(log n): peel the digits off arithmetically, without building a string.
                while True:
                    n, d = divmod(n, 10)
                    result = $step
                    if n == 0:
                        return result
        """,
    ),
    variants=(
        Variant(
            names=("digit_sum", "sum_digits", "sum_of_digits"),
            phrasings=(
                "returns the sum of the decimal digits of the non-negative integer `n`; 0 gives 0.",
                "adds up the decimal digits of the non-negative integer `n` and returns the total.",
            ),
            reference=lambda c, n: sum(map(int, str(n))),
            code=py(
                expr="sum(int(d) for d in str(n))",
                step="result + d",
                doc="the sum of the decimal digits of n",
            ),
        ),
        Variant(
            names=("count_even_digits", "even_digit_count", "num_even_digits"),
            phrasings=(
                "returns how many decimal digits of the non-negative integer `n` are even (0, 2, 4, 6 or 8); `n` = 0 has one even digit.",
                "counts the even digits in the decimal representation of the non-negative integer `n` and returns the count.",
            ),
            reference=lambda c, n: len([d for d in str(n) if d in "02468"]),
            code=py(
                expr="sum(1 for d in str(n) if int(d) % 2 == 0)",
                step="result + (1 if d % 2 == 0 else 0)",
                doc="the number of even decimal digits of n",
            ),
        ),
        Variant(
            names=("max_digit", "largest_digit", "biggest_digit"),
            phrasings=(
                "returns the largest decimal digit of the non-negative integer `n`.",
                "finds the biggest digit in the decimal representation of the non-negative integer `n` and returns it (0 for `n` = 0).",
            ),
            reference=lambda c, n: int(max(str(n))),
            code=py(
                expr="max(int(d) for d in str(n))",
                step="max(result, d)",
                doc="the largest decimal digit of n",
            ),
        ),
    ),
)


def _fizz_consts(rng: random.Random) -> Consts:
    a, b = rng.choice(COPRIME_PAIRS)
    w1, w2 = rng.choice(FIZZ_WORDS)
    return {"a": a, "b": b, "w1": w1, "w2": w2, "both": w1 + w2}


def _fizz(c: Consts, n: int) -> str:
    return (c["w1"] if n % c["a"] == 0 else "") + (c["w2"] if n % c["b"] == 0 else "") or str(n)


FIZZBUZZ = SpecFamily(
    name="fizzbuzz",
    difficulty="easy",
    topic="math",
    params=N,
    returns="str",
    draw=_fizz_consts,
    variants=(
        Variant(
            names=("fizzbuzz", "fizz_word", "game_word"),
            phrasings=(
                'returns "$both" if `n` is divisible by both $a and $b, "$w1" if it is divisible only by $a, "$w2" if it is divisible only by $b, and otherwise `n` written as a decimal string.',
                'plays one turn of a FizzBuzz-like game with divisors $a and $b: for a multiple of both it returns "$both", for a multiple of $a only "$w1", for a multiple of $b only "$w2", and for any other `n` the string form of `n`.',
            ),
            reference=_fizz,
            cases=lambda rng, c: [
                (c["a"] * c["b"] * rng.randint(1, 3),),
                (c["a"] * rng.randint(1, 9),),
                (c["b"] * rng.randint(1, 9),),
                (rng.randint(1, 60),),
                (1,),
            ],
            code=py(
                clean="""
                    $def
                        if n % $a == 0 and n % $b == 0:
                            return $both
                        if n % $a == 0:
                            return $w1
                        if n % $b == 0:
                            return $w2
                        return str(n)
                """,
                documented='''
                    $def
                        """Return the game word for n: $w1 for multiples of $a, $w2 for multiples of $b."""
                        # Test the combined case first: a multiple of both would also pass the single tests.
                        if n % $a == 0 and n % $b == 0:
                            return $both
                        if n % $a == 0:
                            return $w1
                        if n % $b == 0:
                            return $w2
                        return str(n)
                ''',
                optimized="""
                    $def
                        # O(1): build the word from the two divisibility tests.
                        word = ($w1 if n % $a == 0 else "") + ($w2 if n % $b == 0 else "")
                        return word or str(n)
                """,
            ),
        ),
        Variant(
            names=("fizzbuzz_list", "fizzbuzz_sequence", "game_words"),
            returns="list[str]",
            phrasings=(
                'returns a list of strings for the numbers 1 to `n`: "$both" for multiples of both $a and $b, "$w1" for the other multiples of $a, "$w2" for the other multiples of $b, and the number itself as a string otherwise. `n` = 0 gives an empty list.',
                'plays a FizzBuzz-like game with divisors $a and $b for every number from 1 to `n` and returns the list of answers: "$both" for multiples of both, "$w1" for multiples of $a only, "$w2" for multiples of $b only, the number as a string for the rest.',
            ),
            reference=lambda c, n: [_fizz(c, i) for i in range(1, n + 1)],
            cases=lambda rng, c: [
                (c["a"] * c["b"] + rng.randint(0, 3),),
                (rng.randint(1, c["a"] * c["b"] - 1),),
                (c["b"],),
                (0,),
            ],
            code=py(
                clean="""
                    $def
                        result = []
                        for i in range(1, n + 1):
                            if i % $a == 0 and i % $b == 0:
                                result.append($both)
                            elif i % $a == 0:
                                result.append($w1)
                            elif i % $b == 0:
                                result.append($w2)
                            else:
                                result.append(str(i))
                        return result
                """,
                documented='''
                    $def
                        """Return the game words for 1..n: $w1 for multiples of $a, $w2 for multiples of $b."""
                        result = []
                        for i in range(1, n + 1):
                            # The combined case comes first: it also passes both single tests.
                            if i % $a == 0 and i % $b == 0:
                                result.append($both)
                            elif i % $a == 0:
                                result.append($w1)
                            elif i % $b == 0:
                                result.append($w2)
                            else:
                                result.append(str(i))
                        return result
                ''',
                optimized="""
                    $def
                        # O(n): one short string per number, built from two divisibility tests.
                        return [($w1 if i % $a == 0 else "") + ($w2 if i % $b == 0 else "") or str(i) for i in range(1, n + 1)]
                """,
            ),
        ),
    ),
)


def _series_consts(rng: random.Random) -> Consts:
    a, b = rng.choice(COPRIME_PAIRS)
    return {"a": a, "b": b}


SERIES = SpecFamily(
    name="series",
    difficulty="easy",
    topic="math",
    params=N,
    returns="int",
    draw=_series_consts,
    cases=lambda rng, c: [(rng.randint(1, 30),) for _ in range(3)] + [(0,)],
    code=py(
        clean="""
            $def
                return sum($gen)
        """,
        documented='''
            $def
                """Return $doc."""
                # $why
                return sum($gen)
        ''',
        optimized="""
            $def
                # O(1): $formula_name instead of a loop.
                return $formula
        """,
    ),
    variants=(
        Variant(
            names=("sum_of_squares", "square_sum", "squares_total"),
            phrasings=(
                "returns the sum of the squares of the integers from 1 to `n`, i.e. 1*1 + 2*2 + ... + n*n (0 when `n` is 0).",
                "adds up k * k for every integer k from 1 to the non-negative integer `n` and returns the total.",
            ),
            reference=lambda c, n: sum(k**2 for k in range(n + 1)),
            code=py(
                gen="i * i for i in range(1, n + 1)",
                doc="1*1 + 2*2 + ... + n*n",
                why="range(1, n + 1) is empty for n = 0, so the sum is 0.",
                formula_name="the closed form n(n + 1)(2n + 1) / 6",
                formula="n * (n + 1) * (2 * n + 1) // 6",
            ),
        ),
        Variant(
            names=("sum_of_cubes", "cube_sum", "cubes_total"),
            phrasings=(
                "returns the sum of the cubes of the integers from 1 to `n`, i.e. 1*1*1 + 2*2*2 + ... + n*n*n (0 when `n` is 0).",
                "adds up k * k * k for every integer k from 1 to the non-negative integer `n` and returns the total.",
            ),
            reference=lambda c, n: sum(k**3 for k in range(n + 1)),
            code=py(
                gen="i**3 for i in range(1, n + 1)",
                doc="1**3 + 2**3 + ... + n**3",
                why="range(1, n + 1) is empty for n = 0, so the sum is 0.",
                formula_name="the closed form (n(n + 1) / 2) ** 2",
                formula="(n * (n + 1) // 2) ** 2",
            ),
        ),
        Variant(
            names=("sum_below", "sum_of_multiples_below", "multiples_below_total"),
            phrasings=(
                "returns the sum of all the non-negative integers below `n` that are multiples of $a or $b, each counted once (0 when `n` <= 1).",
                "adds up every number from 0 to `n` - 1 that is divisible by $a or by $b and returns the total; `n` is non-negative.",
            ),
            reference=lambda c, n: sum(k for k in range(n) if k % c["a"] == 0 or k % c["b"] == 0),
            code=py(
                gen="i for i in range(n) if i % $a == 0 or i % $b == 0",
                doc="the sum of the numbers below n divisible by $a or $b",
                why="The or-condition counts common multiples once.",
                optimized="""
                    $def
                        def series(k: int) -> int:
                            m = (n - 1) // k
                            return k * m * (m + 1) // 2

                        # O(1): inclusion-exclusion over three arithmetic series.
                        return series($a) + series($b) - series($a * $b)
                """,
            ),
        ),
    ),
)

PRIMES = SpecFamily(
    name="primes",
    difficulty="medium",
    topic="math",
    params=N,
    returns="int",
    cases=lambda rng, c: [(rng.randint(2, 60),) for _ in range(3)] + [(rng.randint(0, 1),)],
    code=py(
        clean="""
            $def
                primes = [p for p in range(2, n + 1) if all(p % d for d in range(2, int(p**0.5) + 1))]
                return $result
        """,
        documented='''
            $def
                """Return $doc."""
                primes = []
                for p in range(2, n + 1):
                    # p is prime when no d with d * d <= p divides it.
                    if all(p % d for d in range(2, int(p**0.5) + 1)):
                        primes.append(p)
                return $result
        ''',
        optimized="""
            $def
                # O(n log log n): the sieve of Eratosthenes.
                is_prime = [False, False] + [True] * (n - 1)
                for p in range(2, int(n**0.5) + 1):
                    if is_prime[p]:
                        is_prime[p * p :: p] = [False] * len(range(p * p, n + 1, p))
                primes = [p for p, flag in enumerate(is_prime) if flag]
                return $result
        """,
    ),
    variants=(
        Variant(
            names=("primes_up_to", "list_primes", "prime_list"),
            returns="list[int]",
            phrasings=(
                "returns the list of all prime numbers less than or equal to `n`, in increasing order (an empty list when `n` < 2).",
                "finds every prime p with 2 <= p <= `n` and returns them as a sorted list.",
            ),
            reference=lambda c, n: [p for p in range(2, n + 1) if all(p % d for d in range(2, p))],
            code=py(result="primes", doc="the primes up to n in increasing order"),
        ),
        Variant(
            names=("count_primes", "prime_count", "num_primes"),
            phrasings=(
                "returns how many prime numbers are less than or equal to `n` (0 when `n` < 2).",
                "counts the primes between 2 and `n` inclusive and returns the count.",
            ),
            reference=lambda c, n: len([p for p in range(2, n + 1) if all(p % d for d in range(2, p))]),
            code=py(result="len(primes)", doc="the number of primes up to n"),
        ),
        Variant(
            names=("sum_primes", "prime_sum", "primes_total"),
            phrasings=(
                "returns the sum of all prime numbers less than or equal to `n` (0 when `n` < 2).",
                "adds up the primes between 2 and `n` inclusive and returns the total.",
            ),
            reference=lambda c, n: sum(p for p in range(2, n + 1) if all(p % d for d in range(2, p))),
            code=py(result="sum(primes)", doc="the sum of the primes up to n"),
        ),
    ),
)


def _divisor_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Lists that share a common factor, so that the gcd is usually above 1, and a one-element list."""

    def numbers() -> list[int]:
        factor = rng.randint(1, 6)
        return [factor * rng.randint(1, 12) for _ in range(rng.randint(2, 4))]

    return [(numbers(),) for _ in range(3)] + [([rng.randint(1, 30)],)]


GCD_LCM = SpecFamily(
    name="gcd_lcm",
    difficulty="medium",
    topic="math",
    params=NUMS,
    returns="int",
    cases=_divisor_cases,
    code=py(
        clean="""
            from functools import reduce
            from math import gcd


            $def
                return reduce($combine, nums)
        """,
        documented='''
            $def
                """Return the $doc of the positive integers in nums."""
                result = nums[0]
                for x in nums[1:]:
                    # Euclid's algorithm: gcd(a, b) = gcd(b, a % b) until b is 0.
                    a, b = result, x
                    while b:
                        a, b = b, a % b
                    result = $fold
                return result
        ''',
        optimized="""
            from math import $func


            $def
                # O(n log m): math.$func folds the whole list in C.
                return $func(*nums)
        """,
    ),
    variants=(
        Variant(
            names=("gcd_all", "gcd_of_list", "common_divisor"),
            phrasings=(
                "returns the greatest common divisor of all the numbers in `nums`, a non-empty list of positive integers.",
                "finds the largest positive integer that divides every element of `nums`, a non-empty list of positive integers, and returns it.",
            ),
            reference=lambda c, nums: reduce(math.gcd, nums),
            code=py(combine="gcd", fold="a", doc="greatest common divisor", func="gcd"),
        ),
        Variant(
            names=("lcm_all", "lcm_of_list", "common_multiple"),
            phrasings=(
                "returns the least common multiple of all the numbers in `nums`, a non-empty list of positive integers.",
                "finds the smallest positive integer that is a multiple of every element of `nums`, a non-empty list of positive integers, and returns it.",
            ),
            reference=lambda c, nums: reduce(math.lcm, nums),
            code=py(
                combine="lambda a, b: a * b // gcd(a, b)",
                fold="result * x // a",
                doc="least common multiple",
                func="lcm",
            ),
        ),
    ),
)
