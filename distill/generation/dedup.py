"""Duplicate detection: an exact fingerprint, and MinHash LSH for near-duplicates.

Near-duplicates are samples whose word 5-gram sets (lower-cased, whitespace-separated words of the
configured fields, by default the whole sample: problem, solution and tests) have an estimated Jaccard
similarity of at least the threshold (0.7), estimated by MinHash with 256 permutations and found through
LSH (``datasketch``), as in the BigCode/StarCoder deduplication. The whole sample is the unit because
a statement alone is a poor one: procedurally written statements (the offline task bank) repeat with
different constants and inputs, and so can good samples about the same idea.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from datasketch import MinHash, MinHashLSH


def fingerprint(text: str) -> str:
    """Hash of the text lower-cased with whitespace collapsed (exact duplicates)."""
    return hashlib.sha256(re.sub(r"\s+", " ", text.lower()).strip().encode()).hexdigest()


def shingles(text: str, words: int) -> set[bytes]:
    tokens = text.lower().split()
    return {" ".join(tokens[i : i + words]).encode() for i in range(max(1, len(tokens) - words + 1))}


class NearDuplicateIndex:
    """MinHash signatures of the samples kept so far, queried for near-duplicates of new ones."""

    def __init__(self, threshold: float = 0.7, permutations: int = 256, shingle_words: int = 5) -> None:
        self.threshold = threshold
        self.permutations = permutations
        self.shingle_words = shingle_words
        self._lsh = MinHashLSH(threshold=threshold, num_perm=permutations)
        self._signatures: dict[str, MinHash] = {}

    def signatures(self, texts: Sequence[str]) -> list[MinHash]:
        """MinHash signatures of many texts at once (vectorised)."""
        sets = [shingles(text, self.shingle_words) for text in texts]
        return MinHash.bulk(sets, num_perm=self.permutations) if sets else []

    def matches(self, signature: MinHash) -> list[tuple[str, float]]:
        """Kept samples at or above the threshold: (key, estimated Jaccard); LSH finds the candidates,
        their signatures confirm them."""
        scored = [(key, self._signatures[key].jaccard(signature)) for key in self._lsh.query(signature)]
        return [(key, score) for key, score in scored if score >= self.threshold]

    def match(self, signature: MinHash) -> tuple[str, float] | None:
        """The most similar kept sample at or above the threshold."""
        return max(self.matches(signature), key=lambda item: item[1], default=None)

    def add(self, key: str, signature: MinHash) -> None:
        if key not in self._signatures:
            self._lsh.insert(key, signature)
            self._signatures[key] = signature

    def remove(self, key: str) -> None:
        if key in self._signatures:
            self._lsh.remove(key)
            del self._signatures[key]


def near_duplicate_clusters(
    texts: Sequence[str], threshold: float = 0.7, permutations: int = 256, shingle_words: int = 5
) -> list[int]:
    """A cluster id per text: union-find over the LSH matches among all texts (ids are the smallest
    index of each cluster)."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = NearDuplicateIndex(threshold, permutations, shingle_words)
    signatures = index.signatures(texts)
    for i, signature in enumerate(signatures):
        for key, _ in index.matches(signature):
            a, b = root(i), root(int(key))
            parent[max(a, b)] = min(a, b)
        index.add(str(i), signature)
    return [root(i) for i in range(len(texts))]


def sample_text(row: dict, fields: Iterable[str]) -> str:
    """The text of a sample that duplicate detection compares: its fields, one after the other."""
    return "\n".join(str(row.get(name, "")) for name in fields)
