"""Task families about strings."""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import groupby

from distill.offline.task_bank import inputs
from distill.offline.task_bank.spec import TEXT, Case, Consts, SpecFamily, Variant, py

COUNT_CHARS = SpecFamily(
    name="count_chars",
    difficulty="easy",
    topic="strings",
    params=TEXT,
    returns="int",
    draw=lambda rng: {"ch": rng.choice("aeinorst")},
    cases=lambda rng, c: inputs.sentence_cases(rng, extras="0123456789"),
    code=py(
        clean="""
            $def
                return sum(1 for ch in text$prep if $test)
        """,
        documented='''
            $def
                """Return the number of $doc in text."""
                count = 0
                for ch in text$prep:
                    # Count only the characters that pass the test.
                    if $test:
                        count += 1
                return count
        ''',
        optimized="""
            $def
                # O(n): one pass over text with O(1) work per character.
                return $fast
        """,
    ),
    variants=(
        Variant(
            names=("count_vowels", "vowel_count", "num_vowels"),
            phrasings=(
                "returns the number of vowels (a, e, i, o, u, case-insensitive) in `text`.",
                "counts the characters of `text` that are vowels (a, e, i, o or u, upper- or lower-case) and returns that count.",
            ),
            reference=lambda c, text: sum(ch in "aeiou" for ch in text.lower()),
            code=py(
                prep=".lower()",
                test='ch in "aeiou"',
                doc="vowels (a, e, i, o, u; any case)",
                fast='sum(ch in "aeiouAEIOU" for ch in text)',
            ),
        ),
        Variant(
            names=("count_digits", "digit_count", "num_digits"),
            phrasings=(
                "returns how many characters of `text` are decimal digits (0-9).",
                "counts the digit characters 0-9 in `text` and returns the count.",
            ),
            reference=lambda c, text: sum(ch.isdigit() for ch in text),
            code=py(prep="", test="ch.isdigit()", doc="decimal digits", fast="sum(map(str.isdigit, text))"),
        ),
        Variant(
            names=("count_letter", "letter_count", "letter_occurrences"),
            phrasings=(
                "returns how many times the letter `$ch` occurs in `text`, counting upper- and lower-case forms alike.",
                "counts the occurrences of the letter `$ch` in `text`, ignoring case, and returns the count.",
            ),
            reference=lambda c, text: text.lower().count(c["ch"]),
            code=py(
                prep=".lower()",
                test="ch == $ch",
                doc="occurrences of the letter $ch (any case)",
                fast="text.lower().count($ch)",
            ),
        ),
    ),
)

REVERSE_WORDS = SpecFamily(
    name="reverse_words",
    difficulty="easy",
    topic="strings",
    params=TEXT,
    returns="str",
    cases=lambda rng, c: inputs.sentence_cases(rng),
    code=py(
        clean="""
            $def
                words = text.split()
                return " ".join($expr)
        """,
        documented='''
            $def
                """Return $doc."""
                # split() without arguments also turns "" into no words at all.
                words = text.split()
                return " ".join($expr)
        ''',
        optimized="""
            $def
                # O(n): a single split and a single join.
                return " ".join($fast)
        """,
    ),
    variants=(
        Variant(
            names=("reverse_words", "reverse_word_order", "words_backwards"),
            phrasings=(
                "returns `text` with the order of its words reversed. Words are separated by single spaces, and so are they in the result.",
                "takes a string of words separated by single spaces and returns the same words in reverse order, again separated by single spaces.",
            ),
            reference=lambda c, text: " ".join(text.split()[::-1]),
            code=py(
                expr="reversed(words)", doc="the words of text in reverse order", fast="text.split()[::-1]"
            ),
        ),
        Variant(
            names=("reverse_each_word", "mirror_words", "flip_words"),
            phrasings=(
                "returns `text` with every word spelled backwards while the words keep their order. Words are separated by single spaces.",
                "reverses the letters of each word in `text` (words are separated by single spaces) but not the order of the words, and returns the result.",
            ),
            reference=lambda c, text: " ".join(word[::-1] for word in text.split()),
            code=py(
                expr="word[::-1] for word in words",
                doc="text with each word spelled backwards",
                fast="word[::-1] for word in text.split()",
            ),
        ),
        Variant(
            names=("capitalize_words", "title_words", "capitalize_each"),
            phrasings=(
                "returns `text` with every word capitalized: its first character upper-case and the rest lower-case. Words are separated by single spaces.",
                "upper-cases the first letter of each word of `text` and lower-cases all its other letters, keeping the single spaces between words, and returns the result.",
            ),
            reference=lambda c, text: " ".join(word.capitalize() for word in text.split()),
            code=py(
                expr="word.capitalize() for word in words",
                doc="text with each word capitalized",
                fast="map(str.capitalize, text.split())",
            ),
        ),
    ),
)


