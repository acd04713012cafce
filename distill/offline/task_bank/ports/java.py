"""Java solutions of the task families: static methods of ``class Solution`` (see ``porting`` for the marks).

Templates are written at class level; the renderer wraps them in ``class Solution`` and hoists their
``import`` lines (``java.util.*`` is always imported). ``$ret`` is the declared return type.
"""

from distill.offline.task_bank.porting import port

SUM = ".stream().mapToInt(Integer::intValue).sum()"

PORTS = {
    # ------------------------------------------------------------------ strings
    "count_chars": port(
        r"""
        [d]/** Returns the number of $doc in text. */
        $def
            [o]// O(n): one pass over text with O(1) work per character.
            int count = 0;
            for (char ch : text$prep.toCharArray()) {
                [d]// Count only the characters that pass the test.
                if ($test) {
                    count++;
                }
            }
            return count;
        }
        """,
        count_vowels={
            "prep": ".toLowerCase()",
            "test": '"aeiou".indexOf(ch) >= 0',
            "doc": "vowels (a, e, i, o, u; any case)",
        },
        count_digits={"prep": "", "test": "Character.isDigit(ch)", "doc": "decimal digits"},
        count_letter={
            "prep": ".toLowerCase()",
            "test": "ch == $ch_char",
            "doc": "occurrences of the letter $ch (any case)",
        },
    ),
    "reverse_words": port(
        r"""
        [d]/** Returns $doc. */
        $def
            List<String> words = new ArrayList<>();
            [o]// O(n): a single split and a single join.
            for (String word : text.split(" ")) {
                [d]// Splitting "" gives one empty piece: skipping empty pieces leaves no words at all.
                if (!word.isEmpty()) {
                    words.add($add);
                }
            }
            return String.join(" ", words);
        }
        """,
        reverse_words={"add": "0, word", "doc": "the words of text in reverse order"},
        reverse_each_word={
            "add": "new StringBuilder(word).reverse().toString()",
            "doc": "text with each word spelled backwards",
        },
        capitalize_words={
            "add": "Character.toUpperCase(word.charAt(0)) + word.substring(1).toLowerCase()",
            "doc": "text with each word capitalized",
        },
    ),
    "palindrome": port(
        r"""
        [d]/** Returns true if text reads the same in both directions$doc. */
        $def
            String chars = $norm;
            [d]// A palindrome equals its own reverse.
            [cd]return chars.equals(new StringBuilder(chars).reverse().toString());
            [o]// O(n) time: compare mirrored positions, stopping at the first mismatch.
            [o]for (int i = 0, j = chars.length() - 1; i < j; i++, j--) {
            [o]    if (chars.charAt(i) != chars.charAt(j)) {
            [o]        return false;
            [o]    }
            [o]}
            [o]return true;
        }
        """,
        is_palindrome={"norm": "text", "doc": ""},
        is_palindrome_ignore_case={"norm": "text.toLowerCase()", "doc": ", ignoring case"},
        is_sentence_palindrome={
            "norm": 'text.toLowerCase().replaceAll("[^a-z0-9]", "")',
            "doc": ", looking only at letters and digits and ignoring case",
        },
    ),
    "acronym": port(
        r"""
        [d]/** Returns the upper-case initials of the words of text$doc. */
        $def
            List<String> initials = new ArrayList<>();
            [o]// O(n): one pass over the words.
            for (String word : text.split(" ")) {
                if (!word.isEmpty()) {
                    [d]// The first character of each word, upper-cased.
                    initials.add(String.valueOf(Character.toUpperCase(word.charAt(0))));
                }
            }
            return String.join($joiner, initials);
        }
        """,
        acronym={"joiner": '""', "doc": ""},
        initials_with_separator={"joiner": "$sep", "doc": ", separated by $sep"},
    ),
    "caesar": port(
        r"""
        [d]/** Shifts each letter of text $k places $direction in the alphabet, keeping its case. */
        $def
            StringBuilder result = new StringBuilder();
            [o]// O(n): one pass, with arithmetic on character codes.
            for (char ch : text.toCharArray()) {
                if (Character.isLetter(ch)) {
                    [d]// Work relative to 'a' or 'A' so that % 26 wraps around the alphabet.
                    char base = Character.isLowerCase(ch) ? 'a' : 'A';
                    result.append((char) ((ch - base $sign $k + 26) % 26 + base));
                } else {
                    result.append(ch);
                }
            }
            return result.toString();
        }
        """,
        caesar_encrypt={"sign": "+", "direction": "forward"},
        caesar_decrypt={"sign": "-", "direction": "back"},
    ),
    "run_length": port(
        r"""
        [d]/** Returns the run-length encoding of text, $doc. */
        $def
            StringBuilder result = new StringBuilder();
            int i = 0;
            [o]// O(n): every character is visited once.
            while (i < text.length()) {
                [d]// Measure the run of equal characters that starts at i.
                char ch = text.charAt(i);
                int n = 1;
                while (i + n < text.length() && text.charAt(i + n) == ch) {
                    n++;
                }
                result.append($piece);
                i += n;
            }
            return result.toString();
        }
        """,
        run_length_encode={
            "piece": '"" + ch + n',
            "doc": "each run written as its character and then its length",
        },
        run_length_counts_first={
            "piece": '"" + n + ch',
            "doc": "each run written as its length and then its character",
        },
        compress_runs={
            "piece": 'n > 1 ? "" + ch + n : String.valueOf(ch)',
            "doc": "runs longer than one written as the character and the length",
        },
    ),
    "longest_window": port(
        longest_unique_substring={
            "template": r"""
                [d]/** Returns the length of the longest substring of text without a repeated character. */
                $def
                    int best = 0;
                    [cd]for (int start = 0; start < text.length(); start++) {
                    [d]    // Grow a substring from this start until some character repeats.
                    [cd]    Set<Character> seen = new HashSet<>();
                    [cd]    for (char ch : text.substring(start).toCharArray()) {
                    [cd]        if (!seen.add(ch)) {
                    [cd]            break;
                    [cd]        }
                    [cd]    }
                    [cd]    best = Math.max(best, seen.size());
                    [cd]}
                    [o]Map<Character, Integer> last = new HashMap<>();
                    [o]int start = 0;
                    [o]// O(n): a sliding window; last.get(ch) is the index where ch was seen most recently.
                    [o]for (int i = 0; i < text.length(); i++) {
                    [o]    char ch = text.charAt(i);
                    [o]    if (last.containsKey(ch) && last.get(ch) >= start) {
                    [o]        start = last.get(ch) + 1;
                    [o]    }
                    [o]    last.put(ch, i);
                    [o]    best = Math.max(best, i - start + 1);
                    [o]}
                    return best;
                }
            """
        },
        longest_few_distinct={
            "template": r"""
                [d]/** Returns the length of the longest substring of text with at most $k distinct characters. */
                $def
                    int best = 0;
                    [cd]for (int start = 0; start < text.length(); start++) {
                    [d]    // Extend the substring from start while it holds at most $k kinds of character.
                    [cd]    Set<Character> kinds = new HashSet<>();
                    [cd]    for (int end = start; end < text.length(); end++) {
                    [cd]        kinds.add(text.charAt(end));
                    [cd]        if (kinds.size() > $k) {
                    [cd]            break;
                    [cd]        }
                    [cd]        best = Math.max(best, end - start + 1);
                    [cd]    }
                    [cd]}
                    [o]Map<Character, Integer> counts = new HashMap<>();
                    [o]int start = 0;
                    [o]// O(n): a sliding window that drops characters on the left while it holds more than $k kinds.
                    [o]for (int i = 0; i < text.length(); i++) {
                    [o]    counts.merge(text.charAt(i), 1, Integer::sum);
                    [o]    while (counts.size() > $k) {
                    [o]        char left = text.charAt(start++);
                    [o]        if (counts.merge(left, -1, Integer::sum) == 0) {
                    [o]            counts.remove(left);
                    [o]        }
                    [o]    }
                    [o]    best = Math.max(best, i - start + 1);
                    [o]}
                    return best;
                }
            """
        },
    ),
    # ------------------------------------------------------------------ lists
    "multiples": port(
        r"""
        [d]/** Returns the $doc of the elements of nums that are divisible by $k. */
        $def
            int total = 0;
            [o]// O(n): a single pass with no intermediate list.
            for (int x : nums) {
                [d]// Only multiples of $k contribute.
                if (x % $k == 0) {
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
        r"""
        [d]/** Returns the elements of nums that are $doc, in their original order. */
        $def
            List<Integer> result = new ArrayList<>();
            [o]// O(n): one pass that builds the result directly.
            for (int x : nums) {
                [d]// Keep x only if it passes the test.
                if ($cond) {
                    result.add(x);
                }
            }
            return result;
        }
        """,
        values_above={"cond": "x > $t", "doc": "greater than $t"},
        values_below={"cond": "x < $t", "doc": "smaller than $t"},
        values_between={"cond": "$t <= x && x <= $hi", "doc": "between $t and $hi inclusive"},
    ),
    "running": port(
        r"""
        [d]/** Returns the running $doc of nums: element i covers nums[0] through nums[i]. */
        $def
            List<Integer> result = new ArrayList<>();
            [o]// O(n): each element combines with the previous result once.
            for (int x : nums) {
                [d]// The first element starts the sequence; later ones combine with the previous result.
                result.add(result.isEmpty() ? x : $combine);
            }
            return result;
        }
        """,
        running_sum={"combine": "result.get(result.size() - 1) + x", "doc": "sums"},
        running_max={"combine": "Math.max(result.get(result.size() - 1), x)", "doc": "maxima"},
        running_min={"combine": "Math.min(result.get(result.size() - 1), x)", "doc": "minima"},
    ),
    "ranked": port(
        r"""
        [d]/** Returns the distinct value of nums at rank $k from the $end, or null if there are fewer than $k. */
        $def
            [d]// A TreeSet drops duplicates and sorts, so equal values share one rank.
            [o]// O(n log n): one pass into a sorted set.
            List<Integer> values = new ArrayList<>(new TreeSet<>(nums));
            return values.size() >= $k ? values.get($position) : null;
        }
        """,
        ordinal_largest={"position": "values.size() - $k", "end": "top"},
        ordinal_smallest={"position": "$index", "end": "bottom"},
    ),
    "chunks": port(
        r"""
        [d]/** Splits nums into consecutive chunks of $size elements and returns $doc. */
        $def
            $ret result = new ArrayList<>();
            [d]// Chunks start at 0, $size, 2 * $size, ...; the last one may be shorter.
            [o]// O(n): every element is read exactly once.
            for (int i = 0; i < nums.size(); i += $size) {
                List<Integer> chunk = nums.subList(i, Math.min(i + $size, nums.size()));
                result.add($chunk);
            }
            return result;
        }
        """,
        chunk_list={"chunk": "new ArrayList<>(chunk)", "doc": "the chunks"},
        chunk_sums={"chunk": "chunk" + SUM, "doc": "the sum of each chunk"},
        chunk_maxima={"chunk": "Collections.max(chunk)", "doc": "the maximum of each chunk"},
    ),
    # ------------------------------------------------------------------ math
    "digits": port(
        r"""
        [d]/** Returns $doc. */
        $def
            int result = 0;
            [cd]for (char ch : String.valueOf(n).toCharArray()) {
            [d]    // Each character of the decimal string is one digit.
            [cd]    int d = ch - '0';
            [cd]    result = $step;
            [cd]}
            [o]// O(log n): peel the digits off arithmetically, without building a string.
            [o]do {
            [o]    int d = n % 10;
            [o]    result = $step;
            [o]    n /= 10;
            [o]} while (n > 0);
            return result;
        }
        """,
        digit_sum={"step": "result + d", "doc": "the sum of the decimal digits of n"},
        count_even_digits={
            "step": "result + (d % 2 == 0 ? 1 : 0)",
            "doc": "the number of even decimal digits of n",
        },
        max_digit={"step": "Math.max(result, d)", "doc": "the largest decimal digit of n"},
    ),
    "fizzbuzz": port(
        fizzbuzz={
            "template": r"""
                [d]/** Returns the game word for n: $w1 for multiples of $a, $w2 for multiples of $b. */
                $def
                    [d]// Test the combined case first: a multiple of both would also pass the single tests.
                    [cd]if (n % $a == 0 && n % $b == 0) {
                    [cd]    return $both;
                    [cd]}
                    [cd]if (n % $a == 0) {
                    [cd]    return $w1;
                    [cd]}
                    [cd]if (n % $b == 0) {
                    [cd]    return $w2;
                    [cd]}
                    [cd]return String.valueOf(n);
                    [o]// O(1): build the word from the two divisibility tests.
                    [o]String word = (n % $a == 0 ? $w1 : "") + (n % $b == 0 ? $w2 : "");
                    [o]return word.isEmpty() ? String.valueOf(n) : word;
                }
            """
        },
        fizzbuzz_list={
            "template": r"""
                [d]/** Returns the game words for 1..n: $w1 for multiples of $a, $w2 for multiples of $b. */
                $def
                    List<String> result = new ArrayList<>();
                    [o]// O(n): one short string per number, built from two divisibility tests.
                    for (int i = 1; i <= n; i++) {
                        [d]// The combined case comes first: it also passes both single tests.
                        [cd]if (i % $a == 0 && i % $b == 0) {
                        [cd]    result.add($both);
                        [cd]} else if (i % $a == 0) {
                        [cd]    result.add($w1);
                        [cd]} else if (i % $b == 0) {
                        [cd]    result.add($w2);
                        [cd]} else {
                        [cd]    result.add(String.valueOf(i));
                        [cd]}
                        [o]String word = (i % $a == 0 ? $w1 : "") + (i % $b == 0 ? $w2 : "");
                        [o]result.add(word.isEmpty() ? String.valueOf(i) : word);
                    }
                    return result;
                }
            """
        },
    ),
    "series": port(
        r"""
        [d]/** Returns $doc. */
        $def
            [cd]int total = 0;
            [d]// $why
            [cd]for (int i = $range) {
            [cd]    total += $term;
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
            "formula": "return n * (n + 1) * (2 * n + 1) / 6;",
        },
        sum_of_cubes={
            "range": "1; i <= n; i++",
            "term": "i * i * i",
            "doc": "1*1*1 + 2*2*2 + ... + n*n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form (n(n + 1) / 2)^2",
            "formula": "int half = n * (n + 1) / 2;\n    return half * half;",
        },
        sum_below={
            "range": "0; i < n; i++",
            "term": "i % $a == 0 || i % $b == 0 ? i : 0",
            "doc": "the sum of the numbers below n divisible by $a or $b",
            "why": "The or-condition counts common multiples once.",
            "formula_name": "inclusion-exclusion over three arithmetic series",
            "formula": "int ma = (n - 1) / $a, mb = (n - 1) / $b, mab = (n - 1) / ($a * $b);\n"
            "    return $a * ma * (ma + 1) / 2 + $b * mb * (mb + 1) / 2 - $a * $b * mab * (mab + 1) / 2;",
        },
    ),
    "primes": port(
        r"""
        [d]/** Returns $doc. */
        $def
            List<Integer> primes = new ArrayList<>();
            [cd]for (int p = 2; p <= n; p++) {
            [d]    // p is prime when no d with d * d <= p divides it.
            [cd]    boolean prime = true;
            [cd]    for (int d = 2; d * d <= p; d++) {
            [cd]        if (p % d == 0) {
            [cd]            prime = false;
            [cd]            break;
            [cd]        }
            [cd]    }
            [cd]    if (prime) {
            [cd]        primes.add(p);
            [cd]    }
            [cd]}
            [o]// O(n log log n): the sieve of Eratosthenes.
            [o]boolean[] composite = new boolean[n + 1];
            [o]for (int p = 2; p <= n; p++) {
            [o]    if (!composite[p]) {
            [o]        primes.add(p);
            [o]        for (int m = p * p; m <= n; m += p) {
            [o]            composite[m] = true;
            [o]        }
            [o]    }
            [o]}
            return $result;
        }
        """,
        primes_up_to={"result": "primes", "doc": "the primes up to n in increasing order"},
        count_primes={"result": "primes.size()", "doc": "the number of primes up to n"},
        sum_primes={"result": "primes" + SUM, "doc": "the sum of the primes up to n"},
    ),
    "gcd_lcm": port(
        r"""
        [d]/** Returns the $doc of the positive integers in nums. */
        $def
            int result = nums.get(0);
            [o]// O(n log m): Euclid's algorithm folded over the list.
            for (int x : nums.subList(1, nums.size())) {
                [d]// Euclid's algorithm: gcd(a, b) = gcd(b, a % b) until b is 0.
                int a = result;
                int b = x;
                while (b != 0) {
                    int rest = a % b;
                    a = b;
                    b = rest;
                }
                result = $fold;
            }
            return result;
        }
        """,
        gcd_all={"fold": "a", "doc": "greatest common divisor"},
        lcm_all={"fold": "result / a * x", "doc": "least common multiple"},
    ),
    # ------------------------------------------------------------------ dicts and parsing
    "word_counts": port(
        r"""
        [d]/** Returns a map from $doc. */
        $def
            $ret counts = new HashMap<>();
            [o]// O(n): a single pass over the words.
            for (String word : text.toLowerCase().split(" ")) {
                if (word.isEmpty()) {
                    continue;
                }
                [d]// merge() starts a new key at 1 and adds 1 to an existing one.
                counts.merge($key, 1, Integer::sum);
            }
            return counts;
        }
        """,
        word_counts={"key": "word", "doc": "each lower-cased word of text to its number of occurrences"},
        first_letter_counts={
            "key": "String.valueOf(word.charAt(0))",
            "doc": "each lower-cased first letter to the number of words starting with it",
        },
        length_counts={"key": "word.length()", "doc": "each word length to the number of words that long"},
    ),
    "group_words": port(
        r"""
        [d]/** Groups the words by $doc, keeping their input order within each group. */
        $def
            $ret groups = new HashMap<>();
            [o]// O(n) map operations: each word joins its group in a single pass.
            for (String word : words) {
                [d]// computeIfAbsent creates the group the first time its key is seen.
                groups.computeIfAbsent($key, key -> new ArrayList<>()).add(word);
            }
            return groups;
        }
        """,
        group_by_first_letter={"key": "String.valueOf(word.charAt(0))", "doc": "first letter"},
        group_anagrams={
            "key": "word.chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint, "
            "StringBuilder::append).toString()",
            "doc": "their sorted letters, so that anagrams share a group",
        },
        group_by_length={"key": "word.length()", "doc": "length"},
    ),
    "parse_pairs": port(
        r"""
        import java.util.regex.Pattern;

        [d]/** Parses the key/value pairs of text into a map of integers$doc. */
        $def
            Map<String, Integer> result = new HashMap<>();
            [d]// An empty string holds no pairs.
            if (text.isEmpty()) {
                return result;
            }
            [o]// O(n): one split pass over the text; split() takes a regex, hence Pattern.quote.
            for (String pair : text.split(Pattern.quote($sep))) {
                String[] keyValue = pair.split(Pattern.quote($eq));
                result.put(keyValue[0], $update);
            }
            return result;
        }
        """,
        parse_pairs={
            "update": "Integer.parseInt(keyValue[1])",
            "doc": " (a repeated key keeps its last value)",
        },
        sum_by_key={
            "update": "result.getOrDefault(keyValue[0], 0) + Integer.parseInt(keyValue[1])",
            "doc": ", summing the values of a repeated key",
        },
    ),
    "brackets": port(
        is_balanced={
            "template": r"""
                [d]/** Returns true if the (), [] and {} brackets of text are properly matched and nested. */
                $def
                    Deque<Character> stack = new ArrayDeque<>();
                    [o]// O(n): each bracket is pushed and popped at most once.
                    for (char ch : text.toCharArray()) {
                        if (ch == '(' || ch == '[' || ch == '{') {
                            stack.push(ch);
                        } else if (ch == ')' || ch == ']' || ch == '}') {
                            [d]// A closer must match the most recent bracket still open.
                            char open = ch == ')' ? '(' : ch == ']' ? '[' : '{';
                            if (stack.isEmpty() || stack.pop() != open) {
                                return false;
                            }
                        }
                    }
                    [d]// Brackets left on the stack were never closed.
                    return stack.isEmpty();
                }
            """
        },
        max_paren_depth={
            "template": r"""
                [d]/** Returns the deepest nesting of the parentheses in text, or -1 if they are unbalanced. */
                $def
                    int depth = 0;
                    int deepest = 0;
                    [o]// O(n) time, O(1) memory: a counter stands in for the stack.
                    for (char ch : text.toCharArray()) {
                        if (ch == '(') {
                            depth++;
                            deepest = Math.max(deepest, depth);
                        } else if (ch == ')') {
                            depth--;
                            [d]// More closers than openers so far.
                            if (depth < 0) {
                                return -1;
                            }
                        }
                    }
                    return depth == 0 ? deepest : -1;
                }
            """
        },
    ),
    "expression": port(
        evaluate={
            "template": r"""
                import java.util.regex.Matcher;
                import java.util.regex.Pattern;

                [d]/** Evaluates an expression of non-negative integers, +, -, * and parentheses. */
                $def
                    List<String> tokens = new ArrayList<>();
                    Matcher matcher = Pattern.compile("\\d+|\\S").matcher(expr);
                    while (matcher.find()) {
                        tokens.add(matcher.group());
                    }
                    [o]// O(n): recursive descent reads every token once.
                    return sum(tokens, new int[] {0});
                }

                [d]/** Products joined by + and -, applied from left to right. */
                static int sum(List<String> tokens, int[] pos) {
                    int value = product(tokens, pos);
                    while (pos[0] < tokens.size() && (tokens.get(pos[0]).equals("+") || tokens.get(pos[0]).equals("-"))) {
                        int sign = tokens.get(pos[0]++).equals("+") ? 1 : -1;
                        value += sign * product(tokens, pos);
                    }
                    return value;
                }

                [d]/** Atoms joined by *, which binds tighter than + and -. */
                static int product(List<String> tokens, int[] pos) {
                    int value = atom(tokens, pos);
                    while (pos[0] < tokens.size() && tokens.get(pos[0]).equals("*")) {
                        pos[0]++;
                        value *= atom(tokens, pos);
                    }
                    return value;
                }

                [d]/** A number or a parenthesized expression. */
                static int atom(List<String> tokens, int[] pos) {
                    String token = tokens.get(pos[0]++);
                    if (token.equals("(")) {
                        int value = sum(tokens, pos);
                        pos[0]++;
                        return value;
                    }
                    return Integer.parseInt(token);
                }
            """
        },
        eval_rpn={
            "template": r"""
                [d]/** Evaluates a space-separated postfix expression of integers and +, -, *. */
                $def
                    Deque<Integer> stack = new ArrayDeque<>();
                    [o]// O(n): every token is pushed or popped once.
                    for (String token : expr.split(" ")) {
                        if (token.equals("+") || token.equals("-") || token.equals("*")) {
                            [d]// The right operand was pushed last.
                            int right = stack.pop();
                            int left = stack.pop();
                            stack.push(token.equals("+") ? left + right : token.equals("-") ? left - right : left * right);
                        } else {
                            stack.push(Integer.parseInt(token));
                        }
                    }
                    return stack.pop();
                }
            """
        },
    ),
    # ------------------------------------------------------------------ searching and sorting
    "find_index": port(
        find_first={
            "template": r"""
                [d]/** Returns the index of the first occurrence of target in items, or -1. */
                $def
                    [d]// Scan from the left: the first match is the answer.
                    [cd]for (int i = 0; i < items.size(); i++) {
                    [cd]    if (items.get(i) == target) {
                    [cd]        return i;
                    [cd]    }
                    [cd]}
                    [cd]return -1;
                    [o]// O(n) worst case: indexOf stops at the first match.
                    [o]return items.indexOf(target);
                }
            """
        },
        find_last={
            "template": r"""
                [d]/** Returns the index of the last occurrence of target in items, or -1. */
                $def
                    [d]// Scan from the right: the first match found is the last occurrence.
                    [cd]for (int i = items.size() - 1; i >= 0; i--) {
                    [cd]    if (items.get(i) == target) {
                    [cd]        return i;
                    [cd]    }
                    [cd]}
                    [cd]return -1;
                    [o]// O(n) worst case: lastIndexOf scans from the right and stops at the first match.
                    [o]return items.lastIndexOf(target);
                }
            """
        },
        count_occurrences={
            "template": r"""
                [d]/** Returns the number of elements of items equal to target. */
                $def
                    [cd]int count = 0;
                    [cd]for (int x : items) {
                    [d]    // Each match adds one.
                    [cd]    if (x == target) {
                    [cd]        count++;
                    [cd]    }
                    [cd]}
                    [cd]return count;
                    [o]// O(n): one pass of the library's counter.
                    [o]return Collections.frequency(items, target);
                }
            """
        },
    ),
    "binary_search": port(
        r"""
        [d]/** Returns how many elements of the sorted list nums are $doc target. */
        $def
            int lo = 0;
            int hi = nums.size();
            [d]// Invariant: the elements before lo are all $doc target, those from hi on are not.
            [o]// O(log n): the range halves at every step.
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (nums.get(mid) $cmp target) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
        """,
        binary_search={
            "template": r"""
                [d]/** Returns the index of target in the sorted list nums, or -1 if it is absent. */
                $def
                    int lo = 0;
                    int hi = nums.size() - 1;
                    [d]// Each step halves the range lo..hi that could still hold target.
                    [o]// O(log n): the range halves at every step.
                    while (lo <= hi) {
                        int mid = (lo + hi) / 2;
                        if (nums.get(mid) == target) {
                            return mid;
                        }
                        if (nums.get(mid) < target) {
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
            "template": r"""
                [d]/** Returns all elements of the sorted lists a and b in one sorted list. */
                $def
                    [cd]List<Integer> result = new ArrayList<>(a);
                    [cd]result.addAll(b);
                    [cd]Collections.sort(result);
                    [cd]return result;
                    [o]List<Integer> result = new ArrayList<>();
                    [o]int i = 0;
                    [o]int j = 0;
                    [o]// O(n + m): always take the smaller head of the two sorted lists.
                    [o]while (i < a.size() || j < b.size()) {
                    [o]    if (j == b.size() || (i < a.size() && a.get(i) <= b.get(j))) {
                    [o]        result.add(a.get(i++));
                    [o]    } else {
                    [o]        result.add(b.get(j++));
                    [o]    }
                    [o]}
                    [o]return result;
                }
            """
        },
        sorted_union={
            "template": r"""
                [d]/** Returns the distinct values of a and b in increasing order. */
                $def
                    [d]// A TreeSet drops duplicates and keeps its values sorted.
                    [o]// O((n + m) log(n + m)): one sorted set.
                    TreeSet<Integer> union = new TreeSet<>(a);
                    union.addAll(b);
                    return new ArrayList<>(union);
                }
            """
        },
        sorted_intersection={
            "template": r"""
                [d]/** Returns the distinct values found in both a and b, in increasing order. */
                $def
                    [d]// Keep the distinct values of a, sorted, that b contains too.
                    [o]// O((n + m) log n): a sorted set of a, filtered by a hash set of b.
                    TreeSet<Integer> common = new TreeSet<>(a);
                    common.retainAll(new HashSet<>(b));
                    return new ArrayList<>(common);
                }
            """
        },
    ),
    "sort_words": port(
        r"""
        [d]/** Returns the words sorted by $doc, ties broken alphabetically. */
        $def
            List<String> result = new ArrayList<>(words);
            [d]// The key decides first; the words themselves break ties.
            [o]// O(n log n): one sort of a copy; the input is left unchanged.
            result.sort(Comparator.comparing((String word) -> $key).thenComparing(Comparator.naturalOrder()));
            return result;
        }
        """,
        sort_by_length={"key": "word.length()", "doc": "length"},
        sort_by_last_letter={"key": "word.charAt(word.length() - 1)", "doc": "last letter"},
        sort_by_vowels={
            "key": '-word.replaceAll("[^aeiou]", "").length()',
            "doc": "vowel count (most first)",
        },
    ),
    "intervals": port(
        r"""
        [d]/** Merges the overlapping [start, end] intervals and returns $doc. */
        $def
            List<List<Integer>> sorted = new ArrayList<>(intervals);
            [d]// Sorted by start, overlapping intervals become neighbours.
            [o]// O(n log n): one sort, then a single linear sweep.
            sorted.sort(Comparator.comparing((List<Integer> pair) -> pair.get(0)).thenComparing(pair -> pair.get(1)));
            List<List<Integer>> merged = new ArrayList<>();
            for (List<Integer> pair : sorted) {
                int start = pair.get(0);
                int end = pair.get(1);
                if (!merged.isEmpty() && start <= merged.get(merged.size() - 1).get(1)) {
                    [d]// It overlaps or touches the last merged interval: extend that one.
                    List<Integer> last = merged.get(merged.size() - 1);
                    last.set(1, Math.max(last.get(1), end));
                } else {
                    merged.add(new ArrayList<>(List.of(start, end)));
                }
            }
            return $result;
        }
        """,
        merge_intervals={"result": "merged", "doc": "them sorted by start"},
        covered_length={
            "result": "merged.stream().mapToInt(pair -> pair.get(1) - pair.get(0)).sum()",
            "doc": "the total length they cover",
        },
    ),
    "grid_path": port(
        r"""
        [d]/** Breadth-first search from the top-left cell of grid; returns $doc. */
        $def
            int rows = grid.size();
            int cols = grid.get(0).length();
            if (grid.get(0).charAt(0) == '#') {
                return $blocked;
            }
            [d]// dist[r][c] is the number of steps from the start, -1 while (r, c) is not reached.
            int[][] dist = new int[rows][cols];
            for (int[] row : dist) {
                Arrays.fill(row, -1);
            }
            dist[0][0] = 0;
            int reached = 1;
            Deque<int[]> queue = new ArrayDeque<>();
            queue.add(new int[] {0, 0});
            int[][] moves = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
            [o]// O(rows * cols): breadth-first search enqueues every cell at most once.
            while (!queue.isEmpty()) {
                int[] cell = queue.poll();
                for (int[] move : moves) {
                    int nr = cell[0] + move[0];
                    int nc = cell[1] + move[1];
                    [d]// Step onto open cells inside the grid that were not reached before.
                    if (nr >= 0 && nr < rows && nc >= 0 && nc < cols && grid.get(nr).charAt(nc) == '.' && dist[nr][nc] < 0) {
                        dist[nr][nc] = dist[cell[0]][cell[1]] + 1;
                        reached++;
                        queue.add(new int[] {nr, nc});
                    }
                }
            }
            return $result;
        }
        """,
        shortest_path={
            "blocked": "-1",
            "result": "dist[rows - 1][cols - 1]",
            "doc": "the steps to the bottom-right cell, or -1",
        },
        reachable_cells={"blocked": "0", "result": "reached", "doc": "the number of reachable open cells"},
    ),
    # ------------------------------------------------------------------ recursion and dynamic programming
    "stairs": port(
        r"""
        [d]/** Returns $doc. */
        $def
            [d]// table[i] is the answer for a staircase of i steps.
            int[] table = new int[n + 1];
            table[0] = $base;
            [o]// O(n * m) time for m move sizes: each step looks back once per size.
            for (int i = 1; i <= n; i++) {
                [d]// The last move has some size s, so it starts from step i - s.
                $cell
            }
            return table[n];
        }
        """,
        climb_stairs={
            "base": "1",
            "cell": "for (int s : $steps) {\n            if (s <= i) {\n                table[i] += table[i - s];\n"
            "            }\n        }",
            "doc": "the number of ordered ways to climb n steps with moves of size $choices",
        },
        min_moves={
            "base": "0",
            "cell": "table[i] = -1;\n        for (int s : $steps) {\n"
            "            if (s <= i && table[i - s] >= 0 && (table[i] < 0 || table[i - s] + 1 < table[i])) {\n"
            "                table[i] = table[i - s] + 1;\n            }\n        }",
            "doc": "the fewest moves of size $choices that climb exactly n steps, or -1",
        },
    ),
    "flatten": port(
        flatten={
            "template": r"""
                [d]/** Returns the integers of the nested list items as one flat list, in order. */
                $def
                    List<Integer> result = new ArrayList<>();
                    [cd]for (Object item : items) {
                    [d]    // Inner lists are flattened recursively, integers copied as they are.
                    [cd]    if (item instanceof List<?> inner) {
                    [cd]        result.addAll($fn((List<Object>) inner));
                    [cd]    } else {
                    [cd]        result.add((Integer) item);
                    [cd]    }
                    [cd]}
                    [o]Deque<Object> stack = new ArrayDeque<>();
                    [o]// O(total size): an explicit stack instead of recursion, filled in reverse to keep the order.
                    [o]for (int i = items.size() - 1; i >= 0; i--) {
                    [o]    stack.push(items.get(i));
                    [o]}
                    [o]while (!stack.isEmpty()) {
                    [o]    Object item = stack.pop();
                    [o]    if (item instanceof List<?> inner) {
                    [o]        for (int i = inner.size() - 1; i >= 0; i--) {
                    [o]            stack.push(inner.get(i));
                    [o]        }
                    [o]    } else {
                    [o]        result.add((Integer) item);
                    [o]    }
                    [o]}
                    return result;
                }
            """
        },
        nested_sum={
            "template": r"""
                [d]/** Returns the sum of all integers in the nested list items. */
                $def
                    int total = 0;
                    [cd]for (Object item : items) {
                    [d]    // An inner list contributes the sum of its own contents.
                    [cd]    total += item instanceof List<?> inner ? $fn((List<Object>) inner) : (Integer) item;
                    [cd]}
                    [o]Deque<List<?>> stack = new ArrayDeque<>();
                    [o]stack.push(items);
                    [o]// O(total size): an explicit stack instead of recursion; order does not matter for a sum.
                    [o]while (!stack.isEmpty()) {
                    [o]    for (Object item : stack.pop()) {
                    [o]        if (item instanceof List<?> inner) {
                    [o]            stack.push(inner);
                    [o]        } else {
                    [o]            total += (Integer) item;
                    [o]        }
                    [o]    }
                    [o]}
                    return total;
                }
            """
        },
        list_depth={
            "template": r"""
                [d]/** Returns how deeply lists nest in items; a flat list has depth 1. */
                $def
                    [cd]int deepest = 0;
                    [cd]for (Object item : items) {
                    [d]    // Only inner lists add depth.
                    [cd]    if (item instanceof List<?> inner) {
                    [cd]        deepest = Math.max(deepest, $fn((List<Object>) inner));
                    [cd]    }
                    [cd]}
                    [cd]return 1 + deepest;
                    [o]int best = 0;
                    [o]Deque<List<?>> lists = new ArrayDeque<>();
                    [o]Deque<Integer> depths = new ArrayDeque<>();
                    [o]lists.push(items);
                    [o]depths.push(1);
                    [o]// O(total size): each list is visited once, without recursion.
                    [o]while (!lists.isEmpty()) {
                    [o]    List<?> current = lists.pop();
                    [o]    int depth = depths.pop();
                    [o]    best = Math.max(best, depth);
                    [o]    for (Object item : current) {
                    [o]        if (item instanceof List<?> inner) {
                    [o]            lists.push(inner);
                    [o]            depths.push(depth + 1);
                    [o]        }
                    [o]    }
                    [o]}
                    [o]return best;
                }
            """
        },
    ),
    "alignment": port(
        r"""
        [d]/** Returns $doc. */
        $def
            [d]// dp[i][j] is the answer for the first i characters of a and the first j of b.
            int[][] dp = new int[a.length() + 1][b.length() + 1];
            [o]// O(len(a) * len(b)): every cell is computed once from its neighbours.
            for (int i = 0; i <= a.length(); i++) {
                for (int j = 0; j <= b.length(); j++) {
                    if (i == 0 || j == 0) {
                        dp[i][j] = $base;
                        continue;
                    }
                    boolean same = a.charAt(i - 1) == b.charAt(j - 1);
                    dp[i][j] = $cell;
                }
            }
            return $answer;
        }
        """,
        lcs_length={
            "base": "0",
            "cell": "same ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1])",
            "answer": "dp[a.length()][b.length()]",
            "doc": "the length of the longest common subsequence of a and b",
        },
        edit_distance={
            "base": "i + j",
            "cell": "same ? dp[i - 1][j - 1] : 1 + Math.min(dp[i - 1][j - 1], Math.min(dp[i - 1][j], dp[i][j - 1]))",
            "answer": "dp[a.length()][b.length()]",
            "doc": "the minimum number of insertions, deletions and substitutions turning a into b",
        },
        longest_common_substring={
            "base": "0",
            "cell": "same ? dp[i - 1][j - 1] + 1 : 0",
            "answer": "Arrays.stream(dp).flatMapToInt(Arrays::stream).max().getAsInt()",
            "doc": "the length of the longest substring that occurs in both a and b",
        },
    ),
    "coins": port(
        min_coins={
            "template": r"""
                [d]/** Returns the fewest coins of values $coins summing to amount, or -1 if impossible. */
                $def
                    [d]// fewest[t] is the answer for the total t (-1 while unreachable).
                    int[] fewest = new int[amount + 1];
                    Arrays.fill(fewest, -1);
                    fewest[0] = 0;
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for (int total = 1; total <= amount; total++) {
                        for (int c : $coins) {
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
            "template": r"""
                [d]/** Returns the number of coin combinations of values $coins that sum to amount. */
                $def
                    [d]// ways[t] counts the combinations for the total t using the coins seen so far.
                    int[] ways = new int[amount + 1];
                    ways[0] = 1;
                    [d]// Coins in the outer loop, so each combination is counted in one order only.
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for (int c : $coins) {
                        for (int total = c; total <= amount; total++) {
                            ways[total] += ways[total - c];
                        }
                    }
                    return ways[amount];
                }
            """
        },
    ),
    "lis": port(
        r"""
        [d]/** Returns the length of the longest $doc subsequence of nums. */
        $def
            [d]// best[i] is the length of the longest such subsequence ending at nums[i].
            [cd]int[] best = new int[nums.size()];
            [cd]int longest = 0;
            [cd]for (int i = 0; i < nums.size(); i++) {
            [cd]    best[i] = 1;
            [cd]    for (int j = 0; j < i; j++) {
            [cd]        if (nums.get(j) $cmp nums.get(i)) {
            [cd]            best[i] = Math.max(best[i], best[j] + 1);
            [cd]        }
            [cd]    }
            [cd]    longest = Math.max(longest, best[i]);
            [cd]}
            [cd]return longest;
            [o]List<Integer> tails = new ArrayList<>();
            [o]// O(n log n): tails.get(k) is the smallest possible last value of a run of length k + 1.
            [o]for (int x : nums) {
            [o]    int lo = 0;
            [o]    int hi = tails.size();
            [o]    while (lo < hi) {
            [o]        int mid = (lo + hi) / 2;
            [o]        if (tails.get(mid) $tail $key) {
            [o]            lo = mid + 1;
            [o]        } else {
            [o]            hi = mid;
            [o]        }
            [o]    }
            [o]    if (lo == tails.size()) {
            [o]        tails.add($key);
            [o]    } else {
            [o]        tails.set(lo, $key);
            [o]    }
            [o]}
            [o]return tails.size();
        }
        """,
        longest_increasing={"cmp": "<", "doc": "strictly increasing", "tail": "<", "key": "x"},
        longest_non_decreasing={"cmp": "<=", "doc": "non-decreasing", "tail": "<=", "key": "x"},
        longest_decreasing={"cmp": ">", "doc": "strictly decreasing", "tail": "<", "key": "-x"},
    ),
    "subsets": port(
        count_subsets={
            "template": r"""
                [d]/** Returns how many subsets of nums sum to target. */
                $def
                    [cd]return count(nums, 0, target);
                    [o]Map<Integer, Integer> counts = new HashMap<>(Map.of(0, 1));
                    [o]// O(n * S) for S distinct partial sums: count the subsets that reach each sum.
                    [o]for (int x : nums) {
                    [o]    Map<Integer, Integer> next = new HashMap<>(counts);
                    [o]    counts.forEach((total, ways) -> next.merge(total + x, ways, Integer::sum));
                    [o]    counts = next;
                    [o]}
                    [o]return counts.getOrDefault(target, 0);
                }
                [cd]
                [d]/** The number of subsets of nums[i..] that sum to remaining. */
                [cd]static int count(List<Integer> nums, int i, int remaining) {
                [cd]    if (i == nums.size()) {
                [cd]        return remaining == 0 ? 1 : 0;
                [cd]    }
                [d]    // Either nums[i] is in the subset or it is not.
                [cd]    return count(nums, i + 1, remaining - nums.get(i)) + count(nums, i + 1, remaining);
                [cd]}
            """
        },
        has_subset_sum={
            "template": r"""
                [d]/** Returns whether some subset of nums sums to target. */
                $def
                    [cd]return search(nums, 0, target);
                    [o]Set<Integer> sums = new HashSet<>(Set.of(0));
                    [o]// O(n * S) for S distinct partial sums, instead of trying all 2^n subsets.
                    [o]for (int x : nums) {
                    [o]    Set<Integer> next = new HashSet<>(sums);
                    [o]    for (int total : sums) {
                    [o]        next.add(total + x);
                    [o]    }
                    [o]    sums = next;
                    [o]}
                    [o]return sums.contains(target);
                }
                [cd]
                [d]/** Whether some subset of nums[i..] sums to remaining. */
                [cd]static boolean search(List<Integer> nums, int i, int remaining) {
                [cd]    if (i == nums.size()) {
                [cd]        return remaining == 0;
                [cd]    }
                [d]    // Either nums[i] is in the subset or it is not.
                [cd]    return search(nums, i + 1, remaining - nums.get(i)) || search(nums, i + 1, remaining);
                [cd]}
            """
        },
        subsets_with_sum={
            "template": r"""
                [d]/** Returns the subsets of nums that sum to target, each sorted, in sorted order. */
                $def
                    List<List<Integer>> found = new ArrayList<>();
                    [o]// O(2^n * n): every subset is checked once, which listing them all needs anyway.
                    collect(nums, 0, new ArrayList<>(), target, found);
                    [d]// Lexicographic order: the first differing element decides, a prefix comes first.
                    found.sort((x, y) -> {
                        for (int k = 0; k < Math.min(x.size(), y.size()); k++) {
                            if (!x.get(k).equals(y.get(k))) {
                                return Integer.compare(x.get(k), y.get(k));
                            }
                        }
                        return Integer.compare(x.size(), y.size());
                    });
                    return found;
                }

                static void collect(List<Integer> nums, int i, List<Integer> chosen, int remaining, List<List<Integer>> found) {
                    if (i == nums.size()) {
                        if (remaining == 0) {
                            List<Integer> subset = new ArrayList<>(chosen);
                            Collections.sort(subset);
                            found.add(subset);
                        }
                        return;
                    }
                    [d]// Branch: take nums[i], or leave it out.
                    chosen.add(nums.get(i));
                    collect(nums, i + 1, chosen, remaining - nums.get(i), found);
                    chosen.remove(chosen.size() - 1);
                    collect(nums, i + 1, chosen, remaining, found);
                }
            """
        },
    ),
    # ------------------------------------------------------------------ matrices
    "matrix_ops": port(
        row_sums={
            "template": r"""
                [d]/** Returns the sum of each row of matrix. */
                $def
                    List<Integer> result = new ArrayList<>();
                    [o]// O(rows * cols): every element is read once.
                    for (List<Integer> row : matrix) {
                        [d]// Each row is already a list of numbers.
                        result.add(row.stream().mapToInt(Integer::intValue).sum());
                    }
                    return result;
                }
            """
        },
        column_sums={
            "template": r"""
                [d]/** Returns the sum of each column of matrix. */
                $def
                    List<Integer> result = new ArrayList<>();
                    if (matrix.isEmpty()) {
                        return result;
                    }
                    [o]// O(rows * cols): every element is read once.
                    for (int j = 0; j < matrix.get(0).size(); j++) {
                        [d]// Column j collects element j of every row.
                        int total = 0;
                        for (List<Integer> row : matrix) {
                            total += row.get(j);
                        }
                        result.add(total);
                    }
                    return result;
                }
            """
        },
        rotate_clockwise={
            "template": r"""
                [d]/** Returns matrix rotated 90 degrees clockwise. */
                $def
                    List<List<Integer>> result = new ArrayList<>();
                    if (matrix.isEmpty()) {
                        return result;
                    }
                    [o]// O(rows * cols): every element is copied once.
                    for (int j = 0; j < matrix.get(0).size(); j++) {
                        [d]// Row j of the result is column j read from the bottom up.
                        List<Integer> row = new ArrayList<>();
                        for (int r = matrix.size() - 1; r >= 0; r--) {
                            row.add(matrix.get(r).get(j));
                        }
                        result.add(row);
                    }
                    return result;
                }
            """
        },
    ),
    "spiral": port(
        r"""
        [d]/** Returns the elements of matrix in $doc spiral order, starting at the top-left corner. */
        $def
            List<Integer> result = new ArrayList<>();
            if (matrix.isEmpty()) {
                return result;
            }
            $grid
            int top = 0;
            int bottom = rows - 1;
            int left = 0;
            int right = cols - 1;
            [o]// O(rows * cols): walk the border of each ring once.
            while (top <= bottom && left <= right) {
                [d]// The top row left to right, then the right column downwards.
                for (int c = left; c <= right; c++) {
                    result.add(cell(matrix, top, c));
                }
                for (int r = top + 1; r <= bottom; r++) {
                    result.add(cell(matrix, r, right));
                }
                [d]// The bottom row and the left column, unless the ring is a single row or column.
                if (top < bottom) {
                    for (int c = right - 1; c >= left; c--) {
                        result.add(cell(matrix, bottom, c));
                    }
                }
                if (left < right) {
                    for (int r = bottom - 1; r > top; r--) {
                        result.add(cell(matrix, r, left));
                    }
                }
                top++;
                bottom--;
                left++;
                right--;
            }
            return result;
        }

        [d]/** The element at row r and column c of the grid the spiral walks. */
        static int cell(List<List<Integer>> matrix, int r, int c) {
            return $cell;
        }
        """,
        spiral_order={
            "grid": "int rows = matrix.size();\n    int cols = matrix.get(0).size();",
            "cell": "matrix.get(r).get(c)",
            "doc": "clockwise",
        },
        spiral_counterclockwise={
            # Walking the transpose clockwise is walking the matrix counter-clockwise.
            "grid": "int rows = matrix.get(0).size();\n    int cols = matrix.size();",
            "cell": "matrix.get(c).get(r)",
            "doc": "counter-clockwise",
        },
    ),
    "islands": port(
        r"""
        [d]/** Returns $doc in grid ("#" is land, "." is water). */
        $def
            Set<String> seen = new HashSet<>();
            List<Integer> sizes = new ArrayList<>();
            int[][] moves = $moves;
            [o]// O(rows * cols): every land cell is pushed onto the stack once.
            for (int r0 = 0; r0 < grid.size(); r0++) {
                for (int c0 = 0; c0 < grid.get(r0).length(); c0++) {
                    if (grid.get(r0).charAt(c0) != '#' || !seen.add(r0 + "," + c0)) {
                        continue;
                    }
                    [d]// A new island: collect every land cell connected to (r0, c0).
                    Deque<int[]> stack = new ArrayDeque<>();
                    stack.push(new int[] {r0, c0});
                    int size = 0;
                    while (!stack.isEmpty()) {
                        int[] cell = stack.pop();
                        size++;
                        for (int[] move : moves) {
                            int nr = cell[0] + move[0];
                            int nc = cell[1] + move[1];
                            boolean inside = nr >= 0 && nr < grid.size() && nc >= 0 && nc < grid.get(nr).length();
                            if (inside && grid.get(nr).charAt(nc) == '#' && seen.add(nr + "," + nc)) {
                                stack.push(new int[] {nr, nc});
                            }
                        }
                    }
                    sizes.add(size);
                }
            }
            return $answer;
        }
        """,
        count_islands={
            "moves": "{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}",
            "answer": "sizes.size()",
            "doc": "the number of islands",
        },
        count_islands_diagonal={
            "moves": "{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}",
            "answer": "sizes.size()",
            "doc": "the number of 8-connected islands",
        },
        largest_island={
            "moves": "{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}",
            "answer": "sizes.stream().mapToInt(Integer::intValue).max().orElse(0)",
            "doc": "the size of the largest island",
        },
    ),
}
