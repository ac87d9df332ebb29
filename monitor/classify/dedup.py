"""Near-duplicate detection: MinHash signatures and an in-memory LSH index.

Owns: turning an article into a MinHash signature (word 3-shingles of the
cleaned, lower-cased, diacritics-folded text), (de)serialising signatures for
`article_signatures`, and `NearDuplicateIndex`, a `datasketch.MinHashLSH` whose
candidates are verified against the estimated Jaccard similarity. Does not
own: exact duplicates (canonical URL and `articles.content_hash` are handled
at ingestion), the time window (the story clusterer adds and removes keys),
persistence (`monitor.store.stories`) or story decisions (`stories.py`).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE_WORDS = 3
SEED = 1  # fixed: signatures are persisted and must stay comparable across restarts
SCHEME = "affine32"  # datasketch >= 2.0 hashing scheme; stored signatures use it
MIN_BODY_WORDS = 40  # shorter bodies are shingled together with the title
_DTYPE = np.dtype("<u4")  # affine32 hash values, stored little-endian

Signature = npt.NDArray[np.uint32]

_NON_WORD = re.compile(r"[\W_]+")  # keeps letters of any script
_COMBINING = re.compile("[\u0300-\u036f]")  # the accents NFKD splits off Latin letters
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# "LONDON (Reuters) - ", "PARIS (AFP) — ", "(CPA) – " at the very start.
_DATELINE = re.compile(r"^(?:[A-ZÀ-Ý][A-ZÀ-Ý .'/-]{1,40}\s*)?\([^()]{1,40}\)\s*[-–—:]\s*")
_CREDIT_WORDS = (
    r"(?:reporting|writing|editing|additional reporting|compiled|avec|with|"
    r"par|source|r[ée]daction)"
)
_CREDIT = re.compile(rf"\(\s*{_CREDIT_WORDS}\b[^()]*\)\.?", re.IGNORECASE)
_CREDIT_TAIL = re.compile(rf"\s*\(\s*{_CREDIT_WORDS}\b[^()]*\)\.?\s*$", re.IGNORECASE)
_PROMO = re.compile(
    r"newsletter|sign up|subscribe|this (?:article|story) (?:was|is) (?:supplied|provided|"
    r"originally published|syndicated)|read more|all rights reserved|copyright|©|"
    r"abonnez-vous|inscrivez-vous|cet article (?:est issu|a été publié)|lire aussi|"
    r"tous droits réservés|retrouvez (?:toute|tous|nos)",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Lower-case, strip diacritics and punctuation: "Télécom, l'ICO" -> "telecom l ico"."""
    if text.isascii():
        low = text.lower()
    else:  # decompose before and after case folding: "㏗" -> "PH" -> "ph", "İ" -> "i" + dot
        low = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
        low = _COMBINING.sub("", low)
    return _NON_WORD.sub(" ", low).strip()


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """Distinct k-word shingles of the folded text (one shingle when shorter than k)."""
    words = fold(text).split()
    if len(words) <= k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def strip_boilerplate(text: str) -> str:
    """Drop what outlets wrap around a wire story: dateline, credits, promo sentences.

    "LONDON (CPA) — ...", "(Reporting by ...)", "(Avec AFP)", "Sign up to our
    newsletter...", "Cet article est issu du fil..." differ between copies of
    one syndicated text and would otherwise dilute its shingles.
    """
    body = _DATELINE.sub("", text.strip(), count=1)
    sentences = _SENTENCE_END.split(body)
    while len(sentences) > 1 and (_PROMO.search(sentences[-1]) or _CREDIT.fullmatch(sentences[-1])):
        sentences.pop()
    body = " ".join(sentences)
    return _CREDIT_TAIL.sub("", body).strip()


def dedup_text(title: str, text: str) -> str:
    """The text a signature is computed from.

    Syndicated copies keep the body and often rewrite the headline, so the body
    alone is used when it is long enough to be distinctive.
    """
    body = strip_boilerplate(text)
    if len(body.split()) >= MIN_BODY_WORDS:
        return body
    return f"{title}\n{body}"


class MinHasher:
    """Computes signatures with one reusable `MinHash` (building its permutations
    costs as much as hashing a short article). Not thread-safe: one per user."""

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        self._m = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME)

    def signature(self, title: str, text: str) -> Signature | None:
        """MinHash values of an article; None when it has no words at all.

        None matters: two empty MinHashes have an estimated Jaccard of 1.0, which
        would make every empty article a duplicate of every other.
        """
        grams = shingles(dedup_text(title, text))
        if not grams:
            return None
        self._m.clear()
        self._m.update_batch(sorted(grams))
        return np.asarray(self._m.hashvalues, dtype=np.uint32).copy()


def signature(title: str, text: str, num_perm: int) -> Signature | None:
    """One-off `MinHasher(num_perm).signature(title, text)`."""
    return MinHasher(num_perm).signature(title, text)


def _lean(sig: Signature) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)


def signature_bytes(sig: Signature) -> bytes:
    """Serialise for `article_signatures.minhash` (little-endian uint32, num_perm values)."""
    return np.asarray(sig, dtype=_DTYPE).tobytes()


def signature_from_bytes(data: bytes) -> Signature:
    """Inverse of `signature_bytes`."""
    return np.frombuffer(data, dtype=_DTYPE).astype(np.uint32)


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / float(len(a))


class NearDuplicateIndex:
    """MinHash LSH over integer keys; `query` returns verified near-duplicates.

    The LSH only proposes candidates (banding has false positives and
    negatives around the threshold); each candidate is checked against the
    estimated Jaccard similarity before it is returned.
    """

    def __init__(self, *, threshold: float, num_perm: int) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[int, Signature] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, key: object) -> bool:
        return key in self._sigs

    def add(self, key: int, sig: Signature) -> None:
        """Index `sig` under `key` (a key already present is left as it is)."""
        if key in self._sigs or len(sig) != self.num_perm:
            return
        self._lsh.insert(key, _lean(sig))
        self._sigs[key] = sig

    def remove(self, key: int) -> None:
        if self._sigs.pop(key, None) is not None:
            self._lsh.remove(key)

    def query(self, sig: Signature) -> list[tuple[int, float]]:
        """Keys whose estimated Jaccard with `sig` reaches the threshold, best first."""
        if not self._sigs or len(sig) != self.num_perm:
            return []
        found = []
        for key in self._lsh.query(_lean(sig)):
            score = jaccard(sig, self._sigs[key])
            if score >= self.threshold:
                found.append((key, score))
        found.sort(key=lambda kv: (-kv[1], kv[0]))
        return found