def _palindrome_cases(rng: random.Random, c: Consts) -> list[Case]:
    """Palindromes plain, re-cased and sprinkled with spaces and punctuation; a word; the empty string."""
    half = inputs.letters(rng, "abcde", 1, 4)
    plain = half + rng.choice(("", "x")) + half[::-1]
    spaced = list(inputs.recase(rng, plain))
    for _ in range(2):
        spaced.insert(rng.randrange(len(spaced) + 1), rng.choice(" ,!"))
    return [(plain,), (inputs.recase(rng, plain),), ("".join(spaced),), (rng.choice(inputs.WORDS),), ("",)]


def _is_palindrome(chars: str) -> bool:
    return chars == chars[::-1]


PALINDROME = SpecFamily(
    name="palindrome",
    difficulty="easy",
    topic="strings",
    params=TEXT,
    returns="bool",
    cases=_palindrome_cases,
    code=py(
        clean="""
            $def
                chars = $norm
                return chars == chars[::-1]
        """,
        documented='''
            $def
                """Return True if text reads the same in both directions$doc."""
                chars = $norm
                # A palindrome equals its own reverse.
                return chars == chars[::-1]
        ''',
        optimized="""
            $def
                chars = $norm
                # O(n) time: compare mirrored positions, stopping at the first mismatch.
                return all(chars[i] == chars[-1 - i] for i in range(len(chars) // 2))
        """,
    ),
    variants=(
        Variant(
            names=("is_palindrome", "check_palindrome", "reads_both_ways"),
            phrasings=(
                "returns True if `text` reads the same forwards and backwards, comparing characters exactly (case and spaces matter), and False otherwise.",
                "checks whether `text` is a palindrome, i.e. equal to its own reverse character for character, and returns True or False.",
            ),
            reference=lambda c, text: _is_palindrome(text),
            code=py(norm="text", doc=""),
        ),
        Variant(
            names=("is_palindrome_ignore_case", "caseless_palindrome", "is_palindrome_ci"),
            phrasings=(
                "returns True if `text` reads the same forwards and backwards when letter case is ignored (`A` equals `a`), and False otherwise; every other character, spaces included, must match exactly.",
                "checks, ignoring upper/lower case but nothing else, whether `text` is a palindrome and returns True or False.",
            ),
            reference=lambda c, text: _is_palindrome(text.lower()),
            code=py(norm="text.lower()", doc=", ignoring case"),
        ),
        Variant(
            names=("is_sentence_palindrome", "is_clean_palindrome", "alnum_palindrome"),
            phrasings=(
                "returns True if `text` is a palindrome when only its letters and digits count and case is ignored (spaces and punctuation are skipped), and False otherwise.",
                "drops every character of `text` that is not a letter or digit, lower-cases the rest and returns whether the result reads the same backwards (True or False).",
            ),
            reference=lambda c, text: _is_palindrome("".join(ch.lower() for ch in text if ch.isalnum())),
            code=py(
                norm="[ch.lower() for ch in text if ch.isalnum()]",
                doc=", looking only at letters and digits and ignoring case",
            ),
        ),
    ),
)

