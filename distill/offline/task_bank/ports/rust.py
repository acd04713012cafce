"""Rust (2021) solutions of the task families (see ``porting`` for the style marks).

Functions take slices and ``&str`` and return owned values; ``i64`` is the integer type. The renderer adds
``use std::collections::HashMap``/``HashSet`` when a solution names them and the ``Nested`` enum where it is
used; other ``use`` lines come first in a template. ``$ret`` is the return type.
"""

from distill.offline.task_bank.porting import port

PORTS = {
    # ------------------------------------------------------------------ strings
    "count_chars": port(
        """
        [d]/// Returns the number of $doc in `text`.
        $def
            [o]// O(n): one pass over text with O(1) work per character.
            [d]// Count only the characters that pass the test.
            text.chars().filter(|ch| $test).count() as i64
        }
        """,
        count_vowels={"test": '"aeiouAEIOU".contains(*ch)', "doc": "vowels (a, e, i, o, u; any case)"},
        count_digits={"test": "ch.is_ascii_digit()", "doc": "decimal digits"},
        count_letter={
            "test": "ch.to_ascii_lowercase() == $ch_char",
            "doc": "occurrences of the letter $ch (any case)",
        },
    ),
    "reverse_words": port(
        """
        [d]/// Returns $doc.
        $def
            [d]// split_whitespace skips any run of whitespace, so "" gives no words at all.
            [o]// O(n): a single split and a single join.
            text.split_whitespace()$map.collect::<Vec<_>>().join(" ")
        }
        """,
        reverse_words={"map": ".rev()", "doc": "the words of text in reverse order"},
        reverse_each_word={
            "map": ".map(|word| word.chars().rev().collect::<String>())",
            "doc": "text with each word spelled backwards",
        },
        capitalize_words={
            "map": ".map(|word| word[..1].to_uppercase() + &word[1..].to_lowercase())",
            "doc": "text with each word capitalized",
        },
    ),
    "palindrome": port(
        """
        [d]/// Returns true if `text` reads the same in both directions$doc.
        $def
            let chars: Vec<char> = $norm;
            [d]// A palindrome equals its own reverse.
            [cd]chars.iter().eq(chars.iter().rev())
            [o]// O(n) time: compare mirrored positions, stopping at the first mismatch.
            [o](0..chars.len() / 2).all(|i| chars[i] == chars[chars.len() - 1 - i])
        }
        """,
        is_palindrome={"norm": "text.chars().collect()", "doc": ""},
        is_palindrome_ignore_case={"norm": "text.to_lowercase().chars().collect()", "doc": ", ignoring case"},
        is_sentence_palindrome={
            "norm": "text\n        .chars()\n        .filter(|ch| ch.is_ascii_alphanumeric())\n"
            "        .map(|ch| ch.to_ascii_lowercase())\n        .collect()",
            "doc": ", looking only at letters and digits and ignoring case",
        },
    ),
    "acronym": port(
        """
        [d]/// Returns the upper-case initials of the words of `text`$doc.
        $def
            [o]// O(n): one pass over the words.
            [d]// The first character of each word, upper-cased.
            text.split_whitespace()
                .map(|word| word[..1].to_uppercase())
                .collect::<Vec<_>>()
                .join($joiner)
        }
        """,
        acronym={"joiner": '""', "doc": ""},
        initials_with_separator={"joiner": "$sep", "doc": ", separated by $sep"},
    ),
    "caesar": port(
        """
        [d]/// Shifts each letter of `text` $k places $direction in the alphabet, keeping its case.
        $def
            [o]// O(n): one pass, with arithmetic on character codes.
            text.chars()
                .map(|ch| {
                    if ch.is_ascii_alphabetic() {
                        [d]// Work relative to 'a' or 'A' so that % 26 wraps around the alphabet.
                        let base = if ch.is_ascii_lowercase() { b'a' } else { b'A' };
                        ((ch as u8 - base + $shift) % 26 + base) as char
                    } else {
                        ch
                    }
                })
                .collect()
        }
        """,
        caesar_encrypt={"shift": "$k", "direction": "forward"},
        caesar_decrypt={"shift": "26 - $k", "direction": "back"},
    ),
    "run_length": port(
        """
        [d]/// Returns the run-length encoding of `text`, $doc.
        $def
            let chars: Vec<char> = text.chars().collect();
            let mut result = String::new();
            let mut i = 0;
            [o]// O(n): every character is visited once.
            while i < chars.len() {
                [d]// Measure the run of equal characters that starts at i.
                let ch = chars[i];
                let mut n = 1;
                while i + n < chars.len() && chars[i + n] == ch {
                    n += 1;
                }
                $write
                i += n;
            }
            result
        }
        """,
        run_length_encode={
            "write": 'result.push_str(&format!("{ch}{n}"));',
            "doc": "each run written as its character and then its length",
        },
        run_length_counts_first={
            "write": 'result.push_str(&format!("{n}{ch}"));',
            "doc": "each run written as its length and then its character",
        },
        compress_runs={
            "write": "result.push(ch);\n        if n > 1 {\n            result.push_str(&n.to_string());\n        }",
            "doc": "runs longer than one written as the character and the length",
        },
    ),
    "longest_window": port(
        longest_unique_substring={
            "template": """
                [d]/// Returns the length of the longest substring of `text` without a repeated character.
                $def
                    let mut best: usize = 0;
                    [cd]let chars: Vec<char> = text.chars().collect();
                    [cd]for start in 0..chars.len() {
                    [d]    // Grow a substring from this start until some character repeats.
                    [cd]    let mut seen = HashSet::new();
                    [cd]    for &ch in &chars[start..] {
                    [cd]        if !seen.insert(ch) {
                    [cd]            break;
                    [cd]        }
                    [cd]    }
                    [cd]    best = best.max(seen.len());
                    [cd]}
                    [o]let mut last = HashMap::new();
                    [o]let mut start = 0;
                    [o]// O(n): a sliding window; last[&ch] is the index where ch was seen most recently.
                    [o]for (i, ch) in text.chars().enumerate() {
                    [o]    if let Some(&j) = last.get(&ch) {
                    [o]        if j >= start {
                    [o]            start = j + 1;
                    [o]        }
                    [o]    }
                    [o]    last.insert(ch, i);
                    [o]    best = best.max(i - start + 1);
                    [o]}
                    best as i64
                }
            """
        },
        longest_few_distinct={
            "template": """
                [d]/// Returns the length of the longest substring of `text` with at most $k distinct characters.
                $def
                    let chars: Vec<char> = text.chars().collect();
                    let mut best: usize = 0;
                    [cd]for start in 0..chars.len() {
                    [d]    // Extend the substring from start while it holds at most $k kinds of character.
                    [cd]    let mut kinds = HashSet::new();
                    [cd]    for end in start..chars.len() {
                    [cd]        kinds.insert(chars[end]);
                    [cd]        if kinds.len() > $k {
                    [cd]            break;
                    [cd]        }
                    [cd]        best = best.max(end - start + 1);
                    [cd]    }
                    [cd]}
                    [o]let mut counts: HashMap<char, usize> = HashMap::new();
                    [o]let mut start = 0;
                    [o]// O(n): a sliding window that drops characters on the left while it holds more than $k kinds.
                    [o]for i in 0..chars.len() {
                    [o]    *counts.entry(chars[i]).or_insert(0) += 1;
                    [o]    while counts.len() > $k {
                    [o]        let left = chars[start];
                    [o]        *counts.get_mut(&left).unwrap() -= 1;
                    [o]        if counts[&left] == 0 {
                    [o]            counts.remove(&left);
                    [o]        }
                    [o]        start += 1;
                    [o]    }
                    [o]    best = best.max(i - start + 1);
                    [o]}
                    best as i64
                }
            """
        },
    ),
    # ------------------------------------------------------------------ lists
    "multiples": port(
        """
        [d]/// Returns the $doc of the elements of `nums` that are divisible by $k.
        $def
            [o]// O(n): a single pass with no intermediate vector.
            [d]// Only multiples of $k contribute.
            nums.iter().filter(|&&x| x % $k == 0)$tail
        }
        """,
        sum_multiples={"tail": ".sum()", "doc": "sum"},
        count_multiples={"tail": ".count() as i64", "doc": "count"},
        sum_squared_multiples={"tail": ".map(|&x| x * x).sum()", "doc": "sum of the squares"},
    ),
    "threshold": port(
        """
        [d]/// Returns the elements of `nums` that are $doc, in their original order.
        $def
            [o]// O(n): one pass that builds the result directly.
            [d]// Keep x only if it passes the test.
            nums.iter().copied().filter(|&x| $cond).collect()
        }
        """,
        values_above={"cond": "x > $t", "doc": "greater than $t"},
        values_below={"cond": "x < $t", "doc": "smaller than $t"},
        values_between={"cond": "$t <= x && x <= $hi", "doc": "between $t and $hi inclusive"},
    ),
    "running": port(
        """
        [d]/// Returns the running $doc of `nums`: element i covers nums[0] through nums[i].
        $def
            let mut result: Vec<i64> = Vec::new();
            [o]// O(n): each element combines with the previous result once.
            for &x in nums {
                [d]// The first element starts the sequence; later ones combine with the previous result.
                let value = match result.last() {
                    Some(&previous) => $combine,
                    None => x,
                };
                result.push(value);
            }
            result
        }
        """,
        running_sum={"combine": "previous + x", "doc": "sums"},
        running_max={"combine": "previous.max(x)", "doc": "maxima"},
        running_min={"combine": "previous.min(x)", "doc": "minima"},
    ),
    "ranked": port(
        """
        use std::collections::BTreeSet;

        [d]/// Returns the distinct value of `nums` at rank $k from the $end, or None if there are fewer than $k.
        $def
            [d]// A BTreeSet drops duplicates and keeps the values sorted, so equal values share one rank.
            [o]// O(n log n): one pass into a sorted set.
            let values: BTreeSet<i64> = nums.iter().copied().collect();
            values.iter()$order.nth($index).copied()
        }
        """,
        ordinal_largest={"order": ".rev()", "end": "top"},
        ordinal_smallest={"order": "", "end": "bottom"},
    ),
    "chunks": port(
        """
        [d]/// Splits `nums` into consecutive chunks of $size elements and returns $doc.
        $def
            [d]// chunks() yields pieces of $size elements; the last one may be shorter.
            [o]// O(n): every element is read exactly once.
            nums.chunks($size).map(|chunk| $chunk).collect()
        }
        """,
        chunk_list={"chunk": "chunk.to_vec()", "doc": "the chunks"},
        chunk_sums={"chunk": "chunk.iter().sum::<i64>()", "doc": "the sum of each chunk"},
        chunk_maxima={"chunk": "*chunk.iter().max().unwrap()", "doc": "the maximum of each chunk"},
    ),
    # ------------------------------------------------------------------ math
    "digits": port(
        """
        [d]/// Returns $doc.
        $def
            let mut result: i64 = 0;
            [cd]for ch in n.to_string().chars() {
            [d]    // Each character of the decimal string is one digit.
            [cd]    let d = ch.to_digit(10).unwrap() as i64;
            [cd]    result = $step;
            [cd]}
            [o]let mut n = n;
            [o]// O(log n): peel the digits off arithmetically, without building a string.
            [o]loop {
            [o]    let d = n % 10;
            [o]    result = $step;
            [o]    n /= 10;
            [o]    if n == 0 {
            [o]        break;
            [o]    }
            [o]}
            result
        }
        """,
        digit_sum={"step": "result + d", "doc": "the sum of the decimal digits of n"},
        count_even_digits={
            "step": "result + if d % 2 == 0 { 1 } else { 0 }",
            "doc": "the number of even decimal digits of n",
        },
        max_digit={"step": "result.max(d)", "doc": "the largest decimal digit of n"},
    ),
    "fizzbuzz": port(
        fizzbuzz={
            "template": """
                [d]/// Returns the game word for `n`: $w1 for multiples of $a, $w2 for multiples of $b.
                $def
                    [d]// Test the combined case first: a multiple of both would also pass the single tests.
                    [cd]if n % $a == 0 && n % $b == 0 {
                    [cd]    $both.to_string()
                    [cd]} else if n % $a == 0 {
                    [cd]    $w1.to_string()
                    [cd]} else if n % $b == 0 {
                    [cd]    $w2.to_string()
                    [cd]} else {
                    [cd]    n.to_string()
                    [cd]}
                    [o]// O(1): build the word from the two divisibility tests.
                    [o]let mut word = String::new();
                    [o]if n % $a == 0 {
                    [o]    word.push_str($w1);
                    [o]}
                    [o]if n % $b == 0 {
                    [o]    word.push_str($w2);
                    [o]}
                    [o]if word.is_empty() {
                    [o]    n.to_string()
                    [o]} else {
                    [o]    word
                    [o]}
                }
            """
        },
        fizzbuzz_list={
            "template": """
                [d]/// Returns the game words for 1..=n: $w1 for multiples of $a, $w2 for multiples of $b.
                $def
                    let mut result = Vec::new();
                    [o]// O(n): one short string per number, built from two divisibility tests.
                    for i in 1..=n {
                        [d]// The combined case comes first: it also passes both single tests.
                        [cd]let word = if i % $a == 0 && i % $b == 0 {
                        [cd]    $both.to_string()
                        [cd]} else if i % $a == 0 {
                        [cd]    $w1.to_string()
                        [cd]} else if i % $b == 0 {
                        [cd]    $w2.to_string()
                        [cd]} else {
                        [cd]    i.to_string()
                        [cd]};
                        [o]let mut word = String::new();
                        [o]if i % $a == 0 {
                        [o]    word.push_str($w1);
                        [o]}
                        [o]if i % $b == 0 {
                        [o]    word.push_str($w2);
                        [o]}
                        [o]if word.is_empty() {
                        [o]    word = i.to_string();
                        [o]}
                        result.push(word);
                    }
                    result
                }
            """
        },
    ),
    "series": port(
        """
        [d]/// Returns $doc.
        $def
            [cd]let mut total = 0;
            [d]// $why
            [cd]for i in $range {
            [cd]    $term
            [cd]}
            [cd]total
            [o]// O(1): $formula_name instead of a loop.
            [o]$formula
        }
        """,
        sum_of_squares={
            "range": "1..=n",
            "term": "total += i * i;",
            "doc": "1*1 + 2*2 + ... + n*n",
            "why": "The range 1..=0 is empty, so the sum for n = 0 is 0.",
            "formula_name": "the closed form n(n + 1)(2n + 1) / 6",
            "formula": "n * (n + 1) * (2 * n + 1) / 6",
        },
        sum_of_cubes={
            "range": "1..=n",
            "term": "total += i * i * i;",
            "doc": "1*1*1 + 2*2*2 + ... + n*n*n",
            "why": "The range 1..=0 is empty, so the sum for n = 0 is 0.",
            "formula_name": "the closed form (n(n + 1) / 2)^2",
            "formula": "let half = n * (n + 1) / 2;\n    half * half",
        },
        sum_below={
            "range": "0..n",
            "term": "if i % $a == 0 || i % $b == 0 {\n            total += i;\n        }",
            "doc": "the sum of the numbers below n divisible by $a or $b",
            "why": "The or-condition counts common multiples once.",
            "formula_name": "inclusion-exclusion over three arithmetic series",
            "formula": "let series = |k: i64| {\n        let m = (n - 1) / k;\n        k * m * (m + 1) / 2\n    };\n"
            "    series($a) + series($b) - series($a * $b)",
        },
    ),
    "primes": port(
        """
        [d]/// Returns $doc.
        $def
            let mut primes = Vec::new();
            [cd]for p in 2..=n {
            [d]    // p is prime when no d with d * d <= p divides it.
            [cd]    if (2..).take_while(|d| d * d <= p).all(|d| p % d != 0) {
            [cd]        primes.push(p);
            [cd]    }
            [cd]}
            [o]// O(n log log n): the sieve of Eratosthenes.
            [o]let size = (n + 1) as usize;
            [o]let mut composite = vec![false; size];
            [o]for p in 2..size {
            [o]    if !composite[p] {
            [o]        primes.push(p as i64);
            [o]        for m in (p * p..size).step_by(p) {
            [o]            composite[m] = true;
            [o]        }
            [o]    }
            [o]}
            $result
        }
        """,
        primes_up_to={"result": "primes", "doc": "the primes up to n in increasing order"},
        count_primes={"result": "primes.len() as i64", "doc": "the number of primes up to n"},
        sum_primes={"result": "primes.iter().sum()", "doc": "the sum of the primes up to n"},
    ),
    "gcd_lcm": port(
        """
        [d]/// Returns the $doc of the positive integers in `nums`.
        $def
            let mut result = nums[0];
            [o]// O(n log m): Euclid's algorithm folded over the slice.
            for &x in &nums[1..] {
                [d]// Euclid's algorithm: gcd(a, b) = gcd(b, a % b) until b is 0.
                let (mut a, mut b) = (result, x);
                while b != 0 {
                    (a, b) = (b, a % b);
                }
                result = $fold;
            }
            result
        }
        """,
        gcd_all={"fold": "a", "doc": "greatest common divisor"},
        lcm_all={"fold": "result / a * x", "doc": "least common multiple"},
    ),
    # ------------------------------------------------------------------ dicts and parsing
    "word_counts": port(
        """
        [d]/// Returns a map from $doc.
        $def
            let mut counts = HashMap::new();
            [o]// O(n): a single pass over the words.
            for word in text.to_lowercase().split_whitespace() {
                [d]// entry() starts a missing key at 0.
                *counts.entry($key).or_insert(0) += 1;
            }
            counts
        }
        """,
        word_counts={
            "key": "word.to_string()",
            "doc": "each lower-cased word of text to its number of occurrences",
        },
        first_letter_counts={
            "key": "word[..1].to_string()",
            "doc": "each lower-cased first letter to the number of words starting with it",
        },
        length_counts={
            "key": "word.len() as i64",
            "doc": "each word length to the number of words that long",
        },
    ),
    "group_words": port(
        """
        [d]/// Groups the words by $doc, keeping their input order within each group.
        $def
            let mut groups: $ret = HashMap::new();
            [o]// O(n) map operations: each word joins its group in a single pass.
            for &word in words {
                [d]// or_default() creates the group the first time its key is seen.
                groups.entry($key).or_default().push(word.to_string());
            }
            groups
        }
        """,
        group_by_first_letter={"key": "word[..1].to_string()", "doc": "first letter"},
        group_anagrams={
            "key": "{\n            let mut letters: Vec<char> = word.chars().collect();\n            letters.sort();\n"
            "            letters.into_iter().collect::<String>()\n        }",
            "doc": "their sorted letters, so that anagrams share a group",
        },
        group_by_length={"key": "word.len() as i64", "doc": "length"},
    ),
    "parse_pairs": port(
        """
        [d]/// Parses the key/value pairs of `text` into a map of integers$doc.
        $def
            let mut result = HashMap::new();
            [d]// Splitting "" gives one empty piece, which holds no pair.
            [o]// O(n): one split pass over the text.
            for pair in text.split($sep_char).filter(|pair| !pair.is_empty()) {
                let (key, value) = pair.split_once($eq_char).unwrap();
                let value: i64 = value.parse().unwrap();
                $update
            }
            result
        }
        """,
        parse_pairs={
            "update": "result.insert(key.to_string(), value);",
            "doc": " (a repeated key keeps its last value)",
        },
        sum_by_key={
            "update": "*result.entry(key.to_string()).or_insert(0) += value;",
            "doc": ", summing the values of a repeated key",
        },
    ),
    "brackets": port(
        is_balanced={
            "template": """
                [d]/// Returns true if the (), [] and {} brackets of `text` are properly matched and nested.
                $def
                    let mut stack = Vec::new();
                    [o]// O(n): each bracket is pushed and popped at most once.
                    for ch in text.chars() {
                        match ch {
                            '(' | '[' | '{' => stack.push(ch),
                            ')' | ']' | '}' => {
                                [d]// A closer must match the most recent bracket still open.
                                let open = match ch {
                                    ')' => '(',
                                    ']' => '[',
                                    _ => '{',
                                };
                                if stack.pop() != Some(open) {
                                    return false;
                                }
                            }
                            _ => {}
                        }
                    }
                    [d]// Brackets left on the stack were never closed.
                    stack.is_empty()
                }
            """
        },
        max_paren_depth={
            "template": """
                [d]/// Returns the deepest nesting of the parentheses in `text`, or -1 if they are unbalanced.
                $def
                    let mut depth: i64 = 0;
                    let mut deepest = 0;
                    [o]// O(n) time, O(1) memory: a counter stands in for the stack.
                    for ch in text.chars() {
                        if ch == '(' {
                            depth += 1;
                            deepest = deepest.max(depth);
                        } else if ch == ')' {
                            depth -= 1;
                            [d]// More closers than openers so far.
                            if depth < 0 {
                                return -1;
                            }
                        }
                    }
                    if depth == 0 {
                        deepest
                    } else {
                        -1
                    }
                }
            """
        },
    ),
    "expression": port(
        evaluate={
            "template": """
                [d]/// Evaluates an expression of non-negative integers, +, -, * and parentheses.
                $def
                    let chars: Vec<char> = expr.chars().filter(|ch| !ch.is_whitespace()).collect();
                    let mut pos = 0;
                    [o]// O(n): recursive descent reads every character once.
                    parse_sum(&chars, &mut pos)
                }

                [d]/// Products joined by + and -, applied from left to right.
                fn parse_sum(chars: &[char], pos: &mut usize) -> i64 {
                    let mut value = parse_product(chars, pos);
                    while *pos < chars.len() && (chars[*pos] == '+' || chars[*pos] == '-') {
                        let sign = if chars[*pos] == '+' { 1 } else { -1 };
                        *pos += 1;
                        value += sign * parse_product(chars, pos);
                    }
                    value
                }

                [d]/// Atoms joined by *, which binds tighter than + and -.
                fn parse_product(chars: &[char], pos: &mut usize) -> i64 {
                    let mut value = parse_atom(chars, pos);
                    while *pos < chars.len() && chars[*pos] == '*' {
                        *pos += 1;
                        value *= parse_atom(chars, pos);
                    }
                    value
                }

                [d]/// A number or a parenthesized expression.
                fn parse_atom(chars: &[char], pos: &mut usize) -> i64 {
                    if chars[*pos] == '(' {
                        *pos += 1;
                        let value = parse_sum(chars, pos);
                        *pos += 1;
                        return value;
                    }
                    let mut value = 0;
                    while *pos < chars.len() && chars[*pos].is_ascii_digit() {
                        value = value * 10 + chars[*pos].to_digit(10).unwrap() as i64;
                        *pos += 1;
                    }
                    value
                }
            """
        },
        eval_rpn={
            "template": """
                [d]/// Evaluates a space-separated postfix expression of integers and +, -, *.
                $def
                    let mut stack: Vec<i64> = Vec::new();
                    [o]// O(n): every token is pushed or popped once.
                    for token in expr.split_whitespace() {
                        match token {
                            "+" | "-" | "*" => {
                                [d]// The right operand was pushed last.
                                let right = stack.pop().unwrap();
                                let left = stack.pop().unwrap();
                                stack.push(match token {
                                    "+" => left + right,
                                    "-" => left - right,
                                    _ => left * right,
                                });
                            }
                            number => stack.push(number.parse().unwrap()),
                        }
                    }
                    stack.pop().unwrap()
                }
            """
        },
    ),
    # ------------------------------------------------------------------ searching and sorting
    "find_index": port(
        find_first={
            "template": """
                [d]/// Returns the index of the first occurrence of `target` in `items`, or -1.
                $def
                    [d]// Scan from the left: the first match is the answer.
                    [cd]for (i, &x) in items.iter().enumerate() {
                    [cd]    if x == target {
                    [cd]        return i as i64;
                    [cd]    }
                    [cd]}
                    [cd]-1
                    [o]// O(n) worst case: position() stops at the first match.
                    [o]items.iter().position(|&x| x == target).map_or(-1, |i| i as i64)
                }
            """
        },
        find_last={
            "template": """
                [d]/// Returns the index of the last occurrence of `target` in `items`, or -1.
                $def
                    [d]// Scan from the right: the first match found is the last occurrence.
                    [cd]for i in (0..items.len()).rev() {
                    [cd]    if items[i] == target {
                    [cd]        return i as i64;
                    [cd]    }
                    [cd]}
                    [cd]-1
                    [o]// O(n) worst case: rposition() scans from the right and stops at the first match.
                    [o]items.iter().rposition(|&x| x == target).map_or(-1, |i| i as i64)
                }
            """
        },
        count_occurrences={
            "template": """
                [d]/// Returns the number of elements of `items` equal to `target`.
                $def
                    [o]// O(n): one pass over items.
                    [d]// Each match adds one.
                    items.iter().filter(|&&x| x == target).count() as i64
                }
            """
        },
    ),
    "binary_search": port(
        """
        [d]/// Returns how many elements of the sorted slice `nums` are $doc `target`.
        $def
            [cd]let (mut lo, mut hi) = (0, nums.len());
            [d]// Invariant: the elements before lo are all $doc target, those from hi on are not.
            [cd]while lo < hi {
            [cd]    let mid = (lo + hi) / 2;
            [cd]    if nums[mid] $cmp target {
            [cd]        lo = mid + 1;
            [cd]    } else {
            [cd]        hi = mid;
            [cd]    }
            [cd]}
            [cd]lo as i64
            [o]// O(log n): partition_point is the standard library's binary search.
            [o]nums.partition_point(|&x| x $cmp target) as i64
        }
        """,
        binary_search={
            "template": """
                [d]/// Returns the index of `target` in the sorted slice `nums`, or -1 if it is absent.
                $def
                    [cd]let (mut lo, mut hi) = (0, nums.len());
                    [d]// Each step halves the range lo..hi that could still hold target.
                    [cd]while lo < hi {
                    [cd]    let mid = (lo + hi) / 2;
                    [cd]    if nums[mid] == target {
                    [cd]        return mid as i64;
                    [cd]    }
                    [cd]    if nums[mid] < target {
                    [cd]        lo = mid + 1;
                    [cd]    } else {
                    [cd]        hi = mid;
                    [cd]    }
                    [cd]}
                    [cd]-1
                    [o]// O(log n): the standard library's binary search over distinct values.
                    [o]match nums.binary_search(&target) {
                    [o]    Ok(i) => i as i64,
                    [o]    Err(_) => -1,
                    [o]}
                }
            """
        },
        insertion_point={"cmp": "<", "doc": "less than"},
        upper_bound={"cmp": "<=", "doc": "at most"},
    ),
    "merge_sorted": port(
        merge_sorted={
            "template": """
                [d]/// Returns all elements of the sorted slices `a` and `b` in one sorted vector.
                $def
                    [cd]let mut result = [a, b].concat();
                    [cd]result.sort();
                    [cd]result
                    [o]let mut result = Vec::with_capacity(a.len() + b.len());
                    [o]let (mut i, mut j) = (0, 0);
                    [o]// O(n + m): always take the smaller head of the two sorted slices.
                    [o]while i < a.len() || j < b.len() {
                    [o]    if j == b.len() || (i < a.len() && a[i] <= b[j]) {
                    [o]        result.push(a[i]);
                    [o]        i += 1;
                    [o]    } else {
                    [o]        result.push(b[j]);
                    [o]        j += 1;
                    [o]    }
                    [o]}
                    [o]result
                }
            """
        },
        sorted_union={
            "template": """
                use std::collections::BTreeSet;

                [d]/// Returns the distinct values of `a` and `b` in increasing order.
                $def
                    [d]// A BTreeSet drops duplicates and iterates in increasing order.
                    [o]// O((n + m) log(n + m)): one sorted set.
                    a.iter().chain(b).copied().collect::<BTreeSet<i64>>().into_iter().collect()
                }
            """
        },
        sorted_intersection={
            "template": """
                use std::collections::BTreeSet;

                [d]/// Returns the distinct values found in both `a` and `b`, in increasing order.
                $def
                    let in_b: HashSet<i64> = b.iter().copied().collect();
                    [d]// Keep the values of a that b holds too; the BTreeSet drops repeats and sorts.
                    [o]// O(n log n + m): one hash lookup per element of a.
                    a.iter().copied().filter(|x| in_b.contains(x)).collect::<BTreeSet<i64>>().into_iter().collect()
                }
            """
        },
    ),
    "sort_words": port(
        """
        [d]/// Returns the words sorted by $doc, ties broken alphabetically.
        $def
            let mut result: Vec<String> = words.iter().map(|word| word.to_string()).collect();
            [d]// Tuples compare item by item, so the word itself breaks ties.
            [cd]result.sort_by_key(|word| ($key, word.clone()));
            [o]// O(n log n): sort_by_cached_key computes the key once per word, not once per comparison.
            [o]result.sort_by_cached_key(|word| ($key, word.clone()));
            result
        }
        """,
        sort_by_length={"key": "word.len()", "doc": "length"},
        sort_by_last_letter={"key": "word.chars().last()", "doc": "last letter"},
        sort_by_vowels={
            "key": '-(word.chars().filter(|ch| "aeiou".contains(*ch)).count() as i64)',
            "doc": "vowel count (most first)",
        },
    ),
    "intervals": port(
        """
        [d]/// Merges the overlapping [start, end] intervals and returns $doc.
        $def
            let mut sorted = intervals.to_vec();
            [d]// Sorted by start, overlapping intervals become neighbours.
            [o]// O(n log n): one sort, then a single linear sweep.
            sorted.sort();
            let mut merged: Vec<Vec<i64>> = Vec::new();
            for pair in sorted {
                if let Some(last) = merged.last_mut() {
                    if pair[0] <= last[1] {
                        [d]// It overlaps or touches the last merged interval: extend that one.
                        last[1] = last[1].max(pair[1]);
                        continue;
                    }
                }
                merged.push(pair);
            }
            $result
        }
        """,
        merge_intervals={"result": "merged", "doc": "them sorted by start"},
        covered_length={
            "result": "merged.iter().map(|pair| pair[1] - pair[0]).sum()",
            "doc": "the total length they cover",
        },
    ),
    "grid_path": port(
        """
        use std::collections::VecDeque;

        [d]/// Runs a breadth-first search from the top-left cell of `grid` and returns $doc.
        $def
            let cells: Vec<&[u8]> = grid.iter().map(|row| row.as_bytes()).collect();
            let (rows, cols) = (cells.len(), cells[0].len());
            if cells[0][0] == b'#' {
                return $blocked;
            }
            [d]// dist[r][c] is the number of steps from the start, -1 while (r, c) is not reached.
            let mut dist = vec![vec![-1i64; cols]; rows];
            dist[0][0] = 0;
            let mut queue = VecDeque::from([(0usize, 0usize)]);
            [o]// O(rows * cols): breadth-first search enqueues every cell at most once.
            while let Some((r, c)) = queue.pop_front() {
                for (dr, dc) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let (nr, nc) = (r as i64 + dr, c as i64 + dc);
                    if nr < 0 || nc < 0 || nr >= rows as i64 || nc >= cols as i64 {
                        continue;
                    }
                    let (nr, nc) = (nr as usize, nc as usize);
                    [d]// Step onto open cells that were not reached before.
                    if cells[nr][nc] == b'.' && dist[nr][nc] < 0 {
                        dist[nr][nc] = dist[r][c] + 1;
                        queue.push_back((nr, nc));
                    }
                }
            }
            $result
        }
        """,
        shortest_path={
            "blocked": "-1",
            "result": "dist[rows - 1][cols - 1]",
            "doc": "the steps to the bottom-right cell, or -1",
        },
        reachable_cells={
            "blocked": "0",
            "result": "dist.iter().flatten().filter(|&&steps| steps >= 0).count() as i64",
            "doc": "the number of reachable open cells",
        },
    ),
    # ------------------------------------------------------------------ recursion and dynamic programming
    "stairs": port(
        """
        [d]/// Returns $doc.
        $def
            let n = n as usize;
            [d]// table[i] is the answer for a staircase of i steps.
            let mut table = vec![0i64; n + 1];
            table[0] = $base;
            [o]// O(n * m) time for m move sizes: each step looks back once per size.
            for i in 1..=n {
                [d]// The last move has some size s, so it starts from step i - s.
                $cell
            }
            table[n]
        }
        """,
        climb_stairs={
            "base": "1",
            "cell": "for s in $steps {\n            if s <= i {\n                table[i] += table[i - s];\n"
            "            }\n        }",
            "doc": "the number of ordered ways to climb n steps with moves of size $choices",
        },
        min_moves={
            "base": "0",
            "cell": "table[i] = -1;\n        for s in $steps {\n"
            "            if s <= i && table[i - s] >= 0 && (table[i] < 0 || table[i - s] + 1 < table[i]) {\n"
            "                table[i] = table[i - s] + 1;\n            }\n        }",
            "doc": "the fewest moves of size $choices that climb exactly n steps, or -1",
        },
    ),
    "flatten": port(
        flatten={
            "template": """
                [d]/// Returns the integers of the nested list `items` as one flat vector, in order.
                $def
                    let mut result = Vec::new();
                    [cd]for item in items {
                    [d]    // Inner lists are flattened recursively, integers copied as they are.
                    [cd]    match item {
                    [cd]        Nested::Int(value) => result.push(*value),
                    [cd]        Nested::List(inner) => result.extend($fn(inner)),
                    [cd]    }
                    [cd]}
                    [o]let mut stack = vec![items.iter()];
                    [o]// O(total size): a stack of iterators instead of recursion.
                    [o]while let Some(top) = stack.last_mut() {
                    [o]    match top.next() {
                    [o]        Some(Nested::Int(value)) => result.push(*value),
                    [o]        Some(Nested::List(inner)) => stack.push(inner.iter()),
                    [o]        None => {
                    [o]            stack.pop();
                    [o]        }
                    [o]    }
                    [o]}
                    result
                }
            """
        },
        nested_sum={
            "template": """
                [d]/// Returns the sum of all integers in the nested list `items`.
                $def
                    [d]// An inner list contributes the sum of its own contents.
                    [cd]items
                    [cd]    .iter()
                    [cd]    .map(|item| match item {
                    [cd]        Nested::Int(value) => *value,
                    [cd]        Nested::List(inner) => $fn(inner),
                    [cd]    })
                    [cd]    .sum()
                    [o]let mut total = 0;
                    [o]let mut stack: Vec<&[Nested]> = vec![items];
                    [o]// O(total size): an explicit stack instead of recursion; order does not matter for a sum.
                    [o]while let Some(list) = stack.pop() {
                    [o]    for item in list {
                    [o]        match item {
                    [o]            Nested::Int(value) => total += value,
                    [o]            Nested::List(inner) => stack.push(inner),
                    [o]        }
                    [o]    }
                    [o]}
                    [o]total
                }
            """
        },
        list_depth={
            "template": """
                [d]/// Returns how deeply lists nest in `items`; a flat list has depth 1.
                $def
                    [d]// Only inner lists add depth.
                    [cd]1 + items
                    [cd]    .iter()
                    [cd]    .filter_map(|item| match item {
                    [cd]        Nested::List(inner) => Some($fn(inner)),
                    [cd]        Nested::Int(_) => None,
                    [cd]    })
                    [cd]    .max()
                    [cd]    .unwrap_or(0)
                    [o]let mut best = 0;
                    [o]let mut stack: Vec<(&[Nested], i64)> = vec![(items, 1)];
                    [o]// O(total size): each list is visited once, without recursion.
                    [o]while let Some((list, depth)) = stack.pop() {
                    [o]    best = best.max(depth);
                    [o]    for item in list {
                    [o]        if let Nested::List(inner) = item {
                    [o]            stack.push((inner, depth + 1));
                    [o]        }
                    [o]    }
                    [o]}
                    [o]best
                }
            """
        },
    ),
    "alignment": port(
        """
        [d]/// Returns $doc.
        $def
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            [d]// dp[i][j] is the answer for the first i characters of a and the first j of b.
            let mut dp = vec![vec![0i64; b.len() + 1]; a.len() + 1];
            [o]// O(len(a) * len(b)): every cell is computed once from its neighbours.
            for i in 0..=a.len() {
                for j in 0..=b.len() {
                    if i == 0 || j == 0 {
                        dp[i][j] = $base;
                        continue;
                    }
                    let same = a[i - 1] == b[j - 1];
                    dp[i][j] = $cell;
                }
            }
            $answer
        }
        """,
        lcs_length={
            "base": "0",
            "cell": "if same { dp[i - 1][j - 1] + 1 } else { dp[i - 1][j].max(dp[i][j - 1]) }",
            "answer": "dp[a.len()][b.len()]",
            "doc": "the length of the longest common subsequence of a and b",
        },
        edit_distance={
            "base": "(i + j) as i64",
            "cell": "if same { dp[i - 1][j - 1] } else { 1 + dp[i - 1][j - 1].min(dp[i - 1][j]).min(dp[i][j - 1]) }",
            "answer": "dp[a.len()][b.len()]",
            "doc": "the minimum number of insertions, deletions and substitutions turning a into b",
        },
        longest_common_substring={
            "base": "0",
            "cell": "if same { dp[i - 1][j - 1] + 1 } else { 0 }",
            "answer": "dp.iter().flatten().copied().max().unwrap_or(0)",
            "doc": "the length of the longest substring that occurs in both a and b",
        },
    ),
    "coins": port(
        min_coins={
            "template": """
                [d]/// Returns the fewest coins of values $coins summing to `amount`, or -1 if impossible.
                $def
                    let amount = amount as usize;
                    [d]// fewest[t] is the answer for the total t (-1 while unreachable).
                    let mut fewest = vec![-1i64; amount + 1];
                    fewest[0] = 0;
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for total in 1..=amount {
                        for c in $coins {
                            [d]// The last coin c leaves total - c, which must itself be reachable.
                            if c <= total && fewest[total - c] >= 0 && (fewest[total] < 0 || fewest[total - c] + 1 < fewest[total]) {
                                fewest[total] = fewest[total - c] + 1;
                            }
                        }
                    }
                    fewest[amount]
                }
            """
        },
        count_change={
            "template": """
                [d]/// Returns the number of coin combinations of values $coins that sum to `amount`.
                $def
                    let amount = amount as usize;
                    [d]// ways[t] counts the combinations for the total t using the coins seen so far.
                    let mut ways = vec![0i64; amount + 1];
                    ways[0] = 1;
                    [d]// Coins in the outer loop, so each combination is counted in one order only.
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for c in $coins {
                        for total in c..=amount {
                            ways[total] += ways[total - c];
                        }
                    }
                    ways[amount]
                }
            """
        },
    ),
    "lis": port(
        """
        [d]/// Returns the length of the longest $doc subsequence of `nums`.
        $def
            [d]// best[i] is the length of the longest such subsequence ending at nums[i].
            [cd]let mut best = vec![1i64; nums.len()];
            [cd]for i in 0..nums.len() {
            [cd]    for j in 0..i {
            [cd]        if nums[j] $cmp nums[i] {
            [cd]            best[i] = best[i].max(best[j] + 1);
            [cd]        }
            [cd]    }
            [cd]}
            [cd]best.into_iter().max().unwrap_or(0)
            [o]let mut tails: Vec<i64> = Vec::new();
            [o]// O(n log n): tails[k] is the smallest possible last value of a run of length k + 1.
            [o]for &x in nums {
            [o]    let i = tails.partition_point(|&tail| tail $tail $key);
            [o]    if i == tails.len() {
            [o]        tails.push($key);
            [o]    } else {
            [o]        tails[i] = $key;
            [o]    }
            [o]}
            [o]tails.len() as i64
        }
        """,
        longest_increasing={"cmp": "<", "doc": "strictly increasing", "tail": "<", "key": "x"},
        longest_non_decreasing={"cmp": "<=", "doc": "non-decreasing", "tail": "<=", "key": "x"},
        longest_decreasing={"cmp": ">", "doc": "strictly decreasing", "tail": "<", "key": "-x"},
    ),
    "subsets": port(
        count_subsets={
            "template": """
                [d]/// Returns how many subsets of `nums` sum to `target`.
                $def
                    [cd]count_from(nums, target)
                    [o]let mut counts: HashMap<i64, i64> = HashMap::from([(0, 1)]);
                    [o]// O(n * S) for S distinct partial sums: count the subsets that reach each sum.
                    [o]for &x in nums {
                    [o]    let mut next = counts.clone();
                    [o]    for (&total, &ways) in &counts {
                    [o]        *next.entry(total + x).or_insert(0) += ways;
                    [o]    }
                    [o]    counts = next;
                    [o]}
                    [o]counts.get(&target).copied().unwrap_or(0)
                }
                [cd]
                [d]/// The number of subsets of `nums` that sum to `remaining`.
                [cd]fn count_from(nums: &[i64], remaining: i64) -> i64 {
                [cd]    match nums.split_first() {
                [cd]        None => i64::from(remaining == 0),
                [d]        // Either the first number is in the subset or it is not.
                [cd]        Some((&first, rest)) => count_from(rest, remaining - first) + count_from(rest, remaining),
                [cd]    }
                [cd]}
            """
        },
        has_subset_sum={
            "template": """
                [d]/// Returns whether some subset of `nums` sums to `target`.
                $def
                    [cd]search(nums, target)
                    [o]let mut sums: HashSet<i64> = HashSet::from([0]);
                    [o]// O(n * S) for S distinct partial sums, instead of trying all 2^n subsets.
                    [o]for &x in nums {
                    [o]    let shifted: Vec<i64> = sums.iter().map(|total| total + x).collect();
                    [o]    sums.extend(shifted);
                    [o]}
                    [o]sums.contains(&target)
                }
                [cd]
                [d]/// Whether some subset of `nums` sums to `remaining`.
                [cd]fn search(nums: &[i64], remaining: i64) -> bool {
                [cd]    match nums.split_first() {
                [cd]        None => remaining == 0,
                [d]        // Either the first number is in the subset or it is not.
                [cd]        Some((&first, rest)) => search(rest, remaining - first) || search(rest, remaining),
                [cd]    }
                [cd]}
            """
        },
        subsets_with_sum={
            "template": """
                [d]/// Returns the subsets of `nums` that sum to `target`, each sorted, in sorted order.
                $def
                    let mut found = Vec::new();
                    [o]// O(2^n * n): every subset is checked once, which listing them all needs anyway.
                    collect(nums, &mut Vec::new(), target, &mut found);
                    [d]// Vectors compare lexicographically: the first differing element decides, a prefix comes first.
                    found.sort();
                    found
                }

                fn collect(nums: &[i64], chosen: &mut Vec<i64>, remaining: i64, found: &mut Vec<Vec<i64>>) {
                    match nums.split_first() {
                        None => {
                            if remaining == 0 {
                                let mut subset = chosen.clone();
                                subset.sort();
                                found.push(subset);
                            }
                        }
                        Some((&first, rest)) => {
                            [d]// Branch: take the first number, or leave it out.
                            chosen.push(first);
                            collect(rest, chosen, remaining - first, found);
                            chosen.pop();
                            collect(rest, chosen, remaining, found);
                        }
                    }
                }
            """
        },
    ),
    # ------------------------------------------------------------------ matrices
    "matrix_ops": port(
        """
        [d]/// Returns $doc.
        $def
            [d]// $why
            [o]// O(rows * cols): every element is read once.
            $expr
        }
        """,
        row_sums={
            "expr": "matrix.iter().map(|row| row.iter().sum()).collect()",
            "doc": "the sum of each row of `matrix`",
            "why": "Each row is already a vector of numbers.",
        },
        column_sums={
            "expr": "let cols = matrix.first().map_or(0, |row| row.len());\n"
            "    (0..cols).map(|j| matrix.iter().map(|row| row[j]).sum()).collect()",
            "doc": "the sum of each column of `matrix`",
            "why": "Column j collects element j of every row.",
        },
        rotate_clockwise={
            "expr": "let cols = matrix.first().map_or(0, |row| row.len());\n"
            "    (0..cols).map(|j| matrix.iter().rev().map(|row| row[j]).collect()).collect()",
            "doc": "`matrix` rotated 90 degrees clockwise",
            "why": "Row j of the result is column j read from the bottom up.",
        },
    ),
    "spiral": port(
        """
        [d]/// Returns the elements of `matrix` in $doc spiral order, starting at the top-left corner.
        $def
            let mut result = Vec::new();
            if matrix.is_empty() {
                return result;
            }
            $grid
            let (mut top, mut bottom, mut left, mut right) = (0, rows - 1, 0, cols - 1);
            [o]// O(rows * cols): walk the border of each ring once.
            while top <= bottom && left <= right {
                [d]// The top row left to right, then the right column downwards.
                for c in left..=right {
                    result.push(cell(top, c));
                }
                for r in top + 1..=bottom {
                    result.push(cell(r, right));
                }
                [d]// The bottom row and the left column, unless the ring is a single row or column.
                if top < bottom {
                    for c in (left..right).rev() {
                        result.push(cell(bottom, c));
                    }
                }
                if left < right {
                    for r in (top + 1..bottom).rev() {
                        result.push(cell(r, left));
                    }
                }
                top += 1;
                bottom -= 1;
                left += 1;
                right -= 1;
            }
            result
        }
        """,
        spiral_order={
            "grid": "let (rows, cols) = (matrix.len() as i64, matrix[0].len() as i64);\n"
            "    let cell = |r: i64, c: i64| matrix[r as usize][c as usize];",
            "doc": "clockwise",
        },
        spiral_counterclockwise={
            # Walking the transpose clockwise is walking the matrix counter-clockwise.
            "grid": "let (rows, cols) = (matrix[0].len() as i64, matrix.len() as i64);\n"
            "    let cell = |r: i64, c: i64| matrix[c as usize][r as usize];",
            "doc": "counter-clockwise",
        },
    ),
    "islands": port(
        """
        [d]/// Returns $doc in `grid` ("#" is land, "." is water).
        $def
            let cells: Vec<&[u8]> = grid.iter().map(|row| row.as_bytes()).collect();
            let mut seen = HashSet::new();
            let mut sizes: Vec<i64> = Vec::new();
            [o]// O(rows * cols): every land cell is pushed onto the stack once.
            for r0 in 0..cells.len() {
                for c0 in 0..cells[r0].len() {
                    if cells[r0][c0] != b'#' || !seen.insert((r0, c0)) {
                        continue;
                    }
                    [d]// A new island: collect every land cell connected to (r0, c0).
                    let mut stack = vec![(r0, c0)];
                    let mut size = 0;
                    while let Some((r, c)) = stack.pop() {
                        size += 1;
                        for (dr, dc) in $moves {
                            let (nr, nc) = (r as i64 + dr, c as i64 + dc);
                            if nr < 0 || nc < 0 || nr as usize >= cells.len() || nc as usize >= cells[nr as usize].len() {
                                continue;
                            }
                            let (nr, nc) = (nr as usize, nc as usize);
                            if cells[nr][nc] == b'#' && seen.insert((nr, nc)) {
                                stack.push((nr, nc));
                            }
                        }
                    }
                    sizes.push(size);
                }
            }
            $answer
        }
        """,
        count_islands={
            "moves": "[(1, 0), (-1, 0), (0, 1), (0, -1)]",
            "answer": "sizes.len() as i64",
            "doc": "the number of islands",
        },
        count_islands_diagonal={
            "moves": "[(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]",
            "answer": "sizes.len() as i64",
            "doc": "the number of 8-connected islands",
        },
        largest_island={
            "moves": "[(1, 0), (-1, 0), (0, 1), (0, -1)]",
            "answer": "sizes.into_iter().max().unwrap_or(0)",
            "doc": "the size of the largest island",
        },
    ),
}
