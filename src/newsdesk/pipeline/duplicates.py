"""Exact and near-duplicate detection of article texts.

Two levels, for two different promises to the reader:

* **Exact copies** — texts identical up to white space (the same story re-posted, or syndicated
  under another headline).  :func:`content_fingerprint` is an xxh3-128 hash of the text after
  :func:`normalize_for_fingerprint`, which only unifies Unicode composition (NFC) and white space.
  Nothing else is folded: texts that differ in a word, a comma or a capital letter are *not*
  exact copies.
* **Near copies** — the same story with a new headline, a trimmed ending, an added dateline or
  footer, a few words changed.  Measured by the Jaccard similarity of word 5-shingles
  (:func:`shingles`); found quickly by MinHash + LSH (:class:`NearDuplicateIndex`, datasketch
  with xxhash instead of its default SHA-1, several times faster).

Short texts: under :data:`MIN_WORDS` words a text has too few shingles for a meaningful Jaccard
(one changed word moves it by 10-20 %, and two unrelated briefs built from the same boilerplate
can look alike), so short texts only ever match by exact fingerprint, in the index and in
:func:`group_near_duplicates` alike.  Empty texts match nothing.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

__all__ = [
    "MIN_WORDS",
    "MinHashSignature",
    "NearDuplicateIndex",
    "SignatureError",
    "content_fingerprint",
    "group_near_duplicates",
    "jaccard",
    "jaccard_estimate",
    "normalize_for_fingerprint",
    "shingles",
]

#: Texts with fewer word tokens than this match only by exact fingerprint.
MIN_WORDS = 30
#: Word shingle length: long enough that unrelated articles share few shingles, short enough
#: that one edited word only spoils five of them.
SHINGLE_SIZE = 5
#: How far below ``threshold`` an *estimated* Jaccard may fall and still count in
#: :meth:`NearDuplicateIndex.query`: with 128 permutations the estimate's standard error is about
#: 0.03 near 0.85, so without slack a third of the copies trimmed by 15 % were lost.
ESTIMATE_SLACK = 0.05
#: LSH proposes candidates from this far below ``threshold`` (banding is a soft step; at the
#: threshold itself it finds only about 70 % of the pairs at 0.85; from 0.6 it finds 99.9 %).
CANDIDATE_MARGIN = 0.2
#: Fixed so signatures stored in the database stay comparable across processes and releases.
MINHASH_SEED = 1
_SCHEME = "affine32"  # 32-bit values: half the storage of 64-bit ones, same accuracy here

_WORD = re.compile(r"\w+")


class SignatureError(ValueError):
    """A signature that cannot be read or used with this index (corrupt bytes, other num_perm)."""


def normalize_for_fingerprint(text: str) -> str:
    """The text as compared for exact copies: NFC, white-space runs as one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_fingerprint(text: str) -> str:
    """xxh3-128 hex digest of :func:`normalize_for_fingerprint`; ``''`` for an empty or blank text."""
    normalized = normalize_for_fingerprint(text)
    if not normalized:
        return ""
    # surrogatepass: a lone surrogate from a broken page must not crash the pipeline.
    return xxhash.xxh3_128_hexdigest(normalized.encode("utf-8", "surrogatepass"))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shingles_of_words(words: list[str], k: int) -> set[bytes]:
    if not words:
        return set()
    if len(words) <= k:
        return {" ".join(words).encode("utf-8", "surrogatepass")}
    return {" ".join(words[i : i + k]).encode("utf-8", "surrogatepass") for i in range(len(words) - k + 1)}