ACRONYM = SpecFamily(
    name="acronym",
    difficulty="easy",
    topic="strings",
    params=TEXT,
    returns="str",
    draw=lambda rng: {"sep": rng.choice(".-_")},
    cases=lambda rng, c: inputs.sentence_cases(rng),
    code=py(
        clean="""
            $def
                return $joiner.join(word[0].upper() for word in text.split())
        """,
        documented='''
            $def
                """Return the upper-case initials of the words of text$doc."""
                initials = []
                for word in text.split():
                    # The first character of each word, upper-cased.
                    initials.append(word[0].upper())
                return $joiner.join(initials)
        ''',
        optimized="""
            $def
                # O(n): one pass over the words, then a single upper() on the short result.
                return $joiner.join([word[0] for word in text.split()]).upper()
        """,
    ),
    variants=(
        Variant(
            names=("acronym", "make_acronym", "initials"),
            phrasings=(
                "returns the acronym of `text`: the first letter of every word (words are separated by spaces), upper-cased and joined together. An empty `text` gives an empty string.",
                'builds an acronym from the words of `text` by taking the first character of each word in upper case and concatenating them; it returns `""` for an empty `text`.',
            ),
            reference=lambda c, text: "".join(word[0].upper() for word in text.split()),
            code=py(joiner='""', doc=""),
        ),
        Variant(
            names=("initials_with_separator", "joined_initials", "separated_acronym"),
            phrasings=(
                "returns the first letters of the words of `text` (words are separated by spaces), upper-cased and joined with `$sep` between consecutive letters. An empty `text` gives an empty string.",
                'takes the first character of each word of `text`, upper-cases it and returns these initials joined by the separator `$sep`; it returns `""` for an empty `text`.',
            ),
            reference=lambda c, text: c["sep"].join(word[0].upper() for word in text.split()),
            code=py(joiner="$sep", doc=", separated by $sep"),
        ),
    ),
)


def _caesar(text: str, shift: int) -> str:
    out = []
    for ch in text:
        if ch.isascii() and ch.isalpha():
            base = ord("a") if ch.islower() else ord("A")
            ch = chr((ord(ch) - base + shift) % 26 + base)
        out.append(ch)
    return "".join(out)


CAESAR = SpecFamily(
    name="caesar",
    difficulty="medium",
    topic="strings",
    params=TEXT,
    returns="str",
    draw=lambda rng: {"k": rng.randint(1, 25)},
    cases=lambda rng, c: inputs.sentence_cases(rng, extras=",.!?0123456789"),
    code=py(
        clean="""
            $def
                result = []
                for ch in text:
                    if ch.isalpha():
                        base = ord("a") if ch.islower() else ord("A")
                        result.append(chr((ord(ch) - base $sign $k) % 26 + base))
                    else:
                        result.append(ch)
                return "".join(result)
        """,
        documented='''
            $def
                """Shift each letter of text $k places $direction in the alphabet, keeping its case."""
                result = []
                for ch in text:
                    if ch.isalpha():
                        # Work relative to "a" or "A" so that % 26 wraps around the alphabet.
                        base = ord("a") if ch.islower() else ord("A")
                        result.append(chr((ord(ch) - base $sign $k) % 26 + base))
                    else:
                        result.append(ch)
                return "".join(result)
        ''',
        optimized="""
            from string import ascii_lowercase as lower
            from string import ascii_uppercase as upper


            $def
                shift = $shift
                # O(n): a single translate pass over a precomputed 52-letter table.
                table = str.maketrans(lower + upper, lower[shift:] + lower[:shift] + upper[shift:] + upper[:shift])
                return text.translate(table)
        """,
    ),
    variants=(
        Variant(
            names=("caesar_encrypt", "caesar_shift", "encode_caesar"),
            phrasings=(
                "shifts every letter of `text` $k places forward in the alphabet (a Caesar cipher), wrapping around from z to a and keeping upper- and lower-case; all other characters stay unchanged. It returns the shifted string.",
                "encrypts `text` with a Caesar cipher of shift $k and returns the result: each letter becomes the letter $k positions later in the alphabet, wrapping past z, with its case preserved, and non-letters are left as they are.",
            ),
            reference=lambda c, text: _caesar(text, c["k"]),
            code=py(sign="+", direction="forward", shift="$k"),
        ),
        Variant(
            names=("caesar_decrypt", "decode_caesar", "caesar_unshift"),
            phrasings=(
                "shifts every letter of `text` $k places back in the alphabet, wrapping around from a to z and keeping upper- and lower-case; all other characters stay unchanged. It returns the shifted string.",
                "decrypts `text`, which was encrypted with a Caesar cipher of shift $k: each letter becomes the letter $k positions earlier in the alphabet (wrapping past a), its case is preserved and non-letters are unchanged. It returns the decrypted string.",
            ),
            reference=lambda c, text: _caesar(text, -c["k"]),
            code=py(sign="-", direction="back", shift="26 - $k"),
        ),
    ),
)


