"""C++17 solutions of the task families: free functions (see ``porting`` for the style marks).

The renderer puts the ``#include`` lines of a template first and adds those its types need; helpers
come before ``$def`` (a C++ function must be declared before it is called). ``$ret`` is the return type.
"""

from distill.offline.task_bank.porting import port

UCHAR = "static_cast<unsigned char>(ch)"

PORTS = {
    # ------------------------------------------------------------------ strings
    "count_chars": port(
        r"""
        #include <cctype>

        [d]// Returns the number of $doc in text.
        $def
            [o]// O(n): one pass over text with O(1) work per character.
            int count = 0;
            for (char ch : text) {
                [d]// Count only the characters that pass the test.
                if ($test) {
                    ++count;
                }
            }
            return count;
        }
        """,
        count_vowels={
            "test": 'std::string("aeiouAEIOU").find(ch) != std::string::npos',
            "doc": "vowels (a, e, i, o, u; any case)",
        },
        count_digits={"test": f"std::isdigit({UCHAR})", "doc": "decimal digits"},
        count_letter={
            "test": f"std::tolower({UCHAR}) == $ch_char",
            "doc": "occurrences of the letter $ch (any case)",
        },
    ),
    "reverse_words": port(
        r"""
        #include <algorithm>
        #include <cctype>
        #include <sstream>

        [d]// Returns $doc.
        $def
            std::istringstream in(text);
            std::string word;
            std::string result;
            [d]// Reading with >> skips any run of whitespace, so "" gives no words at all.
            [o]// O(n): a single pass over the words.
            while (in >> word) {
                $add
            }
            return result;
        }
        """,
        reverse_words={
            "add": 'result = result.empty() ? word : word + " " + result;',
            "doc": "the words of text in reverse order",
        },
        reverse_each_word={
            "add": 'std::reverse(word.begin(), word.end());\n        result += (result.empty() ? "" : " ") + word;',
            "doc": "text with each word spelled backwards",
        },
        capitalize_words={
            "add": "for (char& ch : word) {\n            ch = static_cast<char>(std::tolower("
            + UCHAR
            + "));\n"
            "        }\n        word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));\n"
            '        result += (result.empty() ? "" : " ") + word;',
            "doc": "text with each word capitalized",
        },
    ),
    "palindrome": port(
        r"""
        #include <algorithm>
        #include <cctype>

        [d]// Returns true if text reads the same in both directions$doc.
        $def
            std::string chars;
            for (char ch : text) {
                $keep
            }
            [d]// A palindrome equals its own reverse.
            [cd]return chars == std::string(chars.rbegin(), chars.rend());
            [o]// O(n) time: compare the first half with the mirrored second half, stopping at the first mismatch.
            [o]return std::equal(chars.begin(), chars.begin() + chars.size() / 2, chars.rbegin());
        }
        """,
        is_palindrome={"keep": "chars += ch;", "doc": ""},
        is_palindrome_ignore_case={
            "keep": f"chars += static_cast<char>(std::tolower({UCHAR}));",
            "doc": ", ignoring case",
        },
        is_sentence_palindrome={
            "keep": f"if (std::isalnum({UCHAR})) {{\n            chars += static_cast<char>(std::tolower({UCHAR}));\n"
            "        }",
            "doc": ", looking only at letters and digits and ignoring case",
        },
    ),
    "acronym": port(
        r"""
        #include <cctype>
        #include <sstream>

        [d]// Returns the upper-case initials of the words of text$doc.
        $def
            std::istringstream in(text);
            std::string word;
            std::string result;
            [o]// O(n): one pass over the words.
            while (in >> word) {
                $separate
                [d]// The first character of each word, upper-cased.
                result += static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
            }
            return result;
        }
        """,
        acronym={"separate": "// Initials follow each other directly.", "doc": ""},
        initials_with_separator={
            "separate": "if (!result.empty()) {\n            result += $sep;\n        }",
            "doc": ", separated by $sep",
        },
    ),
    "caesar": port(
        r"""
        #include <cctype>

        [d]// Shifts each letter of text $k places $direction in the alphabet, keeping its case.
        $def
            std::string result;
            [o]// O(n): one pass, with arithmetic on character codes.
            for (char ch : text) {
                if (std::isalpha(static_cast<unsigned char>(ch))) {
                    [d]// Work relative to 'a' or 'A' so that % 26 wraps around the alphabet.
                    char base = std::islower(static_cast<unsigned char>(ch)) ? 'a' : 'A';
                    result += static_cast<char>((ch - base $sign $k + 26) % 26 + base);
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
        r"""
        [d]// Returns the run-length encoding of text, $doc.
        $def
            std::string result;
            std::size_t i = 0;
            [o]// O(n): every character is visited once.
            while (i < text.size()) {
                [d]// Measure the run of equal characters that starts at i.
                char ch = text[i];
                int n = 1;
                while (i + n < text.size() && text[i + n] == ch) {
                    ++n;
                }
                result += $piece;
                i += n;
            }
            return result;
        }
        """,
        run_length_encode={
            "piece": "ch + std::to_string(n)",
            "doc": "each run written as its character and then its length",
        },
        run_length_counts_first={
            "piece": "std::to_string(n) + ch",
            "doc": "each run written as its length and then its character",
        },
        compress_runs={
            "piece": "n > 1 ? ch + std::to_string(n) : std::string(1, ch)",
            "doc": "runs longer than one written as the character and the length",
        },
    ),
    "longest_window": port(
        longest_unique_substring={
            "template": r"""
                #include <algorithm>
                #include <map>
                #include <set>

                [d]// Returns the length of the longest substring of text without a repeated character.
                $def
                    int best = 0;
                    [cd]for (std::size_t start = 0; start < text.size(); ++start) {
                    [d]    // Grow a substring from this start until some character repeats.
                    [cd]    std::set<char> seen;
                    [cd]    for (std::size_t i = start; i < text.size() && seen.insert(text[i]).second; ++i) {
                    [cd]    }
                    [cd]    best = std::max(best, static_cast<int>(seen.size()));
                    [cd]}
                    [o]std::map<char, int> last;
                    [o]int start = 0;
                    [o]// O(n log k): a sliding window; last[ch] is the index where ch was seen most recently.
                    [o]for (int i = 0; i < static_cast<int>(text.size()); ++i) {
                    [o]    auto seen = last.find(text[i]);
                    [o]    if (seen != last.end() && seen->second >= start) {
                    [o]        start = seen->second + 1;
                    [o]    }
                    [o]    last[text[i]] = i;
                    [o]    best = std::max(best, i - start + 1);
                    [o]}
                    return best;
                }
            """
        },
        longest_few_distinct={
            "template": r"""
                #include <algorithm>
                #include <map>
                #include <set>

                [d]// Returns the length of the longest substring of text with at most $k distinct characters.
                $def
                    int best = 0;
                    [cd]for (std::size_t start = 0; start < text.size(); ++start) {
                    [d]    // Extend the substring from start while it holds at most $k kinds of character.
                    [cd]    std::set<char> kinds;
                    [cd]    for (std::size_t end = start; end < text.size(); ++end) {
                    [cd]        kinds.insert(text[end]);
                    [cd]        if (kinds.size() > $k) {
                    [cd]            break;
                    [cd]        }
                    [cd]        best = std::max(best, static_cast<int>(end - start + 1));
                    [cd]    }
                    [cd]}
                    [o]std::map<char, int> counts;
                    [o]int start = 0;
                    [o]// O(n log k): a sliding window that drops characters on the left while it holds more than $k kinds.
                    [o]for (int i = 0; i < static_cast<int>(text.size()); ++i) {
                    [o]    ++counts[text[i]];
                    [o]    while (counts.size() > $k) {
                    [o]        if (--counts[text[start]] == 0) {
                    [o]            counts.erase(text[start]);
                    [o]        }
                    [o]        ++start;
                    [o]    }
                    [o]    best = std::max(best, i - start + 1);
                    [o]}
                    return best;
                }
            """
        },
    ),
    # ------------------------------------------------------------------ lists
    "multiples": port(
        r"""
        [d]// Returns the $doc of the elements of nums that are divisible by $k.
        $def
            int total = 0;
            [o]// O(n): a single pass with no intermediate vector.
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
        [d]// Returns the elements of nums that are $doc, in their original order.
        $def
            std::vector<int> result;
            [o]// O(n): one pass that builds the result directly.
            for (int x : nums) {
                [d]// Keep x only if it passes the test.
                if ($cond) {
                    result.push_back(x);
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
        #include <algorithm>

        [d]// Returns the running $doc of nums: element i covers nums[0] through nums[i].
        $def
            std::vector<int> result;
            [o]// O(n): each element combines with the previous result once.
            for (int x : nums) {
                [d]// The first element starts the sequence; later ones combine with the previous result.
                result.push_back(result.empty() ? x : $combine);
            }
            return result;
        }
        """,
        running_sum={"combine": "result.back() + x", "doc": "sums"},
        running_max={"combine": "std::max(result.back(), x)", "doc": "maxima"},
        running_min={"combine": "std::min(result.back(), x)", "doc": "minima"},
    ),
    "ranked": port(
        r"""
        #include <iterator>
        #include <set>

        [d]// Returns the distinct value of nums at rank $k from the $end, or std::nullopt if there are fewer than $k.
        $def
            [d]// A std::set drops duplicates and sorts, so equal values share one rank.
            [o]// O(n log n): one pass into a sorted set.
            std::set<int> distinct(nums.begin(), nums.end());
            if (static_cast<int>(distinct.size()) < $k) {
                return std::nullopt;
            }
            return *std::next(distinct.$begin(), $index);
        }
        """,
        ordinal_largest={"begin": "rbegin", "end": "top"},
        ordinal_smallest={"begin": "begin", "end": "bottom"},
    ),
    "chunks": port(
        r"""
        #include <algorithm>
        #include <numeric>

        [d]// Splits nums into consecutive chunks of $size elements and returns $doc.
        $def
            $ret result;
            [d]// Chunks start at 0, $size, 2 * $size, ...; the last one may be shorter.
            [o]// O(n): every element is read exactly once.
            for (std::size_t i = 0; i < nums.size(); i += $size) {
                std::vector<int> chunk(nums.begin() + i, nums.begin() + std::min(i + $size, nums.size()));
                result.push_back($chunk);
            }
            return result;
        }
        """,
        chunk_list={"chunk": "chunk", "doc": "the chunks"},
        chunk_sums={
            "chunk": "std::accumulate(chunk.begin(), chunk.end(), 0)",
            "doc": "the sum of each chunk",
        },
        chunk_maxima={
            "chunk": "*std::max_element(chunk.begin(), chunk.end())",
            "doc": "the maximum of each chunk",
        },
    ),
    # ------------------------------------------------------------------ math
    "digits": port(
        r"""
        #include <algorithm>

        [d]// Returns $doc.
        $def
            int result = 0;
            [cd]for (char ch : std::to_string(n)) {
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
        max_digit={"step": "std::max(result, d)", "doc": "the largest decimal digit of n"},
    ),
    "fizzbuzz": port(
        fizzbuzz={
            "template": r"""
                [d]// Returns the game word for n: $w1 for multiples of $a, $w2 for multiples of $b.
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
                    [cd]return std::to_string(n);
                    [o]// O(1): build the word from the two divisibility tests.
                    [o]std::string word = std::string(n % $a == 0 ? $w1 : "") + (n % $b == 0 ? $w2 : "");
                    [o]return word.empty() ? std::to_string(n) : word;
                }
            """
        },
        fizzbuzz_list={
            "template": r"""
                [d]// Returns the game words for 1..n: $w1 for multiples of $a, $w2 for multiples of $b.
                $def
                    std::vector<std::string> result;
                    [o]// O(n): one short string per number, built from two divisibility tests.
                    for (int i = 1; i <= n; ++i) {
                        [d]// The combined case comes first: it also passes both single tests.
                        [cd]if (i % $a == 0 && i % $b == 0) {
                        [cd]    result.push_back($both);
                        [cd]} else if (i % $a == 0) {
                        [cd]    result.push_back($w1);
                        [cd]} else if (i % $b == 0) {
                        [cd]    result.push_back($w2);
                        [cd]} else {
                        [cd]    result.push_back(std::to_string(i));
                        [cd]}
                        [o]std::string word = std::string(i % $a == 0 ? $w1 : "") + (i % $b == 0 ? $w2 : "");
                        [o]result.push_back(word.empty() ? std::to_string(i) : word);
                    }
                    return result;
                }
            """
        },
    ),
    "series": port(
        r"""
        [d]// Returns $doc.
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
            "range": "1; i <= n; ++i",
            "term": "i * i",
            "doc": "1*1 + 2*2 + ... + n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form n(n + 1)(2n + 1) / 6",
            "formula": "return n * (n + 1) * (2 * n + 1) / 6;",
        },
        sum_of_cubes={
            "range": "1; i <= n; ++i",
            "term": "i * i * i",
            "doc": "1*1*1 + 2*2*2 + ... + n*n*n",
            "why": "The loop does not run for n = 0, so the sum is 0.",
            "formula_name": "the closed form (n(n + 1) / 2)^2",
            "formula": "int half = n * (n + 1) / 2;\n    return half * half;",
        },
        sum_below={
            "range": "0; i < n; ++i",
            "term": "i % $a == 0 || i % $b == 0 ? i : 0",
            "doc": "the sum of the numbers below n divisible by $a or $b",
            "why": "The or-condition counts common multiples once.",
            "formula_name": "inclusion-exclusion over three arithmetic series",
            "formula": "auto series = [n](int k) {\n        int m = (n - 1) / k;\n        return k * m * (m + 1) / 2;\n"
            "    };\n    return series($a) + series($b) - series($a * $b);",
        },
    ),
    "primes": port(
        r"""
        #include <numeric>

        [d]// Returns $doc.
        $def
            std::vector<int> primes;
            [cd]for (int p = 2; p <= n; ++p) {
            [d]    // p is prime when no d with d * d <= p divides it.
            [cd]    bool prime = true;
            [cd]    for (int d = 2; d * d <= p; ++d) {
            [cd]        if (p % d == 0) {
            [cd]            prime = false;
            [cd]            break;
            [cd]        }
            [cd]    }
            [cd]    if (prime) {
            [cd]        primes.push_back(p);
            [cd]    }
            [cd]}
            [o]// O(n log log n): the sieve of Eratosthenes.
            [o]std::vector<bool> composite(n + 1, false);
            [o]for (int p = 2; p <= n; ++p) {
            [o]    if (!composite[p]) {
            [o]        primes.push_back(p);
            [o]        for (int m = p * p; m <= n; m += p) {
            [o]            composite[m] = true;
            [o]        }
            [o]    }
            [o]}
            return $result;
        }
        """,
        primes_up_to={"result": "primes", "doc": "the primes up to n in increasing order"},
        count_primes={"result": "static_cast<int>(primes.size())", "doc": "the number of primes up to n"},
        sum_primes={
            "result": "std::accumulate(primes.begin(), primes.end(), 0)",
            "doc": "the sum of the primes up to n",
        },
    ),
    "gcd_lcm": port(
        r"""
        [d]// Returns the $doc of the positive integers in nums.
        $def
            int result = nums[0];
            [o]// O(n log m): Euclid's algorithm folded over the vector.
            for (std::size_t i = 1; i < nums.size(); ++i) {
                [d]// Euclid's algorithm: gcd(a, b) = gcd(b, a % b) until b is 0.
                int a = result;
                int b = nums[i];
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
        lcm_all={"fold": "result / a * nums[i]", "doc": "least common multiple"},
    ),
    # ------------------------------------------------------------------ dicts and parsing
    "word_counts": port(
        r"""
        #include <cctype>
        #include <sstream>

        [d]// Returns a map from $doc.
        $def
            $ret counts;
            std::istringstream in(text);
            std::string word;
            [o]// O(n log k) for k distinct keys: a single pass over the words.
            while (in >> word) {
                for (char& ch : word) {
                    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                }
                [d]// operator[] starts a missing key at 0.
                ++counts[$key];
            }
            return counts;
        }
        """,
        word_counts={"key": "word", "doc": "each lower-cased word of text to its number of occurrences"},
        first_letter_counts={
            "key": "std::string(1, word[0])",
            "doc": "each lower-cased first letter to the number of words starting with it",
        },
        length_counts={
            "key": "static_cast<int>(word.size())",
            "doc": "each word length to the number of words that long",
        },
    ),
    "group_words": port(
        r"""
        #include <algorithm>

        [d]// Groups the words by $doc, keeping their input order within each group.
        $def
            $ret groups;
            [o]// O(n log k) for k groups: each word joins its group in a single pass.
            for (const std::string& word : words) {
                [d]// operator[] creates the group the first time its key is seen.
                groups[$key].push_back(word);
            }
            return groups;
        }
        """,
        group_by_first_letter={"key": "std::string(1, word[0])", "doc": "first letter"},
        group_anagrams={
            "key": "([&word] {\n            std::string key = word;\n            std::sort(key.begin(), key.end());\n"
            "            return key;\n        }())",
            "doc": "their sorted letters, so that anagrams share a group",
        },
        group_by_length={"key": "static_cast<int>(word.size())", "doc": "length"},
    ),
    "parse_pairs": port(
        r"""
        #include <sstream>

        [d]// Parses the key/value pairs of text into a map of integers$doc.
        $def
            std::map<std::string, int> result;
            std::istringstream in(text);
            std::string pair;
            [d]// getline reads nothing from an empty string, which holds no pairs.
            [o]// O(n log k): one pass over the pairs.
            while (std::getline(in, pair, $sep_char)) {
                std::size_t cut = pair.find($eq_char);
                std::string key = pair.substr(0, cut);
                int value = std::stoi(pair.substr(cut + 1));
                $update
            }
            return result;
        }
        """,
        parse_pairs={"update": "result[key] = value;", "doc": " (a repeated key keeps its last value)"},
        sum_by_key={"update": "result[key] += value;", "doc": ", summing the values of a repeated key"},
    ),
    "brackets": port(
        is_balanced={
            "template": r"""
                [d]// Returns true if the (), [] and {} brackets of text are properly matched and nested.
                $def
                    std::vector<char> stack;
                    [o]// O(n): each bracket is pushed and popped at most once.
                    for (char ch : text) {
                        if (ch == '(' || ch == '[' || ch == '{') {
                            stack.push_back(ch);
                        } else if (ch == ')' || ch == ']' || ch == '}') {
                            [d]// A closer must match the most recent bracket still open.
                            char open = ch == ')' ? '(' : ch == ']' ? '[' : '{';
                            if (stack.empty() || stack.back() != open) {
                                return false;
                            }
                            stack.pop_back();
                        }
                    }
                    [d]// Brackets left on the stack were never closed.
                    return stack.empty();
                }
            """
        },
        max_paren_depth={
            "template": r"""
                #include <algorithm>

                [d]// Returns the deepest nesting of the parentheses in text, or -1 if they are unbalanced.
                $def
                    int depth = 0;
                    int deepest = 0;
                    [o]// O(n) time, O(1) memory: a counter stands in for the stack.
                    for (char ch : text) {
                        if (ch == '(') {
                            ++depth;
                            deepest = std::max(deepest, depth);
                        } else if (ch == ')') {
                            --depth;
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
                #include <cctype>

                static int parse_sum(const std::string& s, std::size_t& pos);

                static void skip_spaces(const std::string& s, std::size_t& pos) {
                    while (pos < s.size() && s[pos] == ' ') {
                        ++pos;
                    }
                }

                [d]// A number or a parenthesized expression.
                static int parse_atom(const std::string& s, std::size_t& pos) {
                    skip_spaces(s, pos);
                    if (s[pos] == '(') {
                        ++pos;
                        int value = parse_sum(s, pos);
                        skip_spaces(s, pos);
                        ++pos;
                        return value;
                    }
                    int value = 0;
                    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                        value = value * 10 + (s[pos++] - '0');
                    }
                    return value;
                }

                [d]// Atoms joined by *, which binds tighter than + and -.
                static int parse_product(const std::string& s, std::size_t& pos) {
                    int value = parse_atom(s, pos);
                    for (skip_spaces(s, pos); pos < s.size() && s[pos] == '*'; skip_spaces(s, pos)) {
                        ++pos;
                        value *= parse_atom(s, pos);
                    }
                    return value;
                }

                [d]// Products joined by + and -, applied from left to right.
                static int parse_sum(const std::string& s, std::size_t& pos) {
                    int value = parse_product(s, pos);
                    for (skip_spaces(s, pos); pos < s.size() && (s[pos] == '+' || s[pos] == '-'); skip_spaces(s, pos)) {
                        int sign = s[pos++] == '+' ? 1 : -1;
                        value += sign * parse_product(s, pos);
                    }
                    return value;
                }

                [d]// Evaluates an expression of non-negative integers, +, -, * and parentheses.
                $def
                    std::size_t pos = 0;
                    [o]// O(n): recursive descent reads every character once.
                    return parse_sum(expr, pos);
                }
            """
        },
        eval_rpn={
            "template": r"""
                #include <sstream>

                [d]// Evaluates a space-separated postfix expression of integers and +, -, *.
                $def
                    std::vector<int> stack;
                    std::istringstream in(expr);
                    std::string token;
                    [o]// O(n): every token is pushed or popped once.
                    while (in >> token) {
                        if (token == "+" || token == "-" || token == "*") {
                            [d]// The right operand was pushed last.
                            int right = stack.back();
                            stack.pop_back();
                            int left = stack.back();
                            stack.pop_back();
                            stack.push_back(token == "+" ? left + right : token == "-" ? left - right : left * right);
                        } else {
                            stack.push_back(std::stoi(token));
                        }
                    }
                    return stack.back();
                }
            """
        },
    ),
    # ------------------------------------------------------------------ searching and sorting
    "find_index": port(
        find_first={
            "template": r"""
                #include <algorithm>

                [d]// Returns the index of the first occurrence of target in items, or -1.
                $def
                    [d]// Scan from the left: the first match is the answer.
                    [cd]for (std::size_t i = 0; i < items.size(); ++i) {
                    [cd]    if (items[i] == target) {
                    [cd]        return static_cast<int>(i);
                    [cd]    }
                    [cd]}
                    [cd]return -1;
                    [o]// O(n) worst case: std::find stops at the first match.
                    [o]auto it = std::find(items.begin(), items.end(), target);
                    [o]return it == items.end() ? -1 : static_cast<int>(it - items.begin());
                }
            """
        },
        find_last={
            "template": r"""
                #include <algorithm>

                [d]// Returns the index of the last occurrence of target in items, or -1.
                $def
                    [d]// Scan from the right: the first match found is the last occurrence.
                    [cd]for (int i = static_cast<int>(items.size()) - 1; i >= 0; --i) {
                    [cd]    if (items[i] == target) {
                    [cd]        return i;
                    [cd]    }
                    [cd]}
                    [cd]return -1;
                    [o]// O(n) worst case: std::find over reverse iterators stops at the last occurrence.
                    [o]auto it = std::find(items.rbegin(), items.rend(), target);
                    [o]return it == items.rend() ? -1 : static_cast<int>(items.rend() - it) - 1;
                }
            """
        },
        count_occurrences={
            "template": r"""
                #include <algorithm>

                [d]// Returns the number of elements of items equal to target.
                $def
                    [cd]int count = 0;
                    [cd]for (int x : items) {
                    [d]    // Each match adds one.
                    [cd]    if (x == target) {
                    [cd]        ++count;
                    [cd]    }
                    [cd]}
                    [cd]return count;
                    [o]// O(n): one pass of std::count.
                    [o]return static_cast<int>(std::count(items.begin(), items.end(), target));
                }
            """
        },
    ),
    "binary_search": port(
        r"""
        #include <algorithm>

        [d]// Returns how many elements of the sorted vector nums are $doc target.
        $def
            [cd]int lo = 0;
            [cd]int hi = static_cast<int>(nums.size());
            [d]// Invariant: the elements before lo are all $doc target, those from hi on are not.
            [cd]while (lo < hi) {
            [cd]    int mid = (lo + hi) / 2;
            [cd]    if (nums[mid] $cmp target) {
            [cd]        lo = mid + 1;
            [cd]    } else {
            [cd]        hi = mid;
            [cd]    }
            [cd]}
            [cd]return lo;
            [o]// O(log n): the standard library's binary search.
            [o]return static_cast<int>(std::$bound(nums.begin(), nums.end(), target) - nums.begin());
        }
        """,
        binary_search={
            "template": r"""
                #include <algorithm>

                [d]// Returns the index of target in the sorted vector nums, or -1 if it is absent.
                $def
                    [cd]int lo = 0;
                    [cd]int hi = static_cast<int>(nums.size()) - 1;
                    [d]// Each step halves the range lo..hi that could still hold target.
                    [cd]while (lo <= hi) {
                    [cd]    int mid = (lo + hi) / 2;
                    [cd]    if (nums[mid] == target) {
                    [cd]        return mid;
                    [cd]    }
                    [cd]    if (nums[mid] < target) {
                    [cd]        lo = mid + 1;
                    [cd]    } else {
                    [cd]        hi = mid - 1;
                    [cd]    }
                    [cd]}
                    [cd]return -1;
                    [o]// O(log n): lower_bound finds the only place target could be.
                    [o]auto it = std::lower_bound(nums.begin(), nums.end(), target);
                    [o]return it != nums.end() && *it == target ? static_cast<int>(it - nums.begin()) : -1;
                }
            """
        },
        insertion_point={"cmp": "<", "doc": "less than", "bound": "lower_bound"},
        upper_bound={"cmp": "<=", "doc": "at most", "bound": "upper_bound"},
    ),
    "merge_sorted": port(
        merge_sorted={
            "template": r"""
                #include <algorithm>

                [d]// Returns all elements of the sorted vectors a and b in one sorted vector.
                $def
                    [cd]std::vector<int> result(a);
                    [cd]result.insert(result.end(), b.begin(), b.end());
                    [cd]std::sort(result.begin(), result.end());
                    [o]std::vector<int> result;
                    [o]// O(n + m): std::merge walks both sorted vectors once.
                    [o]std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(result));
                    return result;
                }
            """
        },
        sorted_union={
            "template": r"""
                #include <set>

                [d]// Returns the distinct values of a and b in increasing order.
                $def
                    [d]// A std::set drops duplicates and keeps its values sorted.
                    [o]// O((n + m) log(n + m)): one sorted set.
                    std::set<int> values(a.begin(), a.end());
                    values.insert(b.begin(), b.end());
                    return std::vector<int>(values.begin(), values.end());
                }
            """
        },
        sorted_intersection={
            "template": r"""
                #include <set>

                [d]// Returns the distinct values found in both a and b, in increasing order.
                $def
                    std::set<int> in_b(b.begin(), b.end());
                    std::set<int> common;
                    [o]// O((n + m) log m): one lookup per element of a.
                    for (int x : a) {
                        [d]// A std::set keeps each common value once, in order.
                        if (in_b.count(x) > 0) {
                            common.insert(x);
                        }
                    }
                    return std::vector<int>(common.begin(), common.end());
                }
            """
        },
    ),
    "sort_words": port(
        r"""
        #include <algorithm>
        #include <utility>

        [d]// Returns the words sorted by $doc, ties broken alphabetically.
        $def
            std::vector<std::string> result = words;
            auto key = [](const std::string& word) { return $key; };
            [d]// Pairs compare item by item, so the word itself breaks ties.
            [o]// O(n log n): one sort of a copy; the input is left unchanged.
            std::sort(result.begin(), result.end(), [&key](const std::string& x, const std::string& y) {
                return std::make_pair(key(x), x) < std::make_pair(key(y), y);
            });
            return result;
        }
        """,
        sort_by_length={"key": "word.size()", "doc": "length"},
        sort_by_last_letter={"key": "word.back()", "doc": "last letter"},
        sort_by_vowels={
            "key": '-static_cast<int>(std::count_if(word.begin(), word.end(), [](char ch) { return std::string("aeiou")'
            ".find(ch) != std::string::npos; }))",
            "doc": "vowel count (most first)",
        },
    ),
    "intervals": port(
        r"""
        #include <algorithm>
        #include <numeric>

        [d]// Merges the overlapping [start, end] intervals and returns $doc.
        $def
            std::vector<std::vector<int>> sorted = intervals;
            [d]// Sorted by start, overlapping intervals become neighbours.
            [o]// O(n log n): one sort, then a single linear sweep.
            std::sort(sorted.begin(), sorted.end());
            std::vector<std::vector<int>> merged;
            for (const std::vector<int>& pair : sorted) {
                if (!merged.empty() && pair[0] <= merged.back()[1]) {
                    [d]// It overlaps or touches the last merged interval: extend that one.
                    merged.back()[1] = std::max(merged.back()[1], pair[1]);
                } else {
                    merged.push_back(pair);
                }
            }
            return $result;
        }
        """,
        merge_intervals={"result": "merged", "doc": "them sorted by start"},
        covered_length={
            "result": "std::accumulate(merged.begin(), merged.end(), 0, [](int total, const std::vector<int>& pair) {\n"
            "        return total + pair[1] - pair[0];\n    })",
            "doc": "the total length they cover",
        },
    ),
    "grid_path": port(
        r"""
        #include <queue>
        #include <utility>

        [d]// Breadth-first search from the top-left cell of grid; returns $doc.
        $def
            int rows = static_cast<int>(grid.size());
            int cols = static_cast<int>(grid[0].size());
            if (grid[0][0] == '#') {
                return $blocked;
            }
            [d]// dist[r][c] is the number of steps from the start, -1 while (r, c) is not reached.
            std::vector<std::vector<int>> dist(rows, std::vector<int>(cols, -1));
            dist[0][0] = 0;
            int reached = 1;
            std::queue<std::pair<int, int>> queue;
            queue.push({0, 0});
            const int moves[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
            [o]// O(rows * cols): breadth-first search enqueues every cell at most once.
            while (!queue.empty()) {
                auto [r, c] = queue.front();
                queue.pop();
                for (const auto& move : moves) {
                    int nr = r + move[0];
                    int nc = c + move[1];
                    [d]// Step onto open cells inside the grid that were not reached before.
                    if (nr >= 0 && nr < rows && nc >= 0 && nc < cols && grid[nr][nc] == '.' && dist[nr][nc] < 0) {
                        dist[nr][nc] = dist[r][c] + 1;
                        ++reached;
                        queue.push({nr, nc});
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
        [d]// Returns $doc.
        $def
            [d]// table[i] is the answer for a staircase of i steps.
            std::vector<int> table(n + 1, 0);
            table[0] = $base;
            [o]// O(n * m) time for m move sizes: each step looks back once per size.
            for (int i = 1; i <= n; ++i) {
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
                #include <utility>

                [d]// Returns the integers of the nested vector items as one flat vector, in order.
                $def
                    std::vector<int> result;
                    [cd]for (const Nested& item : items) {
                    [d]    // Inner vectors are flattened recursively, integers copied as they are.
                    [cd]    if (std::holds_alternative<int>(item)) {
                    [cd]        result.push_back(std::get<int>(item));
                    [cd]    } else {
                    [cd]        std::vector<int> inner = $fn(std::get<std::vector<Nested>>(item));
                    [cd]        result.insert(result.end(), inner.begin(), inner.end());
                    [cd]    }
                    [cd]}
                    [o]std::vector<std::pair<const std::vector<Nested>*, std::size_t>> stack{{&items, 0}};
                    [o]// O(total size): a stack of (vector, next position) pairs instead of recursion.
                    [o]while (!stack.empty()) {
                    [o]    auto& [list, index] = stack.back();
                    [o]    if (index == list->size()) {
                    [o]        stack.pop_back();
                    [o]        continue;
                    [o]    }
                    [o]    const Nested& item = (*list)[index++];
                    [o]    if (std::holds_alternative<int>(item)) {
                    [o]        result.push_back(std::get<int>(item));
                    [o]    } else {
                    [o]        stack.push_back({&std::get<std::vector<Nested>>(item), 0});
                    [o]    }
                    [o]}
                    return result;
                }
            """
        },
        nested_sum={
            "template": r"""
                [d]// Returns the sum of all integers in the nested vector items.
                $def
                    int total = 0;
                    [cd]for (const Nested& item : items) {
                    [d]    // An inner vector contributes the sum of its own contents.
                    [cd]    total += std::holds_alternative<int>(item) ? std::get<int>(item) : $fn(std::get<std::vector<Nested>>(item));
                    [cd]}
                    [o]std::vector<const std::vector<Nested>*> stack{&items};
                    [o]// O(total size): an explicit stack instead of recursion; order does not matter for a sum.
                    [o]while (!stack.empty()) {
                    [o]    const std::vector<Nested>* list = stack.back();
                    [o]    stack.pop_back();
                    [o]    for (const Nested& item : *list) {
                    [o]        if (std::holds_alternative<int>(item)) {
                    [o]            total += std::get<int>(item);
                    [o]        } else {
                    [o]            stack.push_back(&std::get<std::vector<Nested>>(item));
                    [o]        }
                    [o]    }
                    [o]}
                    return total;
                }
            """
        },
        list_depth={
            "template": r"""
                #include <algorithm>
                #include <utility>

                [d]// Returns how deeply vectors nest in items; a flat vector has depth 1.
                $def
                    [cd]int deepest = 0;
                    [cd]for (const Nested& item : items) {
                    [d]    // Only inner vectors add depth.
                    [cd]    if (!std::holds_alternative<int>(item)) {
                    [cd]        deepest = std::max(deepest, $fn(std::get<std::vector<Nested>>(item)));
                    [cd]    }
                    [cd]}
                    [cd]return 1 + deepest;
                    [o]int best = 0;
                    [o]std::vector<std::pair<const std::vector<Nested>*, int>> stack{{&items, 1}};
                    [o]// O(total size): each vector is visited once, without recursion.
                    [o]while (!stack.empty()) {
                    [o]    auto [list, depth] = stack.back();
                    [o]    stack.pop_back();
                    [o]    best = std::max(best, depth);
                    [o]    for (const Nested& item : *list) {
                    [o]        if (!std::holds_alternative<int>(item)) {
                    [o]            stack.push_back({&std::get<std::vector<Nested>>(item), depth + 1});
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
        #include <algorithm>
        #include <numeric>

        [d]// Returns $doc.
        $def
            int n = a.size();
            int m = b.size();
            [d]// dp[i][j] is the answer for the first i characters of a and the first j of b.
            std::vector<std::vector<int>> dp(n + 1, std::vector<int>(m + 1, 0));
            [o]// O(n * m): every cell is computed once from its neighbours.
            for (int i = 0; i <= n; ++i) {
                for (int j = 0; j <= m; ++j) {
                    if (i == 0 || j == 0) {
                        dp[i][j] = $base;
                        continue;
                    }
                    bool same = a[i - 1] == b[j - 1];
                    dp[i][j] = $cell;
                }
            }
            return $answer;
        }
        """,
        lcs_length={
            "base": "0",
            "cell": "same ? dp[i - 1][j - 1] + 1 : std::max(dp[i - 1][j], dp[i][j - 1])",
            "answer": "dp[n][m]",
            "doc": "the length of the longest common subsequence of a and b",
        },
        edit_distance={
            "base": "i + j",
            "cell": "same ? dp[i - 1][j - 1] : 1 + std::min({dp[i - 1][j - 1], dp[i - 1][j], dp[i][j - 1]})",
            "answer": "dp[n][m]",
            "doc": "the minimum number of insertions, deletions and substitutions turning a into b",
        },
        longest_common_substring={
            "base": "0",
            "cell": "same ? dp[i - 1][j - 1] + 1 : 0",
            "answer": "std::accumulate(dp.begin(), dp.end(), 0, [](int best, const std::vector<int>& row) {\n"
            "        return std::max(best, *std::max_element(row.begin(), row.end()));\n    })",
            "doc": "the length of the longest substring that occurs in both a and b",
        },
    ),
    "coins": port(
        min_coins={
            "template": r"""
                [d]// Returns the fewest coins of values $coins summing to amount, or -1 if impossible.
                $def
                    [d]// fewest[t] is the answer for the total t (-1 while unreachable).
                    std::vector<int> fewest(amount + 1, -1);
                    fewest[0] = 0;
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for (int total = 1; total <= amount; ++total) {
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
                [d]// Returns the number of coin combinations of values $coins that sum to amount.
                $def
                    [d]// ways[t] counts the combinations for the total t using the coins seen so far.
                    std::vector<int> ways(amount + 1, 0);
                    ways[0] = 1;
                    [d]// Coins in the outer loop, so each combination is counted in one order only.
                    [o]// O(amount * number of coin values) time, O(amount) memory.
                    for (int c : $coins) {
                        for (int total = c; total <= amount; ++total) {
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
        #include <algorithm>

        [d]// Returns the length of the longest $doc subsequence of nums.
        $def
            [d]// best[i] is the length of the longest such subsequence ending at nums[i].
            [cd]std::vector<int> best(nums.size(), 1);
            [cd]int longest = 0;
            [cd]for (std::size_t i = 0; i < nums.size(); ++i) {
            [cd]    for (std::size_t j = 0; j < i; ++j) {
            [cd]        if (nums[j] $cmp nums[i]) {
            [cd]            best[i] = std::max(best[i], best[j] + 1);
            [cd]        }
            [cd]    }
            [cd]    longest = std::max(longest, best[i]);
            [cd]}
            [cd]return longest;
            [o]std::vector<int> tails;
            [o]// O(n log n): tails[k] is the smallest possible last value of a run of length k + 1.
            [o]for (int x : nums) {
            [o]    auto it = std::$bound(tails.begin(), tails.end(), $key);
            [o]    if (it == tails.end()) {
            [o]        tails.push_back($key);
            [o]    } else {
            [o]        *it = $key;
            [o]    }
            [o]}
            [o]return static_cast<int>(tails.size());
        }
        """,
        longest_increasing={"cmp": "<", "doc": "strictly increasing", "bound": "lower_bound", "key": "x"},
        longest_non_decreasing={"cmp": "<=", "doc": "non-decreasing", "bound": "upper_bound", "key": "x"},
        longest_decreasing={"cmp": ">", "doc": "strictly decreasing", "bound": "lower_bound", "key": "-x"},
    ),
    "subsets": port(
        count_subsets={
            "template": r"""
                #include <map>

                [d]// The number of subsets of nums[i..] that sum to remaining.
                [cd]static int count_from(const std::vector<int>& nums, std::size_t i, int remaining) {
                [cd]    if (i == nums.size()) {
                [cd]        return remaining == 0 ? 1 : 0;
                [cd]    }
                [d]    // Either nums[i] is in the subset or it is not.
                [cd]    return count_from(nums, i + 1, remaining - nums[i]) + count_from(nums, i + 1, remaining);
                [cd]}
                [cd]
                [d]// Returns how many subsets of nums sum to target.
                $def
                    [cd]return count_from(nums, 0, target);
                    [o]std::map<int, int> counts{{0, 1}};
                    [o]// O(n * S log S) for S distinct partial sums: count the subsets that reach each sum.
                    [o]for (int x : nums) {
                    [o]    std::map<int, int> next = counts;
                    [o]    for (const auto& [total, ways] : counts) {
                    [o]        next[total + x] += ways;
                    [o]    }
                    [o]    counts = next;
                    [o]}
                    [o]return counts.count(target) > 0 ? counts[target] : 0;
                }
            """
        },
        has_subset_sum={
            "template": r"""
                #include <set>

                [d]// Whether some subset of nums[i..] sums to remaining.
                [cd]static bool search_from(const std::vector<int>& nums, std::size_t i, int remaining) {
                [cd]    if (i == nums.size()) {
                [cd]        return remaining == 0;
                [cd]    }
                [d]    // Either nums[i] is in the subset or it is not.
                [cd]    return search_from(nums, i + 1, remaining - nums[i]) || search_from(nums, i + 1, remaining);
                [cd]}
                [cd]
                [d]// Returns whether some subset of nums sums to target.
                $def
                    [cd]return search_from(nums, 0, target);
                    [o]std::set<int> sums{0};
                    [o]// O(n * S log S) for S distinct partial sums, instead of trying all 2^n subsets.
                    [o]for (int x : nums) {
                    [o]    std::set<int> next = sums;
                    [o]    for (int total : sums) {
                    [o]        next.insert(total + x);
                    [o]    }
                    [o]    sums = next;
                    [o]}
                    [o]return sums.count(target) > 0;
                }
            """
        },
        subsets_with_sum={
            "template": r"""
                #include <algorithm>

                static void collect(const std::vector<int>& nums, std::size_t i, std::vector<int>& chosen, int remaining,
                                    std::vector<std::vector<int>>& found) {
                    if (i == nums.size()) {
                        if (remaining == 0) {
                            std::vector<int> subset = chosen;
                            std::sort(subset.begin(), subset.end());
                            found.push_back(subset);
                        }
                        return;
                    }
                    [d]// Branch: take nums[i], or leave it out.
                    chosen.push_back(nums[i]);
                    collect(nums, i + 1, chosen, remaining - nums[i], found);
                    chosen.pop_back();
                    collect(nums, i + 1, chosen, remaining, found);
                }

                [d]// Returns the subsets of nums that sum to target, each sorted, in sorted order.
                $def
                    std::vector<std::vector<int>> found;
                    std::vector<int> chosen;
                    [o]// O(2^n * n): every subset is checked once, which listing them all needs anyway.
                    collect(nums, 0, chosen, target, found);
                    [d]// Vectors compare lexicographically: the first differing element decides, a prefix comes first.
                    std::sort(found.begin(), found.end());
                    return found;
                }
            """
        },
    ),
    # ------------------------------------------------------------------ matrices
    "matrix_ops": port(
        row_sums={
            "template": r"""
                #include <numeric>

                [d]// Returns the sum of each row of matrix.
                $def
                    std::vector<int> result;
                    [o]// O(rows * cols): every element is read once.
                    for (const std::vector<int>& row : matrix) {
                        [d]// Each row is already a vector of numbers.
                        result.push_back(std::accumulate(row.begin(), row.end(), 0));
                    }
                    return result;
                }
            """
        },
        column_sums={
            "template": r"""
                [d]// Returns the sum of each column of matrix.
                $def
                    std::vector<int> result;
                    if (matrix.empty()) {
                        return result;
                    }
                    [o]// O(rows * cols): every element is read once.
                    for (std::size_t j = 0; j < matrix[0].size(); ++j) {
                        [d]// Column j collects element j of every row.
                        int total = 0;
                        for (const std::vector<int>& row : matrix) {
                            total += row[j];
                        }
                        result.push_back(total);
                    }
                    return result;
                }
            """
        },
        rotate_clockwise={
            "template": r"""
                [d]// Returns matrix rotated 90 degrees clockwise.
                $def
                    std::vector<std::vector<int>> result;
                    if (matrix.empty()) {
                        return result;
                    }
                    [o]// O(rows * cols): every element is copied once.
                    for (std::size_t j = 0; j < matrix[0].size(); ++j) {
                        [d]// Row j of the result is column j read from the bottom up.
                        std::vector<int> row;
                        for (auto it = matrix.rbegin(); it != matrix.rend(); ++it) {
                            row.push_back((*it)[j]);
                        }
                        result.push_back(row);
                    }
                    return result;
                }
            """
        },
    ),
    "spiral": port(
        r"""
        [d]// Returns the elements of matrix in $doc spiral order, starting at the top-left corner.
        $def
            std::vector<int> result;
            if (matrix.empty()) {
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
                for (int c = left; c <= right; ++c) {
                    result.push_back(cell(top, c));
                }
                for (int r = top + 1; r <= bottom; ++r) {
                    result.push_back(cell(r, right));
                }
                [d]// The bottom row and the left column, unless the ring is a single row or column.
                if (top < bottom) {
                    for (int c = right - 1; c >= left; --c) {
                        result.push_back(cell(bottom, c));
                    }
                }
                if (left < right) {
                    for (int r = bottom - 1; r > top; --r) {
                        result.push_back(cell(r, left));
                    }
                }
                ++top;
                --bottom;
                ++left;
                --right;
            }
            return result;
        }
        """,
        spiral_order={
            "grid": "int rows = matrix.size();\n    int cols = matrix[0].size();\n"
            "    auto cell = [&matrix](int r, int c) { return matrix[r][c]; };",
            "doc": "clockwise",
        },
        spiral_counterclockwise={
            # Walking the transpose clockwise is walking the matrix counter-clockwise.
            "grid": "int rows = matrix[0].size();\n    int cols = matrix.size();\n"
            "    auto cell = [&matrix](int r, int c) { return matrix[c][r]; };",
            "doc": "counter-clockwise",
        },
    ),
    "islands": port(
        r"""
        #include <algorithm>
        #include <set>
        #include <utility>

        [d]// Returns $doc in grid ("#" is land, "." is water).
        $def
            std::set<std::pair<int, int>> seen;
            std::vector<int> sizes;
            const std::vector<std::pair<int, int>> moves = $moves;
            int rows = grid.size();
            [o]// O(rows * cols * log(rows * cols)): every land cell is pushed onto the stack once.
            for (int r0 = 0; r0 < rows; ++r0) {
                for (int c0 = 0; c0 < static_cast<int>(grid[r0].size()); ++c0) {
                    if (grid[r0][c0] != '#' || !seen.insert({r0, c0}).second) {
                        continue;
                    }
                    [d]// A new island: collect every land cell connected to (r0, c0).
                    std::vector<std::pair<int, int>> stack{{r0, c0}};
                    int size = 0;
                    while (!stack.empty()) {
                        auto [r, c] = stack.back();
                        stack.pop_back();
                        ++size;
                        for (const auto& [dr, dc] : moves) {
                            int nr = r + dr;
                            int nc = c + dc;
                            bool inside = nr >= 0 && nr < rows && nc >= 0 && nc < static_cast<int>(grid[nr].size());
                            if (inside && grid[nr][nc] == '#' && seen.insert({nr, nc}).second) {
                                stack.push_back({nr, nc});
                            }
                        }
                    }
                    sizes.push_back(size);
                }
            }
            return $answer;
        }
        """,
        count_islands={
            "moves": "{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}",
            "answer": "static_cast<int>(sizes.size())",
            "doc": "the number of islands",
        },
        count_islands_diagonal={
            "moves": "{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}",
            "answer": "static_cast<int>(sizes.size())",
            "doc": "the number of 8-connected islands",
        },
        largest_island={
            "moves": "{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}",
            "answer": "sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end())",
            "doc": "the size of the largest island",
        },
    ),
}