def shingles(text: str, k: int = SHINGLE_SIZE) -> set[bytes]:
    """Word ``k``-shingles of the lower-cased word tokens (``\\w+``); a text shorter than ``k``
    words is one shingle, an empty text none."""
    if k < 1:
        raise ValueError(f"shingle size must be at least 1, not {k}")
    return _shingles_of_words(_words(text), k)


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    """Exact Jaccard similarity of two shingle sets (0.0 when either is empty)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True, eq=True, slots=True)
class MinHashSignature:
    """MinHash of a text, with what is needed to store it and to match short texts exactly.

    ``exact_only`` is set for texts under :data:`MIN_WORDS` words (they match by ``fingerprint``
    only).  ``to_bytes()`` gives ``28 + 4 * num_perm`` bytes for a database column.
    """

    hashvalues: bytes  # num_perm little-endian uint32
    fingerprint: str
    exact_only: bool
    seed: int = MINHASH_SEED

    _MAGIC = b"NDMH"
    _VERSION = 1
    _HEADER = struct.Struct("<4sBBHI16s")  # magic, version, flags, num_perm, seed, fingerprint

    @property
    def num_perm(self) -> int:
        return len(self.hashvalues) // 4

    @property
    def is_empty(self) -> bool:
        """True for a text without any word (no shingles): it has no Jaccard similarity to anything."""
        return self.hashvalues.count(b"\xff") == len(self.hashvalues)

    def minhash(self) -> LeanMinHash:
        """The datasketch object (for :class:`datasketch.MinHashLSH` and friends)."""
        values = np.frombuffer(self.hashvalues, dtype="<u4")
        return LeanMinHash(seed=self.seed, hashvalues=values, scheme=_SCHEME)

    def to_bytes(self) -> bytes:
        flags = 1 if self.exact_only else 0
        fp = bytes.fromhex(self.fingerprint) if self.fingerprint else bytes(16)
        header = self._HEADER.pack(self._MAGIC, self._VERSION, flags, self.num_perm, self.seed, fp)
        return header + self.hashvalues

    @classmethod
    def from_bytes(cls, data: bytes) -> MinHashSignature:
        """Read what :meth:`to_bytes` wrote; :class:`SignatureError` for anything else."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise SignatureError(f"a signature is read from bytes, not {type(data).__name__}")
        data = bytes(data)
        size = cls._HEADER.size
        if len(data) < size:
            raise SignatureError(f"signature is truncated ({len(data)} bytes)")
        magic, version, flags, num_perm, seed, fp = cls._HEADER.unpack_from(data)
        if magic != cls._MAGIC:
            raise SignatureError("bytes are not a newsdesk MinHash signature")
        if version != cls._VERSION:
            raise SignatureError(f"signature format version {version} is not supported")
        if flags & ~1:
            raise SignatureError(f"signature has unknown flags {flags:#x}")
        if num_perm < 1 or len(data) != size + 4 * num_perm:
            raise SignatureError(f"signature length {len(data)} does not match num_perm {num_perm}")
        fingerprint = fp.hex() if any(fp) else ""
        return cls(hashvalues=data[size:], fingerprint=fingerprint, exact_only=bool(flags & 1), seed=seed)


def _check_compatible(a: MinHashSignature, b: MinHashSignature) -> None:
    if a.num_perm != b.num_perm or a.seed != b.seed:
        raise SignatureError(
            f"signatures are not comparable: num_perm {a.num_perm} vs {b.num_perm}, seed {a.seed} vs {b.seed}"
        )


def jaccard_estimate(a_sig: MinHashSignature, b_sig: MinHashSignature) -> float:
    """MinHash estimate of the shingle Jaccard similarity; 0.0 when either text is empty.

    Raises:
        SignatureError: the signatures use different ``num_perm`` or seeds.
    """
    _check_compatible(a_sig, b_sig)
    if a_sig.is_empty or b_sig.is_empty:
        return 0.0
    a = np.frombuffer(a_sig.hashvalues, dtype="<u4")
    b = np.frombuffer(b_sig.hashvalues, dtype="<u4")
    return float(np.count_nonzero(a == b)) / a.size


# Distinct odd multipliers, one per position in a shingle, so "a b" and "b a" hash apart.
_POSITION_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x27D4EB2F165667C5,
        0x85EBCA77C2B2AE63,
    ],
    dtype=np.uint64,
)


class _WordHashCache(dict[str, int]):
    """word -> xxh64; news vocabulary repeats, so a lookup in C beats hashing every word."""

    def __missing__(self, word: str) -> int:
        value = self[word] = xxhash.xxh64_intdigest(word.encode("utf-8", "surrogatepass"))
        return value