def _run_length(text: str, piece: Callable[[str, int], str]) -> str:
    """Write each maximal run of ``text`` as ``piece(char, run_length)``."""
    return "".join(piece(ch, len(list(run))) for ch, run in groupby(text))


RUN_LENGTH = SpecFamily(
    name="run_length",
    difficulty="medium",
    topic="strings",
    params=TEXT,
    returns="str",
    cases=lambda rng, c: [(inputs.runs(rng, "abcxyz", 1, 5),) for _ in range(3)] + [("",)],
    code=py(
        clean="""
            $def
                parts = []
                i = 0
                while i < len(text):
                    ch, n = text[i], 1
                    while i + n < len(text) and text[i + n] == ch:
                        n += 1
                    parts.append($piece)
                    i += n
                return "".join(parts)
        """,
        documented='''
            $def
                """Return the run-length encoding of text, $doc."""
                parts = []
                i = 0
                while i < len(text):
                    # Measure the run of equal characters that starts at i.
                    ch, n = text[i], 1
                    while i + n < len(text) and text[i + n] == ch:
                        n += 1
                    parts.append($piece)
                    i += n
                return "".join(parts)
        ''',
        optimized="""
            from itertools import groupby


            $def
                parts = []
                # O(n): groupby yields each run exactly once.
                for ch, run in groupby(text):
                    n = sum(1 for _ in run)
                    parts.append($piece)
                return "".join(parts)
        """,
    ),
    variants=(
        Variant(
            names=("run_length_encode", "rle_encode", "encode_runs"),
            phrasings=(
                "returns the run-length encoding of `text`: each maximal run of one repeated character is written as the character followed by the length of the run, so `aab` becomes `a2b1`.",
                "replaces every run of equal consecutive characters in `text` by that character followed by the run's length and returns the result (for example `xxxy` gives `x3y1`).",
            ),
            reference=lambda c, text: _run_length(text, lambda ch, n: f"{ch}{n}"),
            code=py(piece="ch + str(n)", doc="each run written as its character and then its length"),
        ),
        Variant(
            names=("run_length_counts_first", "rle_count_first", "encode_counts_first"),
            phrasings=(
                "returns the run-length encoding of `text` in which each maximal run of one repeated character is written as the length of the run followed by the character, so `aab` becomes `2a1b`.",
                "replaces every run of equal consecutive characters in `text` by the run's length followed by the character and returns the result (for example `xxxy` gives `3x1y`).",
            ),
            reference=lambda c, text: _run_length(text, lambda ch, n: f"{n}{ch}"),
            code=py(piece="str(n) + ch", doc="each run written as its length and then its character"),
        ),
        Variant(
            names=("compress_runs", "squeeze_runs", "compress"),
            phrasings=(
                "compresses `text` by replacing each run of two or more equal consecutive characters with the character followed by the run's length; characters that are not repeated stay as they are, so `aaab` becomes `a3b`.",
                "returns `text` with every maximal run of a repeated character shortened to the character and its count (`xxyzz` gives `x2yz2`); a character that occurs only once in a row is copied unchanged.",
            ),
            reference=lambda c, text: _run_length(text, lambda ch, n: ch + str(n) if n > 1 else ch),
            code=py(
                piece="ch + str(n) if n > 1 else ch",
                doc="runs longer than one written as the character and the length",
            ),
        ),
    ),
)


