"""Go solutions of the task families (see ``porting`` for the style marks).

Templates are indented with four spaces (the renderer turns them into tabs) and start with their
``import`` lines; Go refuses unused imports and variables, so an import used by one style only carries
that style's mark, and a variant that needs an import of its own brings it in ``$imports``. Go 1.19 has no
``min``/``max`` built-ins, hence the explicit comparisons. Slices are returned non-nil (``[]int{}``).
"""

from distill.offline.task_bank.porting import port

STRINGS = 'import "strings"'

PORTS = {
    # ------------------------------------------------------------------ strings
    "count_chars": port(
        """
        $imports

        [d]// $fn returns the number of $doc in text.
        $def
            [o]// O(n): one pass over text with O(1) work per character.
            count := 0
            for _, ch := range $text {
                [d]// Count only the characters that pass the test.
                if $test {
                    count++
                }
            }
            return count
        }
        """,
        count_vowels={
            "imports": STRINGS,
            "text": "strings.ToLower(text)",
            "test": 'strings.ContainsRune("aeiou", ch)',
            "doc": "vowels (a, e, i, o, u; any case)",
        },
        count_digits={
            "imports": 'import "unicode"',
            "text": "text",
            "test": "unicode.IsDigit(ch)",
            "doc": "decimal digits",
        },
        count_letter={
            "imports": STRINGS,
            "text": "strings.ToLower(text)",
            "test": "ch == $ch_char",
            "doc": "occurrences of the letter $ch (any case)",
        },
    ),
    "reverse_words": port(
        """
        import "strings"

        [d]// $fn returns $doc.
        $def
            [d]// strings.Fields splits on runs of whitespace, so "" gives no words at all.
            [o]// O(n): a single split and a single join.
            words := strings.Fields(text)
            $body
            return strings.Join(words, " ")
        }
        """,
        reverse_words={
            "body": "for i, j := 0, len(words)-1; i < j; i, j = i+1, j-1 {\n"
            "        words[i], words[j] = words[j], words[i]\n    }",
            "doc": "the words of text in reverse order",
        },
        reverse_each_word={
            "body": "for i, word := range words {\n        runes := []rune(word)\n"
            "        for a, b := 0, len(runes)-1; a < b; a, b = a+1, b-1 {\n"
            "            runes[a], runes[b] = runes[b], runes[a]\n        }\n        words[i] = string(runes)\n    }",
            "doc": "text with each word spelled backwards",
        },
        capitalize_words={
            "body": "for i, word := range words {\n"
            "        words[i] = strings.ToUpper(word[:1]) + strings.ToLower(word[1:])\n    }",
            "doc": "text with each word capitalized",
        },
    ),
    "palindrome": port(
        """
        $imports

        [d]// $fn reports whether text reads the same in both directions$doc.
        $def
            chars := []rune($norm)
            [d]// A palindrome matches its mirror image at every position.
            [o]// O(n) time: compare mirrored positions, stopping at the first mismatch.
            for i, j := 0, len(chars)-1; i < j; i, j = i+1, j-1 {
                if chars[i] != chars[j] {
                    return false
                }
            }
            return true
        }
        """,
        is_palindrome={"imports": "", "norm": "text", "doc": ""},
        is_palindrome_ignore_case={
            "imports": STRINGS,
            "norm": "strings.ToLower(text)",
            "doc": ", ignoring case",
        },
        is_sentence_palindrome={
            "imports": 'import "strings"\nimport "unicode"',
            "norm": "strings.Map(func(r rune) rune {\n        if unicode.IsLetter(r) || unicode.IsDigit(r) {\n"
            "            return unicode.ToLower(r)\n        }\n        return -1\n    }, text)",
            "doc": ", looking only at letters and digits and ignoring case",
        },
    ),
    "acronym": port(
        """
        import "strings"

        [d]// $fn returns the upper-case initials of the words of text$doc.
        $def
            initials := []string{}
            [o]// O(n): one pass over the words.
            for _, word := range strings.Fields(text) {
                [d]// The first character of each word, upper-cased.
                initials = append(initials, strings.ToUpper(word[:1]))
            }
            return strings.Join(initials, $joiner)
        }
        """,
        acronym={"joiner": '""', "doc": ""},
        initials_with_separator={"joiner": "$sep", "doc": ", separated by $sep"},
    ),
    "caesar": port(
        """
        import "strings"

        [d]// $fn shifts each letter of text $k places $direction in the alphabet, keeping its case.
        $def
            var result strings.Builder
            [o]// O(n): one pass, with arithmetic on character codes.
            for _, ch := range text {
                [d]// Work relative to 'a' or 'A' so that % 26 wraps around the alphabet.
                switch {
                case ch >= 'a' && ch <= 'z':
                    result.WriteRune('a' + (ch-'a' $sign $k + 26) % 26)
                case ch >= 'A' && ch <= 'Z':
                    result.WriteRune('A' + (ch-'A' $sign $k + 26) % 26)
                default:
                    result.WriteRune(ch)
                }
            }
            return result.String()
        }
        """,
        caesar_encrypt={"sign": "+", "direction": "forward"},
        caesar_decrypt={"sign": "-", "direction": "back"},
    ),
    "run_length": port(
        """
        import "strconv"
        import "strings"

        [d]// $fn returns the run-length encoding of text, $doc.
        $def
            var result strings.Builder
            runes := []rune(text)
            [o]// O(n): every character is visited once.
            for i := 0; i < len(runes); {
                [d]// Measure the run of equal characters that starts at i.
                ch := runes[i]
                n := 1
                for i+n < len(runes) && runes[i+n] == ch {
                    n++
                }
                $write
                i += n
            }
            return result.String()
        }
        """,
        run_length_encode={
            "write": "result.WriteString(string(ch) + strconv.Itoa(n))",
            "doc": "each run written as its character and then its length",
        },
        run_length_counts_first={
            "write": "result.WriteString(strconv.Itoa(n) + string(ch))",
            "doc": "each run written as its length and then its character",
        },
        compress_runs={
            "write": "result.WriteRune(ch)\n        if n > 1 {\n            result.WriteString(strconv.Itoa(n))\n        }",
            "doc": "runs longer than one written as the character and the length",
        },
    ),
    "longest_window": port(
        longest_unique_substring={
            "template": """
                [d]// $fn returns the length of the longest substring of text without a repeated character.
                $def
                    best := 0
                    [cd]for start := 0; start < len(text); start++ {
                    [d]    // Grow a substring from this start until some character repeats.
                    [cd]    seen := map[byte]bool{}
                    [cd]    for i := start; i < len(text) && !seen[text[i]]; i++ {
                    [cd]        seen[text[i]] = true
                    [cd]    }
                    [cd]    if len(seen) > best {
                    [cd]        best = len(seen)
                    [cd]    }
                    [cd]}
                    [o]last := map[byte]int{}
                    [o]start := 0
                    [o]// O(n): a sliding window; last[ch] is the index where ch was seen most recently.
                    [o]for i := 0; i < len(text); i++ {
                    [o]    if j, ok := last[text[i]]; ok && j >= start {
                    [o]        start = j + 1
                    [o]    }
                    [o]    last[text[i]] = i
                    [o]    if i-start+1 > best {
                    [o]        best = i - start + 1
                    [o]    }
                    [o]}
                    return best
                }
            """
        },
        longest_few_distinct={
            "template": """
                [d]// $fn returns the length of the longest substring of text with at most $k distinct characters.
                $def
                    best := 0
                    [cd]for start := 0; start < len(text); start++ {
                    [d]    // Extend the substring from start while it holds at most $k kinds of character.
                    [cd]    kinds := map[byte]bool{}
                    [cd]    for end := start; end < len(text); end++ {
                    [cd]        kinds[text[end]] = true
                    [cd]        if len(kinds) > $k {
                    [cd]            break
                    [cd]        }
                    [cd]        if end-start+1 > best {
                    [cd]            best = end - start + 1
                    [cd]        }
                    [cd]    }
                    [cd]}
                    [o]counts := map[byte]int{}
                    [o]start := 0
                    [o]// O(n): a sliding window that drops characters on the left while it holds more than $k kinds.
                    [o]for i := 0; i < len(text); i++ {
                    [o]    counts[text[i]]++
                    [o]    for len(counts) > $k {
                    [o]        counts[text[start]]--
                    [o]        if counts[text[start]] == 0 {
                    [o]            delete(counts, text[start])
                    [o]        }
                    [o]        start++
                    [o]    }
                    [o]    if i-start+1 > best {
                    [o]        best = i - start + 1
                    [o]    }
                    [o]}
                    return best
                }
            """
        },
    ),
    # ------------------------------------------------------------------ lists
    "multiples": port(
        """
        [d]// $fn returns the $doc of the elements of nums that are divisible by $k.
        $def
            total := 0
            [o]// O(n): a single pass with no intermediate slice.
            for _, x := range nums {
                [d]// Only multiples of $k contribute.
                if x%$k == 0 {
                    total += $term
                }
            }
            return total
        }
        """,
        sum_multiples={"term": "x", "doc": "sum"},
        count_multiples={"term": "1", "doc": "count"},
        sum_squared_multiples={"term": "x * x", "doc": "sum of the squares"},
    ),
    "threshold": port(
        """
        [d]// $fn returns the elements of nums that are $doc, in their original order.
        $def
            result := []int{}
            [o]// O(n): one pass that builds the result directly.
            for _, x := range nums {
                [d]// Keep x only if it passes the test.
                if $cond {
                    result = append(result, x)
                }
            }
            return result
        }
        """,
        values_above={"cond": "x > $t", "doc": "greater than $t"},
        values_below={"cond": "x < $t", "doc": "smaller than $t"},
        values_between={"cond": "$t <= x && x <= $hi", "doc": "between $t and $hi inclusive"},
    ),
    "running": port(
        """
        [d]// $fn returns the running $doc of nums: element i covers nums[0] through nums[i].
        $def
            result := []int{}
            [o]// O(n): each element combines with the previous result once.
            for i, x := range nums {
                [d]// The first element starts the sequence; later ones combine with the previous result.
                $combine
                result = append(result, x)
            }
            return result
        }
        """,
        running_sum={"combine": "if i > 0 {\n            x += result[i-1]\n        }", "doc": "sums"},
        running_max={
            "combine": "if i > 0 && result[i-1] > x {\n            x = result[i-1]\n        }",
            "doc": "maxima",
        },
        running_min={
            "combine": "if i > 0 && result[i-1] < x {\n            x = result[i-1]\n        }",
            "doc": "minima",
        },
    ),
    "ranked": port(
        """
        import "sort"

        [d]// $fn returns the distinct value of nums at rank $k from the $end and true, or 0 and false if there are
        [d]// fewer than $k distinct values.
        $def
            [d]// The map drops duplicates, so equal values share one rank.
            seen := map[int]bool{}
            values := []int{}
            for _, x := range nums {
                if !seen[x] {
                    seen[x] = true
                    values = append(values, x)
                }
            }
            [o]// O(n log n): one sort of the distinct values.
            sort.Ints(values)
            if len(values) < $k {
                return 0, false
            }
            return values[$position], true
        }
        """,
        ordinal_largest={"position": "len(values)-$k", "end": "top"},
        ordinal_smallest={"position": "$index", "end": "bottom"},
    ),
    "chunks": port(
        """
        [d]// $fn splits nums into consecutive chunks of $size elements and returns $doc.
        $def
            result := $ret{}
            [d]// Chunks start at 0, $size, 2 * $size, ...; the last one may be shorter.
            [o]// O(n): every element is read exactly once.
            for i := 0; i < len(nums); i += $size {
                end := i + $size
                if end > len(nums) {
                    end = len(nums)
                }
                $add
            }
            return result
        }
        """,
        chunk_list={"add": "result = append(result, append([]int{}, nums[i:end]...))", "doc": "the chunks"},
        chunk_sums={
            "add": "total := 0\n        for _, x := range nums[i:end] {\n            total += x\n        }\n"
            "        result = append(result, total)",
            "doc": "the sum of each chunk",
        },
        chunk_maxima={
            "add": "best := nums[i]\n        for _, x := range nums[i:end] {\n            if x > best {\n"
            "                best = x\n            }\n        }\n        result = append(result, best)",
            "doc": "the maximum of each chunk",
        },
    ),
    # ------------------------------------------------------------------ math
    "digits": port(
        """
        [cd]import "strconv"

        [d]// $fn returns $doc.
        $def
            result := 0
            [cd]for _, ch := range strconv.Itoa(n) {
            [d]    // Each character of the decimal string is one digit.
            [cd]    d := int(ch - '0')
            [cd]    $step
            [cd]}
            [o]// O(log n): peel the digits off arithmetically, without building a string.
            [o]for {
            [o]    d := n % 10
            [o]    $step
            [o]    n /= 10
            [o]    if n == 0 {
            [o]        break
            [o]    }
            [o]}
            return result
        }
        """,
        digit_sum={"step": "result += d", "doc": "the sum of the decimal digits of n"},
        count_even_digits={
            "step": "if d%2 == 0 {\n            result++\n        }",
            "doc": "the number of even decimal digits of n",
        },
        max_digit={
            "step": "if d > result {\n            result = d\n        }",
            "doc": "the largest decimal digit of n",
        },
    ),
    "fizzbuzz": port(
        fizzbuzz={
            "template": """
                import "strconv"

                [d]// $fn returns the game word for n: $w1 for multiples of $a, $w2 for multiples of $b.
                $def
                    [d]// Test the combined case first: a multiple of both would also pass the single tests.
                    [cd]switch {
                    [cd]case n%$a == 0 && n%$b == 0:
                    [cd]    return $both
                    [cd]case n%$a == 0:
                    [cd]    return $w1
                    [cd]case n%$b == 0:
                    [cd]    return $w2
                    [cd]}
                    [cd]return strconv.Itoa(n)
                    [o]// O(1): build the word from the two divisibility tests.
                    [o]word := ""
                    [o]if n%$a == 0 {
                    [o]    word += $w1
                    [o]}
                    [o]if n%$b == 0 {
                    [o]    word += $w2
                    [o]}
                    [o]if word == "" {
                    [o]    return strconv.Itoa(n)
                    [o]}
                    [o]return word
                }
            """
        },
        fizzbuzz_list={
            "template": """
                import "strconv"

                [d]// $fn returns the game words for 1..n: $w1 for multiples of $a, $w2 for multiples of $b.
                $def
                    result := []string{}
                    [o]// O(n): one short string per number, built from two divisibility tests.
                    for i := 1; i <= n; i++ {
                        [d]// The combined case comes first: it also passes both single tests.
                        [cd]switch {
                        [cd]case i%$a == 0 && i%$b == 0:
                        [cd]    result = append(result, $both)
                        [cd]case i%$a == 0:
                        [cd]    result = append(result, $w1)
                        [cd]case i%$b == 0:
                        [cd]    result = append(result, $w2)
                        [cd]default:
                        [cd]    result = append(result, strconv.Itoa(i))
                        [cd]}
                        [o]word := ""
                        [o]if i%$a == 0 {
                        [o]    word += $w1
                        [o]}
                        [o]if i%$b == 0 {
                        [o]    word += $w2
                        [o]}
                        [o]if word == "" {
                        [o]    word = strconv.Itoa(i)
                        [o]}
                        [o]result = append(result, word)
                    }
                    return result
                }
            """
        },
    ),
    "series": port(
        """
        [d]// $fn returns $doc.
        $def
            [cd]total := 0
            [d]// $why
            [cd]for i := $range {
            [cd]    $term
            [cd]}
            [cd]return total
            [o]// O(1): $formula_name instead of a loop.
            [o]$formula
        }
        """,
        sum_of_squares={
            "range": "1; i <= n; i++",
            "term": "total += i * i",
            "doc": "1*1 + 2*2 + ... + n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form n(n + 1)(2n + 1) / 6",
            "formula": "return n * (n + 1) * (2*n + 1) / 6",
        },
        sum_of_cubes={
            "range": "1; i <= n; i++",
            "term": "total += i * i * i",
            "doc": "1*1*1 + 2*2*2 + ... + n*n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form (n(n + 1) / 2)^2",
            "formula": "half := n * (n + 1) / 2\n    return half * half",
        },
        sum_below={
            "range": "0; i < n; i++",
            "term": "if i%$a == 0 || i%$b == 0 {\n            total += i\n        }",
            "doc": "the sum of the numbers below n divisible by $a or $b",
            "why": "The or-condition counts common multiples once.",
            "formula_name": "inclusion-exclusion over three arithmetic series",
            "formula": "series := func(k int) int {\n        m := (n - 1) / k\n        return k * m * (m + 1) / 2\n    }\n"
            "    return series($a) + series($b) - series($a*$b)",
        },
    ),
    "primes": port(
        """
        [d]// $fn returns $doc.
        $def
            primes := []int{}
            [cd]for p := 2; p <= n; p++ {
            [d]    // p is prime when no d with d * d <= p divides it.
            [cd]    prime := true
            [cd]    for d := 2; d*d <= p; d++ {
            [cd]        if p%d == 0 {
            [cd]            prime = false
            [cd]            break
            [cd]        }
            [cd]    }
            [cd]    if prime {
            [cd]        primes = append(primes, p)
            [cd]    }
            [cd]}
            [o]// O(n log log n): the sieve of Eratosthenes.
            [o]composite := make([]bool, n+1)
            [o]for p := 2; p <= n; p++ {
            [o]    if !composite[p] {
            [o]        primes = append(primes, p)
            [o]        for m := p * p; m <= n; m += p {
            [o]            composite[m] = true
            [o]        }
            [o]    }
            [o]}
            $finish
        }
        """,
        primes_up_to={"finish": "return primes", "doc": "the primes up to n in increasing order"},
        count_primes={"finish": "return len(primes)", "doc": "the number of primes up to n"},
        sum_primes={
            "finish": "total := 0\n    for _, p := range primes {\n        total += p\n    }\n    return total",
            "doc": "the sum of the primes up to n",
        },
    ),
    "gcd_lcm": port(
        """
        [d]// $fn returns the $doc of the positive integers in nums.
        $def
            result := nums[0]
            [o]// O(n log m): Euclid's algorithm folded over the slice.
            for _, x := range nums[1:] {
                [d]// Euclid's algorithm: gcd(a, b) = gcd(b, a % b) until b is 0.
                a, b := result, x
                for b != 0 {
                    a, b = b, a%b
                }
                result = $fold
            }
            return result
        }
        """,
        gcd_all={"fold": "a", "doc": "greatest common divisor"},
        lcm_all={"fold": "result / a * x", "doc": "least common multiple"},
    ),
    # ------------------------------------------------------------------ dicts and parsing
    "word_counts": port(
        """
        import "strings"

        [d]// $fn returns a map from $doc.
        $def
            counts := $ret{}
            [o]// O(n): a single pass over the words.
            for _, word := range strings.Fields(strings.ToLower(text)) {
                [d]// A missing key reads as 0.
                counts[$key]++
            }
            return counts
        }
        """,
        word_counts={"key": "word", "doc": "each lower-cased word of text to its number of occurrences"},
        first_letter_counts={
            "key": "word[:1]",
            "doc": "each lower-cased first letter to the number of words starting with it",
        },
        length_counts={"key": "len(word)", "doc": "each word length to the number of words that long"},
    ),
    "group_words": port(
        """
        $imports

        [d]// $fn groups the words by $doc, keeping their input order within each group.
        $def
            groups := $ret{}
            [o]// O(n) map operations: each word joins its group in a single pass.
            for _, word := range words {
                key := $key
                [d]// Appending to a missing key starts its group.
                groups[key] = append(groups[key], word)
            }
            return groups
        }
        """,
        group_by_first_letter={"imports": "", "key": "word[:1]", "doc": "first letter"},
        group_anagrams={
            "imports": 'import "sort"',
            "key": "func() string {\n            letters := []byte(word)\n"
            "            sort.Slice(letters, func(i, j int) bool { return letters[i] < letters[j] })\n"
            "            return string(letters)\n        }()",
            "doc": "their sorted letters, so that anagrams share a group",
        },
        group_by_length={"imports": "", "key": "len(word)", "doc": "length"},
    ),
    "parse_pairs": port(
        """
        import "strconv"
        import "strings"

        [d]// $fn parses the key/value pairs of text into a map of integers$doc.
        $def
            result := map[string]int{}
            [d]// An empty string holds no pairs (splitting it would give [""]).
            if text == "" {
                return result
            }
            [o]// O(n): one split pass over the text.
            for _, pair := range strings.Split(text, $sep) {
                parts := strings.SplitN(pair, $eq, 2)
                value, _ := strconv.Atoi(parts[1])
                $update
            }
            return result
        }
        """,
        parse_pairs={"update": "result[parts[0]] = value", "doc": " (a repeated key keeps its last value)"},
        sum_by_key={"update": "result[parts[0]] += value", "doc": ", summing the values of a repeated key"},
    ),
    "brackets": port(
        is_balanced={
            "template": """
                [d]// $fn reports whether the (), [] and {} brackets of text are properly matched and nested.
                $def
                    pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
                    stack := []rune{}
                    [o]// O(n): each bracket is pushed and popped at most once.
                    for _, ch := range text {
                        switch ch {
                        case '(', '[', '{':
                            stack = append(stack, ch)
                        case ')', ']', '}':
                            [d]// A closer must match the most recent bracket still open.
                            if len(stack) == 0 || stack[len(stack)-1] != pairs[ch] {
                                return false
                            }
                            stack = stack[:len(stack)-1]
                        }
                    }
                    [d]// Brackets left on the stack were never closed.
                    return len(stack) == 0
                }
            """
        },
        max_paren_depth={
            "template": """
                [d]// $fn returns the deepest nesting of the parentheses in text, or -1 if they are unbalanced.
                $def
                    depth, deepest := 0, 0
                    [o]// O(n) time, O(1) memory: a counter stands in for the stack.
                    for _, ch := range text {
                        if ch == '(' {
                            depth++
                            if depth > deepest {
                                deepest = depth
                            }
                        } else if ch == ')' {
                            depth--
                            [d]// More closers than openers so far.
                            if depth < 0 {
                                return -1
                            }
                        }
                    }
                    if depth != 0 {
                        return -1
                    }
                    return deepest
                }
            """
        },
    ),
    "expression": port(
        evaluate={
            "template": """
                import "strconv"

                [d]// $fn evaluates an expression of non-negative integers, +, -, * and parentheses.
                $def
                    [d]// The tokens: numbers and single characters, spaces dropped.
                    tokens := []string{}
                    for i := 0; i < len(expr); {
                        switch {
                        case expr[i] == ' ':
                            i++
                        case expr[i] >= '0' && expr[i] <= '9':
                            j := i
                            for j < len(expr) && expr[j] >= '0' && expr[j] <= '9' {
                                j++
                            }
                            tokens = append(tokens, expr[i:j])
                            i = j
                        default:
                            tokens = append(tokens, expr[i:i+1])
                            i++
                        }
                    }
                    pos := 0
                    peek := func() string {
                        if pos < len(tokens) {
                            return tokens[pos]
                        }
                        return ""
                    }
                    [o]// O(n): recursive descent reads every token once.
                    var sum func() int
                    [d]// A number or a parenthesized expression.
                    atom := func() int {
                        token := tokens[pos]
                        pos++
                        if token == "(" {
                            value := sum()
                            pos++
                            return value
                        }
                        value, _ := strconv.Atoi(token)
                        return value
                    }
                    [d]// Atoms joined by *, which binds tighter than + and -.
                    product := func() int {
                        value := atom()
                        for peek() == "*" {
                            pos++
                            value *= atom()
                        }
                        return value
                    }
                    [d]// Products joined by + and -, applied from left to right.
                    sum = func() int {
                        value := product()
                        for peek() == "+" || peek() == "-" {
                            sign := 1
                            if tokens[pos] == "-" {
                                sign = -1
                            }
                            pos++
                            value += sign * product()
                        }
                        return value
                    }
                    return sum()
                }
            """
        },
        eval_rpn={
            "template": """
                import "strconv"
                import "strings"

                [d]// $fn evaluates a space-separated postfix expression of integers and +, -, *.
                $def
                    stack := []int{}
                    [o]// O(n): every token is pushed or popped once.
                    for _, token := range strings.Fields(expr) {
                        if token == "+" || token == "-" || token == "*" {
                            [d]// The right operand was pushed last.
                            left, right := stack[len(stack)-2], stack[len(stack)-1]
                            stack = stack[:len(stack)-2]
                            switch token {
                            case "+":
                                stack = append(stack, left+right)
                            case "-":
                                stack = append(stack, left-right)
                            default:
                                stack = append(stack, left*right)
                            }
                        } else {
                            value, _ := strconv.Atoi(token)
                            stack = append(stack, value)
                        }
                    }
                    return stack[len(stack)-1]
                }
            """
        },
    ),
    # ------------------------------------------------------------------ searching and sorting
    "find_index": port(
        find_first={
            "template": """
                [d]// $fn returns the index of the first occurrence of target in items, or -1.
                $def
                    [d]// Scan from the left: the first match is the answer.
                    [o]// O(n) worst case: stop at the first match.
                    for i, x := range items {
                        if x == target {
                            return i
                        }
                    }
                    return -1
                }
            """
        },
        find_last={
            "template": """
                [d]// $fn returns the index of the last occurrence of target in items, or -1.
                $def
                    [d]// Scan from the right: the first match found is the last occurrence.
                    [o]// O(n) worst case: scan from the right and stop at the first match.
                    for i := len(items) - 1; i >= 0; i-- {
                        if items[i] == target {
                            return i
                        }
                    }
                    return -1
                }
            """
        },
        count_occurrences={
            "template": """
                [d]// $fn returns the number of elements of items equal to target.
                $def
                    count := 0
                    [o]// O(n): one pass over items.
                    for _, x := range items {
                        [d]// Each match adds one.
                        if x == target {
                            count++
                        }
                    }
                    return count
                }
            """
        },
    ),
    "binary_search": port(
        """
        [o]import "sort"

        [d]// $fn returns how many elements of the sorted slice nums are $doc target.
        $def
            [cd]lo, hi := 0, len(nums)
            [d]// Invariant: the elements before lo are all $doc target, those from hi on are not.
            [cd]for lo < hi {
            [cd]    mid := (lo + hi) / 2
            [cd]    if nums[mid] $cmp target {
            [cd]        lo = mid + 1
            [cd]    } else {
            [cd]        hi = mid
            [cd]    }
            [cd]}
            [cd]return lo
            [o]// O(log n): the standard library's binary search.
            [o]return $search
        }
        """,
        binary_search={
            "template": """
                [o]import "sort"

                [d]// $fn returns the index of target in the sorted slice nums, or -1 if it is absent.
                $def
                    [cd]lo, hi := 0, len(nums)-1
                    [d]// Each step halves the range lo..hi that could still hold target.
                    [cd]for lo <= hi {
                    [cd]    mid := (lo + hi) / 2
                    [cd]    if nums[mid] == target {
                    [cd]        return mid
                    [cd]    }
                    [cd]    if nums[mid] < target {
                    [cd]        lo = mid + 1
                    [cd]    } else {
                    [cd]        hi = mid - 1
                    [cd]    }
                    [cd]}
                    [cd]return -1
                    [o]// O(log n): SearchInts finds the only place target could be.
                    [o]i := sort.SearchInts(nums, target)
                    [o]if i < len(nums) && nums[i] == target {
                    [o]    return i
                    [o]}
                    [o]return -1
                }
            """
        },
        insertion_point={"cmp": "<", "doc": "less than", "search": "sort.SearchInts(nums, target)"},
        upper_bound={
            "cmp": "<=",
            "doc": "at most",
            "search": "sort.Search(len(nums), func(i int) bool { return nums[i] > target })",
        },
    ),
    "merge_sorted": port(
        merge_sorted={
            "template": """
                [cd]import "sort"

                [d]// $fn returns all elements of the sorted slices a and b in one sorted slice.
                $def
                    [cd]result := append(append([]int{}, a...), b...)
                    [cd]sort.Ints(result)
                    [cd]return result
                    [o]result := make([]int, 0, len(a)+len(b))
                    [o]i, j := 0, 0
                    [o]// O(n + m): always take the smaller head of the two sorted slices.
                    [o]for i < len(a) || j < len(b) {
                    [o]    if j == len(b) || (i < len(a) && a[i] <= b[j]) {
                    [o]        result = append(result, a[i])
                    [o]        i++
                    [o]    } else {
                    [o]        result = append(result, b[j])
                    [o]        j++
                    [o]    }
                    [o]}
                    [o]return result
                }
            """
        },
        sorted_union={
            "template": """
                import "sort"

                [d]// $fn returns the distinct values of a and b in increasing order.
                $def
                    seen := map[int]bool{}
                    result := []int{}
                    [d]// The map drops duplicates; the sort restores the order.
                    [o]// O((n + m) log(n + m)): one pass into a set, one sort.
                    for _, x := range append(append([]int{}, a...), b...) {
                        if !seen[x] {
                            seen[x] = true
                            result = append(result, x)
                        }
                    }
                    sort.Ints(result)
                    return result
                }
            """
        },
        sorted_intersection={
            "template": """
                [d]// $fn returns the distinct values found in both a and b, in increasing order.
                $def
                    inB := map[int]bool{}
                    for _, x := range b {
                        inB[x] = true
                    }
                    result := []int{}
                    [o]// O(n + m): a is already sorted, so filtering its distinct values keeps the order.
                    for _, x := range a {
                        [d]// Deleting a value once taken keeps each common value once.
                        if inB[x] {
                            result = append(result, x)
                            delete(inB, x)
                        }
                    }
                    return result
                }
            """
        },
    ),
    "sort_words": port(
        """
        import "sort"
        $imports

        [d]// $fn returns the words sorted by $doc, ties broken alphabetically.
        $def
            result := append([]string{}, words...)
            key := func(word string) int {
                $key
            }
            [d]// The key decides first; the words themselves break ties.
            [o]// O(n log n): one sort of a copy; the input is left unchanged.
            sort.Slice(result, func(i, j int) bool {
                ki, kj := key(result[i]), key(result[j])
                if ki != kj {
                    return ki < kj
                }
                return result[i] < result[j]
            })
            return result
        }
        """,
        sort_by_length={"imports": "", "key": "return len(word)", "doc": "length"},
        sort_by_last_letter={"imports": "", "key": "return int(word[len(word)-1])", "doc": "last letter"},
        sort_by_vowels={
            "imports": STRINGS,
            "key": 'count := 0\n        for _, ch := range word {\n            if strings.ContainsRune("aeiou", ch) {\n'
            "                count++\n            }\n        }\n        return -count",
            "doc": "vowel count (most first)",
        },
    ),
    "intervals": port(
        """
        import "sort"

        [d]// $fn merges the overlapping [start, end] intervals and returns $doc.
        $def
            sorted := append([][]int{}, intervals...)
            [d]// Sorted by start, overlapping intervals become neighbours.
            [o]// O(n log n): one sort, then a single linear sweep.
            sort.Slice(sorted, func(i, j int) bool {
                if sorted[i][0] != sorted[j][0] {
                    return sorted[i][0] < sorted[j][0]
                }
                return sorted[i][1] < sorted[j][1]
            })
            merged := [][]int{}
            for _, pair := range sorted {
                if len(merged) > 0 && pair[0] <= merged[len(merged)-1][1] {
                    [d]// It overlaps or touches the last merged interval: extend that one.
                    if pair[1] > merged[len(merged)-1][1] {
                        merged[len(merged)-1][1] = pair[1]
                    }
                } else {
                    merged = append(merged, []int{pair[0], pair[1]})
                }
            }
            $finish
        }
        """,
        merge_intervals={"finish": "return merged", "doc": "them sorted by start"},
        covered_length={
            "finish": "total := 0\n    for _, pair := range merged {\n        total += pair[1] - pair[0]\n    }\n    return total",
            "doc": "the total length they cover",
        },
    ),
    "grid_path": port(
        """
        [d]// $fn runs a breadth-first search from the top-left cell of grid and returns $doc.
        $def
            rows, cols := len(grid), len(grid[0])
            if grid[0][0] == '#' {
                return $blocked
            }
            [d]// dist[r][c] is the number of steps from the start, -1 while (r, c) is not reached.
            dist := make([][]int, rows)
            for r := range dist {
                dist[r] = make([]int, cols)
                for c := range dist[r] {
                    dist[r][c] = -1
                }
            }
            dist[0][0] = 0
            queue := [][2]int{{0, 0}}
            [o]// O(rows * cols): breadth-first search enqueues every cell at most once.
            for len(queue) > 0 {
                cell := queue[0]
                queue = queue[1:]
                for _, move := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
                    nr, nc := cell[0]+move[0], cell[1]+move[1]
                    [d]// Step onto open cells inside the grid that were not reached before.
                    if nr >= 0 && nr < rows && nc >= 0 && nc < cols && grid[nr][nc] == '.' && dist[nr][nc] < 0 {
                        dist[nr][nc] = dist[cell[0]][cell[1]] + 1
                        queue = append(queue, [2]int{nr, nc})
                    }
                }
            }
            $finish
        }
        """,
        shortest_path={
            "blocked": "-1",
            "finish": "return dist[rows-1][cols-1]",
            "doc": "the steps to the bottom-right cell, or -1",
        },
        reachable_cells={
            "blocked": "0",
            "finish": "reached := 0\n    for _, row := range dist {\n        for _, steps := range row {\n"
            "            if steps >= 0 {\n                reached++\n            }\n        }\n    }\n    return reached",
            "doc": "the number of reachable open cells",
        },
    ),
    # ------------------------------------------------------------------ recursion and dynamic programming
    "stairs": port(
        """
        [d]// $fn returns $doc.
        $def
            [d]// table[i] is the answer for a staircase of i steps.
            table := make([]int, n+1)
            table[0] = $base
            [o]// O(n * m) time for m move sizes: each step looks back once per size.
            for i := 1; i <= n; i++ {
                [d]// The last move has some size s, so it starts from step i - s.
                $cell
            }
            return table[n]
        }
        """,
        climb_stairs={
            "base": "1",
            "cell": "for _, s := range $steps {\n            if s <= i {\n                table[i] += table[i-s]\n"
            "            }\n        }",
            "doc": "the number of ordered ways to climb n steps with moves of size $choices",
        },
        min_moves={
            "base": "0",
            "cell": "table[i] = -1\n        for _, s := range $steps {\n"
            "            if s <= i && table[i-s] >= 0 && (table[i] < 0 || table[i-s]+1 < table[i]) {\n"
            "                table[i] = table[i-s] + 1\n            }\n        }",
            "doc": "the fewest moves of size $choices that climb exactly n steps, or -1",
        },
    ),
    "flatten": port(
        flatten={
            "template": """
                [d]// $fn returns the integers of the nested slice items as one flat slice, in order.
                $def
                    result := []int{}
                    [cd]for _, item := range items {
                    [d]    // Inner slices are flattened recursively, integers copied as they are.
                    [cd]    switch value := item.(type) {
                    [cd]    case []any:
                    [cd]        result = append(result, $fn(value)...)
                    [cd]    case int:
                    [cd]        result = append(result, value)
                    [cd]    }
                    [cd]}
                    [o]stack := [][]any{items}
                    [o]// O(total size): a stack of the unvisited rest of each slice, instead of recursion.
                    [o]for len(stack) > 0 {
                    [o]    top := stack[len(stack)-1]
                    [o]    if len(top) == 0 {
                    [o]        stack = stack[:len(stack)-1]
                    [o]        continue
                    [o]    }
                    [o]    stack[len(stack)-1] = top[1:]
                    [o]    switch value := top[0].(type) {
                    [o]    case []any:
                    [o]        stack = append(stack, value)
                    [o]    case int:
                    [o]        result = append(result, value)
                    [o]    }
                    [o]}
                    return result
                }
            """
        },
        nested_sum={
            "template": """
                [d]// $fn returns the sum of all integers in the nested slice items.
                $def
                    total := 0
                    [cd]for _, item := range items {
                    [d]    // An inner slice contributes the sum of its own contents.
                    [cd]    switch value := item.(type) {
                    [cd]    case []any:
                    [cd]        total += $fn(value)
                    [cd]    case int:
                    [cd]        total += value
                    [cd]    }
                    [cd]}
                    [o]stack := [][]any{items}
                    [o]// O(total size): an explicit stack instead of recursion; order does not matter for a sum.
                    [o]for len(stack) > 0 {
                    [o]    current := stack[len(stack)-1]
                    [o]    stack = stack[:len(stack)-1]
                    [o]    for _, item := range current {
                    [o]        switch value := item.(type) {
                    [o]        case []any:
                    [o]            stack = append(stack, value)
                    [o]        case int:
                    [o]            total += value
                    [o]        }
                    [o]    }
                    [o]}
                    return total
                }
            """
        },
        list_depth={
            "template": """
                [d]// $fn returns how deeply slices nest in items; a flat slice has depth 1.
                $def
                    [cd]deepest := 0
                    [cd]for _, item := range items {
                    [d]    // Only inner slices add depth.
                    [cd]    if inner, ok := item.([]any); ok {
                    [cd]        if depth := $fn(inner); depth > deepest {
                    [cd]            deepest = depth
                    [cd]        }
                    [cd]    }
                    [cd]}
                    [cd]return 1 + deepest
                    [o]type level struct {
                    [o]    items []any
                    [o]    depth int
                    [o]}
                    [o]best := 0
                    [o]stack := []level{{items, 1}}
                    [o]// O(total size): each slice is visited once, without recursion.
                    [o]for len(stack) > 0 {
                    [o]    current := stack[len(stack)-1]
                    [o]    stack = stack[:len(stack)-1]
                    [o]    if current.depth > best {
                    [o]        best = current.depth
                    [o]    }
                    [o]    for _, item := range current.items {
                    [o]        if inner, ok := item.([]any); ok {
                    [o]            stack = append(stack, level{inner, current.depth + 1})
                    [o]        }
                    [o]    }
                    [o]}
                    [o]return best
                }
            """
        },
    ),
    "alignment": port(
        """
        [d]// $fn returns $doc.
        $def
            [d]// dp[i][j] is the answer for the first i characters of a and the first j of b.
            dp := make([][]int, len(a)+1)
            [o]// O(len(a) * len(b)): every cell is computed once from its neighbours.
            for i := range dp {
                dp[i] = make([]int, len(b)+1)
                for j := range dp[i] {
                    if i == 0 || j == 0 {
                        dp[i][j] = $base
                        continue
                    }
                    same := a[i-1] == b[j-1]
                    $cell
                }
            }
            $finish
        }
        """,
        lcs_length={
            "base": "0",
            "cell": "switch {\n            case same:\n                dp[i][j] = dp[i-1][j-1] + 1\n"
            "            case dp[i-1][j] > dp[i][j-1]:\n                dp[i][j] = dp[i-1][j]\n"
            "            default:\n                dp[i][j] = dp[i][j-1]\n            }",
            "finish": "return dp[len(a)][len(b)]",
            "doc": "the length of the longest common subsequence of a and b",
        },
        edit_distance={
            "base": "i + j",
            "cell": "if same {\n                dp[i][j] = dp[i-1][j-1]\n                continue\n            }\n"
            "            best := dp[i-1][j-1]\n            if dp[i-1][j] < best {\n                best = dp[i-1][j]\n"
            "            }\n            if dp[i][j-1] < best {\n                best = dp[i][j-1]\n            }\n"
            "            dp[i][j] = best + 1",
            "finish": "return dp[len(a)][len(b)]",
            "doc": "the minimum number of insertions, deletions and substitutions turning a into b",
        },
        longest_common_substring={
            "base": "0",
            "cell": "if same {\n                dp[i][j] = dp[i-1][j-1] + 1\n            }",
            "finish": "best := 0\n    for _, row := range dp {\n        for _, value := range row {\n"
            "            if value > best {\n                best = value\n            }\n        }\n    }\n    return best",
            "doc": "the length of the longest substring that occurs in both a and b",
        },
    ),
    "coins": port(
        min_coins={
            "template": """
                [d]// $fn returns the fewest coins of values $coins summing to amount, or -1 if impossible.
                $def
                    [d]// fewest[t] is the answer for the total t (-1 while unreachable).
                    fewest := make([]int, amount+1)
                    for total := 1; total <= amount; total++ {
                        fewest[total] = -1
                    }
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for total := 1; total <= amount; total++ {
                        for _, c := range $coins {
                            [d]// The last coin c leaves total - c, which must itself be reachable.
                            if c <= total && fewest[total-c] >= 0 && (fewest[total] < 0 || fewest[total-c]+1 < fewest[total]) {
                                fewest[total] = fewest[total-c] + 1
                            }
                        }
                    }
                    return fewest[amount]
                }
            """
        },
        count_change={
            "template": """
                [d]// $fn returns the number of coin combinations of values $coins that sum to amount.
                $def
                    [d]// ways[t] counts the combinations for the total t using the coins seen so far.
                    ways := make([]int, amount+1)
                    ways[0] = 1
                    [d]// Coins in the outer loop, so each combination is counted in one order only.
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for _, c := range $coins {
                        for total := c; total <= amount; total++ {
                            ways[total] += ways[total-c]
                        }
                    }
                    return ways[amount]
                }
            """
        },
    ),
    "lis": port(
        """
        [o]import "sort"

        [d]// $fn returns the length of the longest $doc subsequence of nums.
        $def
            [d]// best[i] is the length of the longest such subsequence ending at nums[i].
            [cd]best := make([]int, len(nums))
            [cd]longest := 0
            [cd]for i := range nums {
            [cd]    best[i] = 1
            [cd]    for j := 0; j < i; j++ {
            [cd]        if nums[j] $cmp nums[i] && best[j]+1 > best[i] {
            [cd]            best[i] = best[j] + 1
            [cd]        }
            [cd]    }
            [cd]    if best[i] > longest {
            [cd]        longest = best[i]
            [cd]    }
            [cd]}
            [cd]return longest
            [o]tails := []int{}
            [o]// O(n log n): tails[k] is the smallest possible last value of a run of length k + 1.
            [o]for _, x := range nums {
            [o]    i := $search
            [o]    if i == len(tails) {
            [o]        tails = append(tails, $key)
            [o]    } else {
            [o]        tails[i] = $key
            [o]    }
            [o]}
            [o]return len(tails)
        }
        """,
        longest_increasing={
            "cmp": "<",
            "doc": "strictly increasing",
            "search": "sort.SearchInts(tails, x)",
            "key": "x",
        },
        longest_non_decreasing={
            "cmp": "<=",
            "doc": "non-decreasing",
            "search": "sort.Search(len(tails), func(k int) bool { return tails[k] > x })",
            "key": "x",
        },
        longest_decreasing={
            "cmp": ">",
            "doc": "strictly decreasing",
            "search": "sort.SearchInts(tails, -x)",
            "key": "-x",
        },
    ),
    "subsets": port(
        count_subsets={
            "template": """
                [d]// $fn returns how many subsets of nums sum to target.
                $def
                    [cd]var count func(i, remaining int) int
                    [cd]count = func(i, remaining int) int {
                    [cd]    if i == len(nums) {
                    [cd]        if remaining == 0 {
                    [cd]            return 1
                    [cd]        }
                    [cd]        return 0
                    [cd]    }
                    [d]    // Either nums[i] is in the subset or it is not.
                    [cd]    return count(i+1, remaining-nums[i]) + count(i+1, remaining)
                    [cd]}
                    [cd]return count(0, target)
                    [o]counts := map[int]int{0: 1}
                    [o]// O(n * S) for S distinct partial sums: count the subsets that reach each sum.
                    [o]for _, x := range nums {
                    [o]    next := map[int]int{}
                    [o]    for total, ways := range counts {
                    [o]        next[total] += ways
                    [o]        next[total+x] += ways
                    [o]    }
                    [o]    counts = next
                    [o]}
                    [o]return counts[target]
                }
            """
        },
        has_subset_sum={
            "template": """
                [d]// $fn reports whether some subset of nums sums to target.
                $def
                    [cd]var search func(i, remaining int) bool
                    [cd]search = func(i, remaining int) bool {
                    [cd]    if i == len(nums) {
                    [cd]        return remaining == 0
                    [cd]    }
                    [d]    // Either nums[i] is in the subset or it is not.
                    [cd]    return search(i+1, remaining-nums[i]) || search(i+1, remaining)
                    [cd]}
                    [cd]return search(0, target)
                    [o]sums := map[int]bool{0: true}
                    [o]// O(n * S) for S distinct partial sums, instead of trying all 2^n subsets.
                    [o]for _, x := range nums {
                    [o]    next := map[int]bool{}
                    [o]    for total := range sums {
                    [o]        next[total] = true
                    [o]        next[total+x] = true
                    [o]    }
                    [o]    sums = next
                    [o]}
                    [o]return sums[target]
                }
            """
        },
        subsets_with_sum={
            "template": """
                import "sort"

                [d]// $fn returns the subsets of nums that sum to target, each sorted, in sorted order.
                $def
                    found := [][]int{}
                    var search func(i int, chosen []int, remaining int)
                    search = func(i int, chosen []int, remaining int) {
                        if i == len(nums) {
                            if remaining == 0 {
                                subset := append([]int{}, chosen...)
                                sort.Ints(subset)
                                found = append(found, subset)
                            }
                            return
                        }
                        [d]// Branch: take nums[i], or leave it out.
                        search(i+1, append(chosen, nums[i]), remaining-nums[i])
                        search(i+1, chosen, remaining)
                    }
                    [o]// O(2^n * n): every subset is checked once, which listing them all needs anyway.
                    search(0, []int{}, target)
                    [d]// Lexicographic order: the first differing element decides, a prefix comes first.
                    sort.Slice(found, func(i, j int) bool {
                        x, y := found[i], found[j]
                        for k := 0; k < len(x) && k < len(y); k++ {
                            if x[k] != y[k] {
                                return x[k] < y[k]
                            }
                        }
                        return len(x) < len(y)
                    })
                    return found
                }
            """
        },
    ),
    # ------------------------------------------------------------------ matrices
    "matrix_ops": port(
        row_sums={
            "template": """
                [d]// $fn returns the sum of each row of matrix.
                $def
                    result := []int{}
                    [o]// O(rows * cols): every element is read once.
                    for _, row := range matrix {
                        [d]// Each row is already a slice of numbers.
                        total := 0
                        for _, x := range row {
                            total += x
                        }
                        result = append(result, total)
                    }
                    return result
                }
            """
        },
        column_sums={
            "template": """
                [d]// $fn returns the sum of each column of matrix.
                $def
                    result := []int{}
                    if len(matrix) == 0 {
                        return result
                    }
                    [o]// O(rows * cols): every element is read once.
                    for j := range matrix[0] {
                        [d]// Column j collects element j of every row.
                        total := 0
                        for _, row := range matrix {
                            total += row[j]
                        }
                        result = append(result, total)
                    }
                    return result
                }
            """
        },
        rotate_clockwise={
            "template": """
                [d]// $fn returns matrix rotated 90 degrees clockwise.
                $def
                    result := [][]int{}
                    if len(matrix) == 0 {
                        return result
                    }
                    [o]// O(rows * cols): every element is copied once.
                    for j := range matrix[0] {
                        [d]// Row j of the result is column j read from the bottom up.
                        row := []int{}
                        for r := len(matrix) - 1; r >= 0; r-- {
                            row = append(row, matrix[r][j])
                        }
                        result = append(result, row)
                    }
                    return result
                }
            """
        },
    ),
    "spiral": port(
        """
        [d]// $fn returns the elements of matrix in $doc spiral order, starting at the top-left corner.
        $def
            result := []int{}
            if len(matrix) == 0 {
                return result
            }
            $grid
            top, bottom, left, right := 0, rows-1, 0, cols-1
            [o]// O(rows * cols): walk the border of each ring once.
            for top <= bottom && left <= right {
                [d]// The top row left to right, then the right column downwards.
                for c := left; c <= right; c++ {
                    result = append(result, cell(top, c))
                }
                for r := top + 1; r <= bottom; r++ {
                    result = append(result, cell(r, right))
                }
                [d]// The bottom row and the left column, unless the ring is a single row or column.
                if top < bottom {
                    for c := right - 1; c >= left; c-- {
                        result = append(result, cell(bottom, c))
                    }
                }
                if left < right {
                    for r := bottom - 1; r > top; r-- {
                        result = append(result, cell(r, left))
                    }
                }
                top, bottom, left, right = top+1, bottom-1, left+1, right-1
            }
            return result
        }
        """,
        spiral_order={
            "grid": "rows, cols := len(matrix), len(matrix[0])\n    cell := func(r, c int) int { return matrix[r][c] }",
            "doc": "clockwise",
        },
        spiral_counterclockwise={
            # Walking the transpose clockwise is walking the matrix counter-clockwise.
            "grid": "rows, cols := len(matrix[0]), len(matrix)\n    cell := func(r, c int) int { return matrix[c][r] }",
            "doc": "counter-clockwise",
        },
    ),
    "islands": port(
        """
        [d]// $fn returns $doc in grid ("#" is land, "." is water).
        $def
            seen := map[[2]int]bool{}
            sizes := []int{}
            moves := $moves
            [o]// O(rows * cols): every land cell is pushed onto the stack once.
            for r0, row := range grid {
                for c0 := range row {
                    if row[c0] != '#' || seen[[2]int{r0, c0}] {
                        continue
                    }
                    [d]// A new island: collect every land cell connected to (r0, c0).
                    seen[[2]int{r0, c0}] = true
                    stack := [][2]int{{r0, c0}}
                    size := 0
                    for len(stack) > 0 {
                        cell := stack[len(stack)-1]
                        stack = stack[:len(stack)-1]
                        size++
                        for _, move := range moves {
                            nr, nc := cell[0]+move[0], cell[1]+move[1]
                            inside := nr >= 0 && nr < len(grid) && nc >= 0 && nc < len(grid[nr])
                            if inside && grid[nr][nc] == '#' && !seen[[2]int{nr, nc}] {
                                seen[[2]int{nr, nc}] = true
                                stack = append(stack, [2]int{nr, nc})
                            }
                        }
                    }
                    sizes = append(sizes, size)
                }
            }
            $answer
        }
        """,
        count_islands={
            "moves": "[][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}",
            "answer": "return len(sizes)",
            "doc": "the number of islands",
        },
        count_islands_diagonal={
            "moves": "[][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}",
            "answer": "return len(sizes)",
            "doc": "the number of 8-connected islands",
        },
        largest_island={
            "moves": "[][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}",
            "answer": "best := 0\n    for _, size := range sizes {\n        if size > best {\n            best = size\n"
            "        }\n    }\n    return best",
            "doc": "the size of the largest island",
        },
    ),
}
