"""Near-duplicate detection: folding, boilerplate, MinHash signatures and the LSH index."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.classify import dedup
from monitor.classify.dedup import NearDuplicateIndex

NUM_PERM = 128

WIRE = (
    "Britain's Information Commissioner's Office fined facial recognition company Clearview AI "
    "£7.5 million and ordered it to delete the data of UK residents from its systems. The "
    "regulator said the US firm had scraped more than 20 billion images of people's faces from "
    "social media and other websites to build an online database without telling anyone. "
    "Clearview must also stop obtaining and using the personal data of people in the UK that is "
    "publicly available on the internet, the ICO said. The company, which sells access to its "
    "search tool to law enforcement agencies, can appeal the decision."
)
OTHER_EVENT = (
    "Britain's Information Commissioner's Office fined Marriott International £18.4 million for "
    "failing to keep millions of customers' personal data secure. The hotel group's systems had "
    "been compromised since 2014, when attackers gained access to the Starwood reservation "
    "network that Marriott later acquired. The breach exposed names, email addresses and "
    "passport numbers. The regulator had originally proposed a fine of £99 million."
)


def test_fold_lowercases_strips_accents_and_punctuation() -> None:
    assert dedup.fold("Télécom, l'ICO — «Amende» 20 M€!") == "telecom l ico amende 20 m"
    assert dedup.fold("Straße Œuvre") == "strasse œuvre"


def test_shingles_are_word_trigrams_of_folded_text() -> None:
    assert dedup.shingles("La CNIL sanctionne Google.") == {
        b"la cnil sanctionne",
        b"cnil sanctionne google",
    }
    assert dedup.shingles("Deux mots") == {b"deux mots"}
    assert dedup.shingles(" ,; ") == set()


def test_strip_boilerplate_removes_dateline_credits_and_promo() -> None:
    text = (
        "LONDON (CPA) — The regulator fined the company. It can appeal. "
        "(Reporting by Helen Marsh; Editing by Paul Rennick)"
    )
    assert dedup.strip_boilerplate(text) == "The regulator fined the company. It can appeal."
    promo = (
        "La CNIL a sanctionné Google. Cet article est issu du fil de l'Agence Presse "
        "Continentale. Abonnez-vous à notre newsletter."
    )
    assert dedup.strip_boilerplate(promo) == "La CNIL a sanctionné Google."
    plain = "The ICO said the company had not complied (it had ignored two notices)."
    assert dedup.strip_boilerplate(plain) == plain


def test_syndicated_copies_with_different_boilerplate_are_near_duplicates() -> None:
    a = dedup.signature(
        "UK fines Clearview AI £7.5m",
        f"LONDON (CPA) — {WIRE} (Reporting by Helen Marsh; Editing by Paul Rennick)",
        NUM_PERM,
    )
    b = dedup.signature(
        "Clearview AI fined by UK data regulator",
        WIRE.replace(
            "The company, which sells access to its search tool to law enforcement agencies, can "
            "appeal the decision.",
            "Clearview has 28 days to appeal.",
        )
        + " This article was supplied by Continental Press Agency. Sign up to our newsletter.",
        NUM_PERM,
    )
    other = dedup.signature("Marriott fined £18.4m", OTHER_EVENT, NUM_PERM)
    assert a is not None and b is not None and other is not None
    assert dedup.jaccard(a, b) >= 0.7
    assert dedup.jaccard(a, other) < 0.2


def test_signatures_are_deterministic_and_round_trip_through_bytes() -> None:
    a = dedup.signature("t", WIRE, NUM_PERM)
    b = dedup.MinHasher(NUM_PERM).signature("t", WIRE)
    assert a is not None and b is not None
    assert np.array_equal(a, b)
    raw = dedup.signature_bytes(a)
    assert len(raw) == 4 * NUM_PERM
    assert np.array_equal(dedup.signature_from_bytes(raw), a)


def test_an_article_without_words_has_no_signature() -> None:
    # Two empty MinHashes estimate a Jaccard of 1.0: they must never be indexed.
    assert dedup.signature("", "  ", NUM_PERM) is None
    assert dedup.signature("—", "…", NUM_PERM) is None


def test_short_bodies_are_shingled_with_their_title() -> None:
    assert dedup.dedup_text("Headline", "Short body.") == "Headline\nShort body."
    assert dedup.dedup_text("Headline", WIRE) == WIRE


def _sig(text: str) -> dedup.Signature:
    sig = dedup.signature("", text, NUM_PERM)
    assert sig is not None
    return sig


def test_index_returns_verified_duplicates_best_first_and_forgets_removed_keys() -> None:
    index = NearDuplicateIndex(threshold=0.7, num_perm=NUM_PERM)
    index.add(1, _sig(WIRE))
    index.add(2, _sig(OTHER_EVENT))
    index.add(3, _sig(WIRE + " The ICO said it would monitor compliance."))
    assert len(index) == 3 and 2 in index
    found = index.query(_sig(WIRE))
    assert [k for k, _ in found] == [1, 3]
    assert found[0][1] == 1.0 and 0.7 <= found[1][1] < 1.0
    index.remove(1)
    index.remove(99)  # unknown keys are ignored
    assert [k for k, _ in index.query(_sig(WIRE))] == [3]
    assert index.query(_sig("An unrelated text about the weather in Lyon this weekend.")) == []


def test_index_ignores_signatures_of_another_size() -> None:
    index = NearDuplicateIndex(threshold=0.7, num_perm=NUM_PERM)
    small = dedup.signature("", WIRE, 64)
    assert small is not None
    index.add(1, small)
    assert len(index) == 0 and index.query(small) == []


@given(st.text(max_size=300))
def test_fold_is_idempotent_and_shingling_never_fails(text: str) -> None:
    folded = dedup.fold(text)
    assert dedup.fold(folded) == folded
    grams = dedup.shingles(dedup.dedup_text("", text))
    assert (dedup.signature("", text, 16) is None) == (not grams)


@pytest.mark.parametrize("threshold", [0.5, 0.9])
def test_threshold_is_respected(threshold: float) -> None:
    index = NearDuplicateIndex(threshold=threshold, num_perm=NUM_PERM)
    index.add(1, _sig(WIRE))
    half = " ".join(WIRE.split()[:45]) + " " + OTHER_EVENT
    assert all(score >= threshold for _, score in index.query(_sig(half)))