def _longest_substring(text: str, ok: Callable[[str], bool]) -> int:
    """Brute force: the length of the longest substring of ``text`` for which ``ok`` holds (0 if none)."""
    pieces = (text[i:j] for i in range(len(text)) for j in range(i + 1, len(text) + 1))
    return max((len(piece) for piece in pieces if ok(piece)), default=0)


LONGEST_WINDOW = SpecFamily(
    name="longest_window",
    difficulty="hard",
    topic="strings",
    params=TEXT,
    returns="int",
    draw=lambda rng: {"k": rng.choice((2, 3))},
    cases=lambda rng, c: [(inputs.letters(rng, "abcd", 4, 10),) for _ in range(3)] + [("",)],
    variants=(
        Variant(
            names=("longest_unique_substring", "longest_distinct_run", "max_unique_window"),
            phrasings=(
                "returns the length of the longest substring (contiguous run) of `text` in which no character occurs twice; an empty `text` gives 0.",
                "finds the longest contiguous piece of `text` whose characters are all different and returns its length (0 for an empty `text`).",
            ),
            reference=lambda c, text: _longest_substring(text, lambda piece: len(set(piece)) == len(piece)),
            code=py(
                clean="""
                    $def
                        best = 0
                        for start in range(len(text)):
                            seen = set()
                            for ch in text[start:]:
                                if ch in seen:
                                    break
                                seen.add(ch)
                            best = max(best, len(seen))
                        return best
                """,
                documented='''
                    $def
                        """Return the length of the longest substring of text without a repeated character."""
                        best = 0
                        for start in range(len(text)):
                            # Grow a substring from this start until some character repeats.
                            seen = set()
                            for ch in text[start:]:
                                if ch in seen:
                                    break
                                seen.add(ch)
                            best = max(best, len(seen))
                        return best
                ''',
                optimized="""
                    $def
                        last = {}
                        start = best = 0
                        # O(n): a sliding window; last[ch] is the index where ch was seen most recently.
                        for i, ch in enumerate(text):
                            if last.get(ch, -1) >= start:
                                start = last[ch] + 1
                            last[ch] = i
                            best = max(best, i - start + 1)
                        return best
                """,
            ),
        ),
        Variant(
            names=("longest_few_distinct", "longest_limited_substring", "max_window_few_letters"),
            phrasings=(
                "returns the length of the longest substring (contiguous run) of `text` that contains at most $k distinct characters; an empty `text` gives 0.",
                "finds the longest contiguous piece of `text` made of no more than $k different characters and returns its length (0 for an empty `text`).",
            ),
            reference=lambda c, text: _longest_substring(text, lambda piece: len(set(piece)) <= c["k"]),
            code=py(
                clean="""
                    $def
                        best = 0
                        for start in range(len(text)):
                            for end in range(start + 1, len(text) + 1):
                                if len(set(text[start:end])) <= $k:
                                    best = max(best, end - start)
                        return best
                """,
                documented='''
                    $def
                        """Return the length of the longest substring of text with at most $k distinct characters."""
                        best = 0
                        # Try every substring text[start:end] and keep the longest that qualifies.
                        for start in range(len(text)):
                            for end in range(start + 1, len(text) + 1):
                                if len(set(text[start:end])) <= $k:
                                    best = max(best, end - start)
                        return best
                ''',
                optimized="""
                    $def
                        counts = {}
                        start = best = 0
                        # O(n): a sliding window that drops characters on the left while it holds more than $k kinds.
                        for i, ch in enumerate(text):
                            counts[ch] = counts.get(ch, 0) + 1
                            while len(counts) > $k:
                                counts[text[start]] -= 1
                                if counts[text[start]] == 0:
                                    del counts[text[start]]
                                start += 1
                            best = max(best, i - start + 1)
                        return best
                """,
            ),
        ),
    ),
)