_WORD_HASH_CACHE_SIZE = 500_000  # ~60 MB at worst; cleared, not evicted, when full
_WORD_HASHES = _WordHashCache()


def _shingle_hashes(words: list[str], k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word ``k``-shingles (same sets as :func:`shingles`).

    Hashing each word once and combining the hashes with numpy is about twice as fast as
    building and hashing every shingle string, and 64-bit hashes make collisions negligible
    (about 1e-14 for a pair of 500-word articles).
    """
    if not words:
        return np.empty(0, dtype=np.uint64)
    if len(_WORD_HASHES) > _WORD_HASH_CACHE_SIZE:
        _WORD_HASHES.clear()
    word_hashes = np.fromiter(map(_WORD_HASHES.__getitem__, words), dtype=np.uint64, count=len(words))
    width = min(k, len(words))
    n = len(words) - width + 1
    with np.errstate(over="ignore"):  # wrap-around multiplication is the point
        acc = word_hashes[:n] * _POSITION_MULTIPLIERS[0]
        for j in range(1, width):
            acc += word_hashes[j : j + n] * _POSITION_MULTIPLIERS[j % len(_POSITION_MULTIPLIERS)]
        # murmur3 finaliser: spreads the sum so the top 32 bits (fed to MinHash) are well mixed
        acc ^= acc >> np.uint64(33)
        acc *= np.uint64(0xFF51AFD7ED558CCD)
        acc ^= acc >> np.uint64(33)
    return np.unique(acc)


def _hash_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique hash arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


class _Signer:
    """Builds signatures; keeps one initialised MinHash to copy (its permutations are the cost)."""

    def __init__(self, num_perm: int) -> None:
        # The input values are already xxhash-based shingle hashes; int() passes them through.
        self._template = MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashfunc=int, scheme=_SCHEME)

    def minhash(self, hashes: np.ndarray) -> MinHash:
        minhash = self._template.copy()
        if hashes.size:
            minhash.update_batch((hashes >> np.uint64(32)).tolist())
        return minhash

    def sign(self, text: str) -> MinHashSignature:
        words = _words(text)
        values = self.minhash(_shingle_hashes(words)).hashvalues
        return MinHashSignature(
            hashvalues=values.astype("<u4", copy=False).tobytes(),
            fingerprint=content_fingerprint(text),
            exact_only=len(words) < MIN_WORDS,
        )


class NearDuplicateIndex:
    """In-memory MinHash LSH index of article signatures, keyed by article id.

    ``query`` returns the keys whose estimated Jaccard similarity to the query is at least
    ``threshold - ESTIMATE_SLACK`` (best first): LSH, tuned for ``threshold - CANDIDATE_MARGIN``,
    proposes candidates and the MinHash estimate filters them.  Callers that need the exact bound
    confirm on real shingles, as :func:`group_near_duplicates` does.  Short texts
    (``exact_only``) match by fingerprint only.

    Adding a key that is already present replaces its signature, so re-running a pipeline stage
    changes nothing.  Not thread-safe: one index per worker, rebuilt from stored signatures.
    """

    def __init__(self, *, threshold: float = 0.8, num_perm: int = 128) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if not 2 <= num_perm <= 4096:
            raise ValueError(f"num_perm must be between 2 and 4096, not {num_perm}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._signer = _Signer(num_perm)
        self._lsh = MinHashLSH(threshold=max(0.3, threshold - CANDIDATE_MARGIN), num_perm=num_perm)
        self._signatures: dict[str, MinHashSignature] = {}
        self._exact: dict[str, set[str]] = {}  # fingerprint -> keys of exact_only signatures

    def signature(self, text: str) -> MinHashSignature:
        """The signature of ``text`` for this index's ``num_perm``."""
        return self._signer.sign(text)

    def _check(self, sig: MinHashSignature) -> None:
        if not isinstance(sig, MinHashSignature):
            raise TypeError(f"expected a MinHashSignature, not {type(sig).__name__}")
        if sig.num_perm != self.num_perm or sig.seed != MINHASH_SEED:
            raise SignatureError(
                f"signature has num_perm {sig.num_perm} and seed {sig.seed}; "
                f"this index uses num_perm {self.num_perm} and seed {MINHASH_SEED}"
            )

    def add(self, key: str, sig: MinHashSignature) -> None:
        """Index ``sig`` under ``key`` (replacing an earlier signature of the same key)."""
        self._check(sig)
        if key in self._signatures:
            self.remove(key)
        self._signatures[key] = sig
        if sig.exact_only:
            if sig.fingerprint:
                self._exact.setdefault(sig.fingerprint, set()).add(key)
        else:
            self._lsh.insert(key, sig.minhash(), check_duplication=False)

    def remove(self, key: str) -> None:
        """Forget ``key``; :class:`KeyError` when it is not in the index."""
        sig = self._signatures.pop(key)
        if sig.exact_only:
            keys = self._exact.get(sig.fingerprint)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._exact[sig.fingerprint]
        else:
            self._lsh.remove(key)

    def query(self, sig: MinHashSignature) -> list[str]:
        """Keys of indexed near copies of ``sig``, most similar first (ties by key)."""
        self._check(sig)
        if sig.exact_only:
            return sorted(self._exact.get(sig.fingerprint, ())) if sig.fingerprint else []
        scored = []
        for key in self._lsh.query(sig.minhash()):
            score = jaccard_estimate(sig, self._signatures[key])
            if score >= self.threshold - ESTIMATE_SLACK:
                scored.append((-score, key))
        scored.sort()
        return [key for _, key in scored]

    def get(self, key: str) -> MinHashSignature | None:
        return self._signatures.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def __len__(self) -> int:
        return len(self._signatures)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def group_near_duplicates(items: Iterable[tuple[str, str]], *, threshold: float = 0.8) -> list[list[str]]:
    """Group ``(key, text)`` items into sets of exact or near copies (groups of two or more).

    Exact copies (same :func:`content_fingerprint`) are always grouped.  Texts of at least
    :data:`MIN_WORDS` words are also grouped when the *exact* Jaccard similarity of their
    shingles is at least ``threshold``; LSH (run at a lower threshold, for recall) only proposes
    the pairs to check, so its false positives never merge anything.  Grouping is transitive
    (union-find): A~B and B~C put A, B and C together.  Groups keep the input order, and are
    ordered by their first member.

    Raises:
        ValueError: a key appears twice, or ``threshold`` is not in (0, 1].
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    keys: list[str] = []
    texts: list[str] = []
    seen: set[str] = set()
    for key, text in items:
        if key in seen:
            raise ValueError(f"key {key!r} appears more than once")
        seen.add(key)
        keys.append(key)
        texts.append(text)

    uf = _UnionFind(len(keys))
    first_by_fingerprint: dict[str, int] = {}
    for i, text in enumerate(texts):
        fp = content_fingerprint(text)
        if fp:
            uf.union(first_by_fingerprint.setdefault(fp, i), i)

    # Candidate pairs at a lower LSH threshold, each confirmed on the real shingle sets.
    candidate_threshold = max(0.3, threshold - CANDIDATE_MARGIN)
    signer = _Signer(128)
    lsh = MinHashLSH(threshold=candidate_threshold, num_perm=128)
    shingle_sets: dict[int, np.ndarray] = {}
    for i, text in enumerate(texts):
        words = _words(text)
        if len(words) < MIN_WORDS:
            continue
        shingle_sets[i] = _shingle_hashes(words)
        minhash = signer.minhash(shingle_sets[i])
        for j in lsh.query(minhash):
            if uf.find(i) != uf.find(j) and _hash_jaccard(shingle_sets[i], shingle_sets[j]) >= threshold:
                uf.union(i, j)
        lsh.insert(i, minhash, check_duplication=False)

    groups: dict[int, list[str]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(uf.find(i), []).append(key)
    return [members for _, members in sorted(groups.items()) if len(members) >= 2]
