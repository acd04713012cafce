"""JavaScript (Node.js) solutions of the task families (see ``porting`` for the style marks)."""

from distill.offline.task_bank.porting import port

WORDS = "text.split(/\\s+/).filter((word) => word.length > 0)"

PORTS = {
    # ------------------------------------------------------------------ strings
    "count_chars": port(
        """
        [d]/** Returns the number of $doc in `text`. */
        $def
          [o]// O(n): one pass over text with O(1) work per character.
          let count = 0;
          for (const ch of text$prep) {
            [d]// Count only the characters that pass the test.
            if ($test) {
              count += 1;
            }
          }
          return count;
        }
        """,
        count_vowels={
            "prep": ".toLowerCase()",
            "test": '"aeiou".includes(ch)',
            "doc": "vowels (a, e, i, o, u; any case)",
        },
        count_digits={"prep": "", "test": 'ch >= "0" && ch <= "9"', "doc": "decimal digits"},
        count_letter={
            "prep": ".toLowerCase()",
            "test": "ch === $ch",
            "doc": "occurrences of the letter $ch (any case)",
        },
    ),
    "reverse_words": port(
        f"""
        [d]/** Returns $doc. */
        $def
          [d]// Splitting on runs of whitespace and dropping empty pieces turns "" into no words at all.
          [o]// O(n): a single split and a single join.
          const words = {WORDS};
          return $expr;
        }}
        """,
        reverse_words={"expr": 'words.reverse().join(" ")', "doc": "the words of text in reverse order"},
        reverse_each_word={
            "expr": 'words.map((word) => [...word].reverse().join("")).join(" ")',
            "doc": "text with each word spelled backwards",
        },
        capitalize_words={
            "expr": 'words.map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase()).join(" ")',
            "doc": "text with each word capitalized",
        },
    ),
    "palindrome": port(
        """
        [d]/** Returns true if text reads the same in both directions$doc. */
        $def
          const chars = $norm;
          [d]// A palindrome equals its own reverse.
          [cd]return chars.join("") === [...chars].reverse().join("");
          [o]// O(n) time: compare mirrored positions, stopping at the first mismatch.
          [o]for (let i = 0, j = chars.length - 1; i < j; i++, j--) {
          [o]  if (chars[i] !== chars[j]) {
          [o]    return false;
          [o]  }
          [o]}
          [o]return true;
        }
        """,
        is_palindrome={"norm": "[...text]", "doc": ""},
        is_palindrome_ignore_case={"norm": "[...text.toLowerCase()]", "doc": ", ignoring case"},
        is_sentence_palindrome={
            "norm": "[...text.toLowerCase()].filter((ch) => /[a-z0-9]/.test(ch))",
            "doc": ", looking only at letters and digits and ignoring case",
        },
    ),
    "acronym": port(
        f"""
        [d]/** Returns the upper-case initials of the words of text$doc. */
        $def
          const words = {WORDS};
          [d]// The first character of each word, upper-cased.
          [cd]return words.map((word) => word[0].toUpperCase()).join($joiner);
          [o]// O(n): one pass over the words, then a single toUpperCase() on the short result.
          [o]return words.map((word) => word[0]).join($joiner).toUpperCase();
        }}
        """,
        acronym={"joiner": '""', "doc": ""},
        initials_with_separator={"joiner": "$sep", "doc": ", separated by $sep"},
    ),
    "caesar": port(
        """
        [d]/** Shifts each letter of text $k places $direction in the alphabet, keeping its case. */
        $def
          let result = "";
          [o]// O(n): one pass, with arithmetic on character codes.
          for (const ch of text) {
            if (/[a-zA-Z]/.test(ch)) {
              [d]// Work relative to "a" or "A" so that % 26 wraps around the alphabet.
              const base = ch === ch.toLowerCase() ? 97 : 65;
              result += String.fromCharCode(((ch.charCodeAt(0) - base $sign $k + 26) % 26) + base);
            } else {
              result += ch;
            }
          }
          return result;
        }
        """,
        caesar_encrypt={"sign": "+", "direction": "forward"},
        caesar_decrypt={"sign": "-", "direction": "back"},
    ),
    "run_length": port(
        """
        [d]/** Returns the run-length encoding of text, $doc. */
        $def
          const parts = [];
          let i = 0;
          [o]// O(n): every character is visited once.
          while (i < text.length) {
            [d]// Measure the run of equal characters that starts at i.
            const ch = text[i];
            let n = 1;
            while (i + n < text.length && text[i + n] === ch) {
              n += 1;
            }
            parts.push($piece);
            i += n;
          }
          return parts.join("");
        }
        """,
        run_length_encode={"piece": "ch + n", "doc": "each run written as its character and then its length"},
        run_length_counts_first={
            "piece": "String(n) + ch",
            "doc": "each run written as its length and then its character",
        },
        compress_runs={
            "piece": "n > 1 ? ch + n : ch",
            "doc": "runs longer than one written as the character and the length",
        },
    ),
    "longest_window": port(
        longest_unique_substring={
            "template": """
                [d]/** Returns the length of the longest substring of text without a repeated character. */
                $def
                  let best = 0;
                  [cd]for (let start = 0; start < text.length; start++) {
                  [d]  // Grow a substring from this start until some character repeats.
                  [cd]  const seen = new Set();
                  [cd]  for (const ch of text.slice(start)) {
                  [cd]    if (seen.has(ch)) {
                  [cd]      break;
                  [cd]    }
                  [cd]    seen.add(ch);
                  [cd]  }
                  [cd]  best = Math.max(best, seen.size);
                  [cd]}
                  [o]const last = new Map();
                  [o]let start = 0;
                  [o]// O(n): a sliding window; last.get(ch) is the index where ch was seen most recently.
                  [o]for (let i = 0; i < text.length; i++) {
                  [o]  const ch = text[i];
                  [o]  if (last.has(ch) && last.get(ch) >= start) {
                  [o]    start = last.get(ch) + 1;
                  [o]  }
                  [o]  last.set(ch, i);
                  [o]  best = Math.max(best, i - start + 1);
                  [o]}
                  return best;
                }
            """
        },
        longest_few_distinct={
            "template": """
                [d]/** Returns the length of the longest substring of text with at most $k distinct characters. */
                $def
                  let best = 0;
                  [d]// Try every substring text.slice(start, end) and keep the longest that qualifies.
                  [cd]for (let start = 0; start < text.length; start++) {
                  [cd]  for (let end = start + 1; end <= text.length; end++) {
                  [cd]    if (new Set(text.slice(start, end)).size <= $k) {
                  [cd]      best = Math.max(best, end - start);
                  [cd]    }
                  [cd]  }
                  [cd]}
                  [o]const counts = new Map();
                  [o]let start = 0;
                  [o]// O(n): a sliding window that drops characters on the left while it holds more than $k kinds.
                  [o]for (let i = 0; i < text.length; i++) {
                  [o]  counts.set(text[i], (counts.get(text[i]) || 0) + 1);
                  [o]  while (counts.size > $k) {
                  [o]    const left = text[start];
                  [o]    counts.set(left, counts.get(left) - 1);
                  [o]    if (counts.get(left) === 0) {
                  [o]      counts.delete(left);
                  [o]    }
                  [o]    start += 1;
                  [o]  }
                  [o]  best = Math.max(best, i - start + 1);
                  [o]}
                  return best;
                }
            """
        },
    ),
    # ------------------------------------------------------------------ lists
    "multiples": port(
        """
        [d]/** Returns the $doc of the elements of nums that are divisible by $k. */
        $def
          let total = 0;
          [o]// O(n): a single pass with no intermediate array.
          for (const x of nums) {
            [d]// Only multiples of $k contribute.
            if (x % $k === 0) {
              total += $term;
            }
          }
          return total;
        }
        """,
        sum_multiples={"term": "x", "doc": "sum"},
        count_multiples={"term": "1", "doc": "count"},
        sum_squared_multiples={"term": "x * x", "doc": "sum of the squares"},
    ),
    "threshold": port(
        """
        [d]/** Returns the elements of nums that are $doc, in their original order. */
        $def
          [o]// O(n): one pass that builds the result directly.
          [d]// Keep x only if it passes the test.
          return nums.filter((x) => $cond);
        }
        """,
        values_above={"cond": "x > $t", "doc": "greater than $t"},
        values_below={"cond": "x < $t", "doc": "smaller than $t"},
        values_between={"cond": "$t <= x && x <= $hi", "doc": "between $t and $hi inclusive"},
    ),
    "running": port(
        """
        [d]/** Returns the running $doc of nums: element i covers nums[0] through nums[i]. */
        $def
          const result = [];
          [o]// O(n): each element combines with the previous result once.
          for (const x of nums) {
            [d]// The first element starts the sequence; later ones combine with the previous result.
            result.push(result.length === 0 ? x : $combine);
          }
          return result;
        }
        """,
        running_sum={"combine": "result[result.length - 1] + x", "doc": "sums"},
        running_max={"combine": "Math.max(result[result.length - 1], x)", "doc": "maxima"},
        running_min={"combine": "Math.min(result[result.length - 1], x)", "doc": "minima"},
    ),
    "ranked": port(
        """
        [d]/** Returns the distinct value of nums at rank $k from the $end, or null if there are fewer than $k. */
        $def
          [d]// A Set removes duplicates, so equal values share one rank.
          [o]// O(n log n): one sort of the distinct values.
          const values = [...new Set(nums)].sort((x, y) => $order);
          return values.length >= $k ? values[$index] : null;
        }
        """,
        ordinal_largest={"order": "y - x", "end": "top"},
        ordinal_smallest={"order": "x - y", "end": "bottom"},
    ),
    "chunks": port(
        """
        [d]/** Splits nums into consecutive chunks of $size elements and returns $doc. */
        $def
          const result = [];
          [d]// Chunks start at 0, $size, 2 * $size, ...; the last one may be shorter.
          [o]// O(n): every element is read exactly once.
          for (let i = 0; i < nums.length; i += $size) {
            result.push($chunk);
          }
          return result;
        }
        """,
        chunk_list={"chunk": "nums.slice(i, i + $size)", "doc": "the chunks"},
        chunk_sums={
            "chunk": "nums.slice(i, i + $size).reduce((a, b) => a + b, 0)",
            "doc": "the sum of each chunk",
        },
        chunk_maxima={"chunk": "Math.max(...nums.slice(i, i + $size))", "doc": "the maximum of each chunk"},
    ),
    # ------------------------------------------------------------------ math
    "digits": port(
        """
        [d]/** Returns $doc. */
        $def
          let result = 0;
          [cd]for (const ch of String(n)) {
          [d]  // Each character of String(n) is one decimal digit.
          [cd]  const d = Number(ch);
          [cd]  result = $step;
          [cd]}
          [o]// O(log n): peel the digits off arithmetically, without building a string.
          [o]do {
          [o]  const d = n % 10;
          [o]  result = $step;
          [o]  n = Math.floor(n / 10);
          [o]} while (n > 0);
          return result;
        }
        """,
        digit_sum={"step": "result + d", "doc": "the sum of the decimal digits of n"},
        count_even_digits={
            "step": "result + (d % 2 === 0 ? 1 : 0)",
            "doc": "the number of even decimal digits of n",
        },
        max_digit={"step": "Math.max(result, d)", "doc": "the largest decimal digit of n"},
    ),
    "fizzbuzz": port(
        fizzbuzz={
            "template": """
                [d]/** Returns the game word for n: $w1 for multiples of $a, $w2 for multiples of $b. */
                $def
                  [d]// Test the combined case first: a multiple of both would also pass the single tests.
                  [cd]if (n % $a === 0 && n % $b === 0) {
                  [cd]  return $both;
                  [cd]}
                  [cd]if (n % $a === 0) {
                  [cd]  return $w1;
                  [cd]}
                  [cd]if (n % $b === 0) {
                  [cd]  return $w2;
                  [cd]}
                  [cd]return String(n);
                  [o]// O(1): build the word from the two divisibility tests.
                  [o]const word = (n % $a === 0 ? $w1 : "") + (n % $b === 0 ? $w2 : "");
                  [o]return word || String(n);
                }
            """
        },
        fizzbuzz_list={
            "template": """
                [d]/** Returns the game words for 1..n: $w1 for multiples of $a, $w2 for multiples of $b. */
                $def
                  const result = [];
                  [o]// O(n): one short string per number, built from two divisibility tests.
                  for (let i = 1; i <= n; i++) {
                    [d]// The combined case comes first: it also passes both single tests.
                    [cd]if (i % $a === 0 && i % $b === 0) {
                    [cd]  result.push($both);
                    [cd]} else if (i % $a === 0) {
                    [cd]  result.push($w1);
                    [cd]} else if (i % $b === 0) {
                    [cd]  result.push($w2);
                    [cd]} else {
                    [cd]  result.push(String(i));
                    [cd]}
                    [o]result.push((i % $a === 0 ? $w1 : "") + (i % $b === 0 ? $w2 : "") || String(i));
                  }
                  return result;
                }
            """
        },
    ),
    "series": port(
        """
        [d]/** Returns $doc. */
        $def
          [cd]let total = 0;
          [d]// $why
          [cd]for (let i = $range) {
          [cd]  total += $term;
          [cd]}
          [cd]return total;
          [o]// O(1): $formula_name instead of a loop.
          [o]$formula
        }
        """,
        sum_of_squares={
            "range": "1; i <= n; i++",
            "term": "i * i",
            "doc": "1*1 + 2*2 + ... + n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form n(n + 1)(2n + 1) / 6",
            "formula": "return (n * (n + 1) * (2 * n + 1)) / 6;",
        },
        sum_of_cubes={
            "range": "1; i <= n; i++",
            "term": "i * i * i",
            "doc": "1*1*1 + 2*2*2 + ... + n*n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form (n(n + 1) / 2)^2",
            "formula": "return ((n * (n + 1)) / 2) ** 2;",
        },
        sum_below={
            "range": "0; i < n; i++",
            "term": "i % $a === 0 || i % $b === 0 ? i : 0",
            "doc": "the sum of the numbers below n divisible by $a or $b",
            "why": "The or-condition counts common multiples once.",
            "formula_name": "inclusion-exclusion over three arithmetic series",
            "formula": "const series = (k) => {\n    const m = Math.floor(Math.max(n - 1, 0) / k);\n"
            "    return (k * m * (m + 1)) / 2;\n  };\n  return series($a) + series($b) - series($a * $b);",
        },
    ),
    "primes": port(
        """
        [d]/** Returns $doc. */
        $def
          const primes = [];
          [cd]for (let p = 2; p <= n; p++) {
          [d]  // p is prime when no d with d * d <= p divides it.
          [cd]  let prime = true;
          [cd]  for (let d = 2; d * d <= p; d++) {
          [cd]    if (p % d === 0) {
          [cd]      prime = false;
          [cd]      break;
          [cd]    }
          [cd]  }
          [cd]  if (prime) {
          [cd]    primes.push(p);
          [cd]  }
          [cd]}
          [o]// O(n log log n): the sieve of Eratosthenes.
          [o]const composite = new Array(n + 1).fill(false);
          [o]for (let p = 2; p <= n; p++) {
          [o]  if (!composite[p]) {
          [o]    primes.push(p);
          [o]    for (let m = p * p; m <= n; m += p) {
          [o]      composite[m] = true;
          [o]    }
          [o]  }
          [o]}
          return $result;
        }
        """,
        primes_up_to={"result": "primes", "doc": "the primes up to n in increasing order"},
        count_primes={"result": "primes.length", "doc": "the number of primes up to n"},
        sum_primes={"result": "primes.reduce((a, b) => a + b, 0)", "doc": "the sum of the primes up to n"},
    ),
    "gcd_lcm": port(
        """
        [d]/** Returns the $doc of the positive integers in nums. */
        $def
          let result = nums[0];
          [o]// O(n log m): Euclid's algorithm folded over the list.
          for (const x of nums.slice(1)) {
            [d]// Euclid's algorithm: gcd(a, b) = gcd(b, a % b) until b is 0.
            let a = result;
            let b = x;
            while (b !== 0) {
              [a, b] = [b, a % b];
            }
            result = $fold;
          }
          return result;
        }
        """,
        gcd_all={"fold": "a", "doc": "greatest common divisor"},
        lcm_all={"fold": "(result * x) / a", "doc": "least common multiple"},
    ),
    # ------------------------------------------------------------------ dicts and parsing
    "word_counts": port(
        """
        [d]/** Returns an object mapping $doc. */
        $def
          const counts = {};
          [o]// O(n): a single pass over the words.
          for (const word of text.toLowerCase().split(/\\s+/).filter((w) => w.length > 0)) {
            [d]// A key seen for the first time starts from 0.
            counts[$key] = (counts[$key] || 0) + 1;
          }
          return counts;
        }
        """,
        word_counts={"key": "word", "doc": "each lower-cased word of text to its number of occurrences"},
        first_letter_counts={
            "key": "word[0]",
            "doc": "each lower-cased first letter to the number of words starting with it",
        },
        length_counts={"key": "word.length", "doc": "each word length to the number of words that long"},
    ),
    "group_words": port(
        """
        [d]/** Groups the words by $doc, keeping their input order within each group. */
        $def
          const groups = {};
          [o]// O(n) object operations: each word joins its group in a single pass.
          for (const word of words) {
            const key = $key;
            [d]// The group is created the first time its key is seen.
            if (!Object.hasOwn(groups, key)) {
              groups[key] = [];
            }
            groups[key].push(word);
          }
          return groups;
        }
        """,
        group_by_first_letter={"key": "word[0]", "doc": "first letter"},
        group_anagrams={
            "key": '[...word].sort().join("")',
            "doc": "their sorted letters, so that anagrams share a group",
        },
        group_by_length={"key": "word.length", "doc": "length"},
    ),
    "parse_pairs": port(
        """
        [d]/** Parses the key/value pairs of text into an object of integers$doc. */
        $def
          const result = {};
          [d]// An empty string holds no pairs (splitting it would give [""]).
          if (text === "") {
            return result;
          }
          [o]// O(n): one split pass over the text.
          for (const pair of text.split($sep)) {
            const [key, value] = pair.split($eq);
            result[key] = $update;
          }
          return result;
        }
        """,
        parse_pairs={"update": "Number(value)", "doc": " (a repeated key keeps its last value)"},
        sum_by_key={
            "update": "(result[key] || 0) + Number(value)",
            "doc": ", summing the values of a repeated key",
        },
    ),
    "brackets": port(
        is_balanced={
            "template": """
                [d]/** Returns true if the (), [] and {} brackets of text are properly matched and nested. */
                $def
                  const pairs = { ")": "(", "]": "[", "}": "{" };
                  const stack = [];
                  [o]// O(n): each bracket is pushed and popped at most once.
                  for (const ch of text) {
                    if ("([{".includes(ch)) {
                      stack.push(ch);
                    } else if (ch in pairs) {
                      [d]// A closer must match the most recent bracket still open.
                      if (stack.length === 0 || stack.pop() !== pairs[ch]) {
                        return false;
                      }
                    }
                  }
                  [d]// Brackets left on the stack were never closed.
                  return stack.length === 0;
                }
            """
        },
        max_paren_depth={
            "template": """
                [d]/** Returns the deepest nesting of the parentheses in text, or -1 if they are unbalanced. */
                $def
                  let depth = 0;
                  let deepest = 0;
                  [o]// O(n) time, O(1) memory: a counter stands in for the stack.
                  for (const ch of text) {
                    if (ch === "(") {
                      depth += 1;
                      deepest = Math.max(deepest, depth);
                    } else if (ch === ")") {
                      depth -= 1;
                      [d]// More closers than openers so far.
                      if (depth < 0) {
                        return -1;
                      }
                    }
                  }
                  return depth === 0 ? deepest : -1;
                }
            """
        },
    ),
    "expression": port(
        evaluate={
            "template": """
                [d]/** Evaluates an expression of non-negative integers, +, -, * and parentheses. */
                $def
                  const tokens = expr.match(/\\d+|\\S/g) || [];
                  let pos = 0;
                  [o]// O(n): recursive descent reads every token once.
                  [d]// A number or a parenthesized expression.
                  const atom = () => {
                    const token = tokens[pos++];
                    if (token === "(") {
                      const value = sum();
                      pos += 1;
                      return value;
                    }
                    return Number(token);
                  };
                  [d]// Atoms joined by *, which binds tighter than + and -.
                  const product = () => {
                    let value = atom();
                    while (tokens[pos] === "*") {
                      pos += 1;
                      value *= atom();
                    }
                    return value;
                  };
                  [d]// Products joined by + and -, applied from left to right.
                  const sum = () => {
                    let value = product();
                    while (tokens[pos] === "+" || tokens[pos] === "-") {
                      const sign = tokens[pos++] === "+" ? 1 : -1;
                      value += sign * product();
                    }
                    return value;
                  };
                  [d]// Adding 0 turns a negative zero (such as -5 * 0) into 0.
                  return sum() + 0;
                }
            """
        },
        eval_rpn={
            "template": """
                [d]/** Evaluates a space-separated postfix expression of integers and +, -, *. */
                $def
                  const stack = [];
                  [o]// O(n): every token is pushed or popped once.
                  for (const token of expr.split(" ")) {
                    if (token === "+" || token === "-" || token === "*") {
                      [d]// The right operand was pushed last.
                      const right = stack.pop();
                      const left = stack.pop();
                      stack.push(token === "+" ? left + right : token === "-" ? left - right : left * right);
                    } else {
                      stack.push(Number(token));
                    }
                  }
                  [d]// Adding 0 turns a negative zero (such as -5 * 0) into 0.
                  return stack.pop() + 0;
                }
            """
        },
    ),
    # ------------------------------------------------------------------ searching and sorting
    "find_index": port(
        find_first={
            "template": """
                [d]/** Returns the index of the first occurrence of target in items, or -1. */
                $def
                  [d]// Scan from the left: the first match is the answer.
                  [cd]for (let i = 0; i < items.length; i++) {
                  [cd]  if (items[i] === target) {
                  [cd]    return i;
                  [cd]  }
                  [cd]}
                  [cd]return -1;
                  [o]// O(n) worst case: indexOf stops at the first match.
                  [o]return items.indexOf(target);
                }
            """
        },
        find_last={
            "template": """
                [d]/** Returns the index of the last occurrence of target in items, or -1. */
                $def
                  [d]// Scan from the right: the first match found is the last occurrence.
                  [cd]for (let i = items.length - 1; i >= 0; i--) {
                  [cd]  if (items[i] === target) {
                  [cd]    return i;
                  [cd]  }
                  [cd]}
                  [cd]return -1;
                  [o]// O(n) worst case: lastIndexOf scans from the right and stops at the first match.
                  [o]return items.lastIndexOf(target);
                }
            """
        },
        count_occurrences={
            "template": """
                [d]/** Returns the number of elements of items equal to target. */
                $def
                  [cd]let count = 0;
                  [cd]for (const x of items) {
                  [d]  // Each match adds one.
                  [cd]  if (x === target) {
                  [cd]    count += 1;
                  [cd]  }
                  [cd]}
                  [cd]return count;
                  [o]// O(n): one pass that keeps the matches.
                  [o]return items.filter((x) => x === target).length;
                }
            """
        },
    ),
    "binary_search": port(
        """
        [d]/** Returns how many elements of the sorted array nums are $doc target. */
        $def
          let lo = 0;
          let hi = nums.length;
          [d]// Invariant: nums[0..lo) are all $doc target and nums[hi..] are not.
          [o]// O(log n): the range halves at every step.
          while (lo < hi) {
            const mid = Math.floor((lo + hi) / 2);
            if (nums[mid] $cmp target) {
              lo = mid + 1;
            } else {
              hi = mid;
            }
          }
          return lo;
        }
        """,
        binary_search={
            "template": """
                [d]/** Returns the index of target in the sorted array nums, or -1 if it is absent. */
                $def
                  let lo = 0;
                  let hi = nums.length - 1;
                  [d]// Each step halves the range nums[lo..hi] that could still hold target.
                  [o]// O(log n): the range halves at every step.
                  while (lo <= hi) {
                    const mid = Math.floor((lo + hi) / 2);
                    if (nums[mid] === target) {
                      return mid;
                    }
                    if (nums[mid] < target) {
                      lo = mid + 1;
                    } else {
                      hi = mid - 1;
                    }
                  }
                  return -1;
                }
            """
        },
        insertion_point={"cmp": "<", "doc": "less than"},
        upper_bound={"cmp": "<=", "doc": "at most"},
    ),
    "merge_sorted": port(
        merge_sorted={
            "template": """
                [d]/** Returns all elements of the sorted arrays a and b in one sorted array. */
                $def
                  [cd]return [...a, ...b].sort((x, y) => x - y);
                  [o]const result = [];
                  [o]let i = 0;
                  [o]let j = 0;
                  [o]// O(n + m): always take the smaller head of the two sorted arrays.
                  [o]while (i < a.length || j < b.length) {
                  [o]  if (j === b.length || (i < a.length && a[i] <= b[j])) {
                  [o]    result.push(a[i++]);
                  [o]  } else {
                  [o]    result.push(b[j++]);
                  [o]  }
                  [o]}
                  [o]return result;
                }
            """
        },
        sorted_union={
            "template": """
                [d]/** Returns the distinct values of a and b in increasing order. */
                $def
                  [d]// The Set drops duplicates; the sort restores the order.
                  [o]// O((n + m) log(n + m)): one Set, one sort.
                  return [...new Set([...a, ...b])].sort((x, y) => x - y);
                }
            """
        },
        sorted_intersection={
            "template": """
                [d]/** Returns the distinct values found in both a and b, in increasing order. */
                $def
                  [cd]return [...new Set(a)].filter((x) => b.includes(x));
                  [o]const inB = new Set(b);
                  [o]// O(n + m): a is already sorted, so filtering its distinct values keeps the order.
                  [o]return [...new Set(a)].filter((x) => inB.has(x));
                }
            """
        },
    ),
    "sort_words": port(
        """
        [d]/** Returns the words sorted by $doc, ties broken alphabetically. */
        $def
          const byText = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
          [d]// The key decides first; the words themselves break ties.
          [o]// O(n log n): one sort of a copy; the input is left unchanged.
          return [...words].sort((x, y) => $compare || byText(x, y));
        }
        """,
        sort_by_length={"compare": "x.length - y.length", "doc": "length"},
        sort_by_last_letter={"compare": "byText(x[x.length - 1], y[y.length - 1])", "doc": "last letter"},
        sort_by_vowels={
            "compare": '[...y].filter((ch) => "aeiou".includes(ch)).length - '
            '[...x].filter((ch) => "aeiou".includes(ch)).length',
            "doc": "vowel count (most first)",
        },
    ),
    "intervals": port(
        """
        [d]/** Merges the overlapping [start, end] intervals and returns $doc. */
        $def
          const merged = [];
          [d]// Sorted by start, overlapping intervals become neighbours.
          [o]// O(n log n): one sort, then a single linear sweep.
          const sorted = intervals.map((pair) => [...pair]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
          for (const [start, end] of sorted) {
            const last = merged[merged.length - 1];
            if (last && start <= last[1]) {
              [d]// It overlaps or touches the last merged interval: extend that one.
              last[1] = Math.max(last[1], end);
            } else {
              merged.push([start, end]);
            }
          }
          return $result;
        }
        """,
        merge_intervals={"result": "merged", "doc": "them sorted by start"},
        covered_length={
            "result": "merged.reduce((total, [start, end]) => total + end - start, 0)",
            "doc": "the total length they cover",
        },
    ),
    "grid_path": port(
        """
        [d]/** Breadth-first search from the top-left cell of grid; returns $doc. */
        $def
          const rows = grid.length;
          const cols = grid[0].length;
          if (grid[0][0] === "#") {
            return $blocked;
          }
          [d]// dist maps each reached cell "r,c" to its number of steps from the start.
          const dist = new Map([["0,0", 0]]);
          const queue = [[0, 0]];
          [o]// O(rows * cols): breadth-first search enqueues every cell at most once.
          for (let head = 0; head < queue.length; head++) {
            const [r, c] = queue[head];
            for (const [nr, nc] of [[r + 1, c], [r - 1, c], [r, c + 1], [r, c - 1]]) {
              const key = nr + "," + nc;
              [d]// Step onto open cells inside the grid that were not reached before.
              if (nr >= 0 && nr < rows && nc >= 0 && nc < cols && grid[nr][nc] === "." && !dist.has(key)) {
                dist.set(key, dist.get(r + "," + c) + 1);
                queue.push([nr, nc]);
              }
            }
          }
          return $result;
        }
        """,
        shortest_path={
            "blocked": "-1",
            "result": 'dist.get(rows - 1 + "," + (cols - 1)) ?? -1',
            "doc": "the steps to the bottom-right cell, or -1",
        },
        reachable_cells={"blocked": "0", "result": "dist.size", "doc": "the number of reachable open cells"},
    ),
    # ------------------------------------------------------------------ recursion and dynamic programming
    "stairs": port(
        """
        [d]/** Returns $doc. */
        $def
          [d]// table[i] is the answer for a staircase of i steps.
          const table = new Array(n + 1).fill(0);
          table[0] = $base;
          [o]// O(n * m) time for m move sizes: each step looks back once per size.
          for (let i = 1; i <= n; i++) {
            [d]// The last move has some size s, so it starts from step i - s.
            table[i] = $cell;
          }
          return table[n];
        }
        """,
        climb_stairs={
            "base": "1",
            "cell": "$steps.filter((s) => s <= i).reduce((sum, s) => sum + table[i - s], 0)",
            "doc": "the number of ordered ways to climb n steps with moves of size $choices",
        },
        min_moves={
            "base": "0",
            "cell": "$steps.reduce((best, s) => (s <= i && table[i - s] >= 0 && (best < 0 || table[i - s] + 1 < best) "
            "? table[i - s] + 1 : best), -1)",
            "doc": "the fewest moves of size $choices that climb exactly n steps, or -1",
        },
    ),
    "flatten": port(
        flatten={
            "template": """
                [d]/** Returns the integers of the nested array items as one flat array, in order. */
                $def
                  [cd]const result = [];
                  [cd]for (const item of items) {
                  [d]  // Inner arrays are flattened recursively, integers copied as they are.
                  [cd]  if (Array.isArray(item)) {
                  [cd]    result.push(...$fn(item));
                  [cd]  } else {
                  [cd]    result.push(item);
                  [cd]  }
                  [cd]}
                  [cd]return result;
                  [o]// O(total size): flat() with no depth limit walks every element once.
                  [o]return items.flat(Infinity);
                }
            """
        },
        nested_sum={
            "template": """
                [d]/** Returns the sum of all integers in the nested array items. */
                $def
                  [cd]let total = 0;
                  [cd]for (const item of items) {
                  [d]  // An inner array contributes the sum of its own contents.
                  [cd]  total += Array.isArray(item) ? $fn(item) : item;
                  [cd]}
                  [cd]return total;
                  [o]// O(total size): flatten completely, then add up once.
                  [o]return items.flat(Infinity).reduce((a, b) => a + b, 0);
                }
            """
        },
        list_depth={
            "template": """
                [d]/** Returns how deeply arrays nest in items; a flat array has depth 1. */
                $def
                  [cd]let deepest = 0;
                  [cd]for (const item of items) {
                  [d]  // Only inner arrays add depth.
                  [cd]  if (Array.isArray(item)) {
                  [cd]    deepest = Math.max(deepest, $fn(item));
                  [cd]  }
                  [cd]}
                  [cd]return 1 + deepest;
                  [o]let best = 0;
                  [o]const stack = [[items, 1]];
                  [o]// O(total size): each array is visited once, without recursion.
                  [o]while (stack.length > 0) {
                  [o]  const [current, depth] = stack.pop();
                  [o]  best = Math.max(best, depth);
                  [o]  for (const item of current.filter(Array.isArray)) {
                  [o]    stack.push([item, depth + 1]);
                  [o]  }
                  [o]}
                  [o]return best;
                }
            """
        },
    ),
    "alignment": port(
        """
        [d]/** Returns $doc. */
        $def
          [d]// dp[i][j] is the answer for the prefixes of length i of a and j of b.
          const dp = Array.from({ length: a.length + 1 }, (_, i) =>
            Array.from({ length: b.length + 1 }, (_, j) => $base),
          );
          [o]// O(len(a) * len(b)): every cell is computed once from its neighbours.
          for (let i = 1; i <= a.length; i++) {
            for (let j = 1; j <= b.length; j++) {
              const same = a[i - 1] === b[j - 1];
              dp[i][j] = $cell;
            }
          }
          return $answer;
        }
        """,
        lcs_length={
            "base": "0",
            "cell": "same ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1])",
            "answer": "dp[a.length][b.length]",
            "doc": "the length of the longest common subsequence of a and b",
        },
        edit_distance={
            "base": "(i === 0 || j === 0 ? i + j : 0)",
            "cell": "same ? dp[i - 1][j - 1] : 1 + Math.min(dp[i - 1][j - 1], dp[i - 1][j], dp[i][j - 1])",
            "answer": "dp[a.length][b.length]",
            "doc": "the minimum number of insertions, deletions and substitutions turning a into b",
        },
        longest_common_substring={
            "base": "0",
            "cell": "same ? dp[i - 1][j - 1] + 1 : 0",
            "answer": "Math.max(...dp.flat())",
            "doc": "the length of the longest substring that occurs in both a and b",
        },
    ),
    "coins": port(
        min_coins={
            "template": """
                [d]/** Returns the fewest coins of values $coins summing to amount, or -1 if impossible. */
                $def
                  [d]// fewest[t] is the answer for the total t (-1 while unreachable).
                  const fewest = new Array(amount + 1).fill(-1);
                  fewest[0] = 0;
                  [o]// O(amount * number of coin values) time, O(amount) memory.
                  for (let total = 1; total <= amount; total++) {
                    for (const c of $coins) {
                      [d]// The last coin c leaves total - c, which must itself be reachable.
                      if (c <= total && fewest[total - c] >= 0 && (fewest[total] < 0 || fewest[total - c] + 1 < fewest[total])) {
                        fewest[total] = fewest[total - c] + 1;
                      }
                    }
                  }
                  return fewest[amount];
                }
            """
        },
        count_change={
            "template": """
                [d]/** Returns the number of coin combinations of values $coins that sum to amount. */
                $def
                  [d]// ways[t] counts the combinations for the total t using the coins seen so far.
                  const ways = new Array(amount + 1).fill(0);
                  ways[0] = 1;
                  [d]// Coins in the outer loop, so each combination is counted in one order only.
                  [o]// O(amount * number of coin values) time, O(amount) memory.
                  for (const c of $coins) {
                    for (let total = c; total <= amount; total++) {
                      ways[total] += ways[total - c];
                    }
                  }
                  return ways[amount];
                }
            """
        },
    ),
    "lis": port(
        """
        [d]/** Returns the length of the longest $doc subsequence of nums. */
        $def
          [d]// best[i] is the length of the longest such subsequence ending at nums[i].
          [cd]const best = nums.map(() => 1);
          [cd]for (let i = 0; i < nums.length; i++) {
          [cd]  for (let j = 0; j < i; j++) {
          [cd]    if (nums[j] $cmp nums[i]) {
          [cd]      best[i] = Math.max(best[i], best[j] + 1);
          [cd]    }
          [cd]  }
          [cd]}
          [cd]return Math.max(0, ...best);
          [o]const tails = [];
          [o]// O(n log n): tails[k] is the smallest possible last value of a run of length k + 1.
          [o]for (const x of nums) {
          [o]  let lo = 0;
          [o]  let hi = tails.length;
          [o]  while (lo < hi) {
          [o]    const mid = (lo + hi) >> 1;
          [o]    if (tails[mid] $tail $key) {
          [o]      lo = mid + 1;
          [o]    } else {
          [o]      hi = mid;
          [o]    }
          [o]  }
          [o]  tails[lo] = $key;
          [o]}
          [o]return tails.length;
        }
        """,
        longest_increasing={"cmp": "<", "doc": "strictly increasing", "tail": "<", "key": "x"},
        longest_non_decreasing={"cmp": "<=", "doc": "non-decreasing", "tail": "<=", "key": "x"},
        longest_decreasing={"cmp": ">", "doc": "strictly decreasing", "tail": "<", "key": "-x"},
    ),
    "subsets": port(
        count_subsets={
            "template": """
                [d]/** Returns how many subsets of nums sum to target. */
                $def
                  [cd]const count = (i, remaining) => {
                  [cd]  if (i === nums.length) {
                  [cd]    return remaining === 0 ? 1 : 0;
                  [cd]  }
                  [d]  // Either nums[i] is in the subset or it is not.
                  [cd]  return count(i + 1, remaining - nums[i]) + count(i + 1, remaining);
                  [cd]};
                  [cd]return count(0, target);
                  [o]let counts = new Map([[0, 1]]);
                  [o]// O(n * S) for S distinct partial sums: count the subsets that reach each sum.
                  [o]for (const x of nums) {
                  [o]  const next = new Map(counts);
                  [o]  for (const [total, ways] of counts) {
                  [o]    next.set(total + x, (next.get(total + x) || 0) + ways);
                  [o]  }
                  [o]  counts = next;
                  [o]}
                  [o]return counts.get(target) || 0;
                }
            """
        },
        has_subset_sum={
            "template": """
                [d]/** Returns whether some subset of nums sums to target. */
                $def
                  [cd]const search = (i, remaining) => {
                  [cd]  if (i === nums.length) {
                  [cd]    return remaining === 0;
                  [cd]  }
                  [d]  // Either nums[i] is in the subset or it is not.
                  [cd]  return search(i + 1, remaining - nums[i]) || search(i + 1, remaining);
                  [cd]};
                  [cd]return search(0, target);
                  [o]let sums = new Set([0]);
                  [o]// O(n * S) for S distinct partial sums, instead of trying all 2^n subsets.
                  [o]for (const x of nums) {
                  [o]  sums = new Set([...sums, ...[...sums].map((total) => total + x)]);
                  [o]}
                  [o]return sums.has(target);
                }
            """
        },
        subsets_with_sum={
            "template": """
                [d]/** Returns the subsets of nums that sum to target, each sorted, in sorted order. */
                $def
                  const found = [];
                  const search = (i, chosen, remaining) => {
                    if (i === nums.length) {
                      if (remaining === 0) {
                        found.push([...chosen].sort((x, y) => x - y));
                      }
                      return;
                    }
                    [d]// Branch: take nums[i], or leave it out.
                    search(i + 1, [...chosen, nums[i]], remaining - nums[i]);
                    search(i + 1, chosen, remaining);
                  };
                  [o]// O(2^n * n): every subset is checked once, which listing them all needs anyway.
                  search(0, [], target);
                  [d]// Lexicographic order: the first differing element decides, a prefix comes first.
                  return found.sort((x, y) => {
                    for (let k = 0; k < Math.min(x.length, y.length); k++) {
                      if (x[k] !== y[k]) {
                        return x[k] - y[k];
                      }
                    }
                    return x.length - y.length;
                  });
                }
            """
        },
    ),
    # ------------------------------------------------------------------ matrices
    "matrix_ops": port(
        """
        [d]/** Returns $doc. */
        $def
          [d]// $why
          [o]// O(rows * cols): every element is read once.
          return $expr;
        }
        """,
        row_sums={
            "expr": "matrix.map((row) => row.reduce((a, b) => a + b, 0))",
            "doc": "the sum of each row of matrix",
            "why": "Each row is already an array of numbers.",
        },
        column_sums={
            "expr": "matrix.length === 0 ? [] : matrix[0].map((_, j) => matrix.reduce((total, row) => total + row[j], 0))",
            "doc": "the sum of each column of matrix",
            "why": "Column j collects element j of every row.",
        },
        rotate_clockwise={
            "expr": "matrix.length === 0 ? [] : matrix[0].map((_, j) => matrix.map((row) => row[j]).reverse())",
            "doc": "matrix rotated 90 degrees clockwise",
            "why": "Row j of the result is column j read from the bottom up.",
        },
    ),
    "spiral": port(
        """
        [d]/** Returns the elements of matrix in $doc spiral order, starting at the top-left corner. */
        $def
          const grid = $grid;
          const result = [];
          if (grid.length === 0) {
            return result;
          }
          let top = 0;
          let bottom = grid.length - 1;
          let left = 0;
          let right = grid[0].length - 1;
          [o]// O(rows * cols): walk the border of each ring once.
          while (top <= bottom && left <= right) {
            [d]// The top row left to right, then the right column downwards.
            for (let c = left; c <= right; c++) {
              result.push(grid[top][c]);
            }
            for (let r = top + 1; r <= bottom; r++) {
              result.push(grid[r][right]);
            }
            [d]// The bottom row and the left column, unless the ring is a single row or column.
            if (top < bottom) {
              for (let c = right - 1; c >= left; c--) {
                result.push(grid[bottom][c]);
              }
            }
            if (left < right) {
              for (let r = bottom - 1; r > top; r--) {
                result.push(grid[r][left]);
              }
            }
            top += 1;
            bottom -= 1;
            left += 1;
            right -= 1;
          }
          return result;
        }
        """,
        spiral_order={"grid": "matrix", "doc": "clockwise"},
        spiral_counterclockwise={
            # Walking the transpose clockwise is walking the matrix counter-clockwise.
            "grid": "matrix.length === 0 ? [] : matrix[0].map((_, j) => matrix.map((row) => row[j]))",
            "doc": "counter-clockwise",
        },
    ),
    "islands": port(
        """
        [d]/** Returns $doc in grid ("#" is land, "." is water). */
        $def
          const seen = new Set();
          const sizes = [];
          [o]// O(rows * cols): every land cell is pushed onto the stack once.
          for (let r0 = 0; r0 < grid.length; r0++) {
            for (let c0 = 0; c0 < grid[r0].length; c0++) {
              if (grid[r0][c0] !== "#" || seen.has(r0 + "," + c0)) {
                continue;
              }
              [d]// A new island: collect every land cell connected to (r0, c0).
              seen.add(r0 + "," + c0);
              const stack = [[r0, c0]];
              let size = 0;
              while (stack.length > 0) {
                const [r, c] = stack.pop();
                size += 1;
                for (const [dr, dc] of $moves) {
                  const nr = r + dr;
                  const nc = c + dc;
                  const open = nr >= 0 && nr < grid.length && nc >= 0 && nc < grid[nr].length;
                  if (open && grid[nr][nc] === "#" && !seen.has(nr + "," + nc)) {
                    seen.add(nr + "," + nc);
                    stack.push([nr, nc]);
                  }
                }
              }
              sizes.push(size);
            }
          }
          return $answer;
        }
        """,
        count_islands={
            "moves": "[[1, 0], [-1, 0], [0, 1], [0, -1]]",
            "answer": "sizes.length",
            "doc": "the number of islands",
        },
        count_islands_diagonal={
            "moves": "[[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]]",
            "answer": "sizes.length",
            "doc": "the number of 8-connected islands",
        },
        largest_island={
            "moves": "[[1, 0], [-1, 0], [0, 1], [0, -1]]",
            "answer": "Math.max(0, ...sizes)",
            "doc": "the size of the largest island",
        },
    ),
}
