"""Same-event stories: fact consistency, the clusterer, persistence and the labelled set."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.classify import story_facts
from monitor.classify.cluster_metrics import bcubed, merged_pairs
from monitor.classify.stories import REQUIRED_SIMILARITY, ClusterDoc, StoryClusterer, event_time
from monitor.classify.story_facts import Evidence, amounts_compatible, compare, merge_fields
from monitor.classify.vector_index import VectorIndex
from monitor.clustering import (
    ClusterItem,
    analyse_documents,
    assign_articles,
    cluster_documents,
    default_extractor,
    load_clusterer,
    parse_jsonl,
)
from monitor.config import DedupSettings
from monitor.errors import StoreError
from monitor.models import Article, Classification, EventFields, Feed
from monitor.store import Store

DIM = 8
DATA = Path(__file__).parents[1] / "data" / "stories"
ICO_CV = EventFields(
    authority="ICO",
    target="Clearview AI",
    action="fine",
    amount=7_500_000,
    currency="GBP",
    country="GB",
)
CNIL_CV = EventFields(
    authority="CNIL",
    target="Clearview AI",
    action="fine",
    amount=20_000_000,
    currency="EUR",
    country="FR",
)
GARANTE_CV = replace(CNIL_CV, authority="Garante", country="IT")
ICO_BA = EventFields(
    authority="ICO",
    target="British Airways",
    action="fine",
    amount=20_000_000,
    currency="GBP",
    country="GB",
)
ICO_MARRIOTT = replace(ICO_BA, target="Marriott International", amount=18_400_000)


def vec(cos: float = 1.0, axis: int = 1) -> np.ndarray:
    """A unit vector whose cosine with e0 is `cos` (the rest on `axis`)."""
    v = np.zeros(DIM, dtype=np.float32)
    v[0], v[axis] = cos, math.sqrt(max(0.0, 1 - cos * cos))
    return v


def doc(
    i: int,
    when: str,
    *,
    lang: str = "en",
    source: str = "Northgate News",
    title: str = "",
    text: str = "",
) -> ClusterDoc:
    return ClusterDoc(
        id=i,
        title=title or f"Headline {i}",
        text=text or f"Body of article {i}.",
        lang=lang,
        published=when,
        source=source,
    )


@pytest.fixture
def clusterer() -> StoryClusterer:
    return StoryClusterer(DIM, DedupSettings())


# -- fact consistency ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        (7_500_000, 7_552_800, True),  # "£7.5m" and the exact "£7,552,800"
        (8_850_000, 8_750_000, True),  # two euro conversions of one fine
        (1_800_000_000, 1_840_000_000, True),  # "près de 1,8 milliard" vs "1,84 milliard"
        (20_000_000, 18_400_000, False),  # BA vs Marriott
        (150_000_000, 100_000_000, False),  # CNIL/Google 2022 vs 2020
        (300_000, 1_000_000, False),
    ],
)
def test_amounts_compare_with_rounding_tolerance(a: float, b: float, ok: bool) -> None:
    assert amounts_compatible(a, b) is ok
    assert amounts_compatible(b, a) is ok


def test_granularity_keeps_two_significant_digits() -> None:
    assert story_facts.granularity(7_500_000) == 100_000
    assert story_facts.granularity(7_552_800) == 100
    assert story_facts.granularity(20_000_000) == 1_000_000
    assert story_facts.granularity(0) == 0


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (CNIL_CV, GARANTE_CV, "authority"),
        (ICO_BA, ICO_MARRIOTT, "target"),
        (ICO_BA, replace(ICO_BA, amount=18_400_000), "amount"),
        (ICO_BA, replace(ICO_BA, action="formal_notice"), "action"),
        (ICO_BA, replace(ICO_BA, country="IE"), "country"),
        (
            replace(ICO_BA, event_date="2020-10-16"),
            replace(ICO_BA, event_date="2020-12-01"),
            "event_date",
        ),
    ],
)
def test_known_facts_that_differ_conflict(a: EventFields, b: EventFields, conflict: str) -> None:
    assert compare(a, b).conflict == conflict
    assert compare(b, a).conflict == conflict


def test_missing_fields_and_conversions_are_unknown_not_conflicts() -> None:
    fr_conversion = EventFields(
        authority="ICO", target="Clearview AI", amount=8_850_000, currency="EUR"
    )
    check = compare(ICO_CV, fr_conversion)
    assert check.conflict is None
    assert check.agreements == {"authority", "target"}
    assert check.evidence is Evidence.STRONG
    assert compare(ICO_CV, EventFields()).agreements == frozenset()
    assert compare(ICO_CV, EventFields()).evidence is Evidence.NONE


def test_actions_announced_together_do_not_conflict() -> None:
    for action in ("order", "ban", "settlement"):
        assert compare(ICO_CV, replace(ICO_CV, action=action)).conflict is None
    assert compare(ICO_CV, replace(ICO_CV, action="other")).conflict is None


def test_an_investigation_is_not_the_sanction_that_follows() -> None:
    check = compare(ICO_CV, ICO_CV, label_a="investigation", label_b="enforcement")
    assert check.conflict == "label"
    assert compare(ICO_CV, ICO_CV, label_a="other", label_b="enforcement").conflict is None


def test_evidence_levels() -> None:
    target_only = EventFields(target="Clearview AI")
    assert compare(ICO_CV, target_only).evidence is Evidence.WEAK
    # A general news piece about a sanctioned company is not evidence of the sanction story.
    assert compare(ICO_CV, target_only, label_a="enforcement").evidence is Evidence.NONE
    authority_amount = EventFields(authority="ICO", amount=7_500_000, currency="GBP")
    assert compare(ICO_CV, authority_amount).evidence is Evidence.WEAK
    assert compare(ICO_CV, replace(ICO_CV, authority=None)).evidence is Evidence.STRONG


def test_fallback_name_matching_knows_acronyms_and_legal_suffixes() -> None:
    assert story_facts._fallback_same_authority("ICO", "Information Commissioner's Office")
    assert story_facts._fallback_same_authority(
        "CNIL", "Commission nationale de l'informatique et des libertés"
    )
    assert not story_facts._fallback_same_authority("CNIL", "Garante")
    assert story_facts._fallback_same_target("Clearview AI Inc", "Clearview AI")
    assert story_facts._fallback_same_target("Veltro Télécom", "Veltro Telecom")
    assert not story_facts._fallback_same_target("British Airways", "Marriott International")
    assert story_facts._target_acronym("BA", "British Airways")


_amounts = st.floats(min_value=1, max_value=1e10, allow_nan=False)
_facts = st.builds(
    EventFields,
    authority=st.sampled_from([None, "ICO", "CNIL", "Garante"]),
    target=st.sampled_from([None, "Clearview AI", "Clearview AI Inc", "British Airways"]),
    action=st.sampled_from([None, "fine", "order", "formal_notice", "other"]),
    amount=st.none() | _amounts,
    currency=st.sampled_from([None, "EUR", "GBP"]),
    event_date=st.sampled_from([None, "2022-05-23", "2022-05-26", "2022-10-20"]),
)


@given(_amounts, _amounts)
def test_amount_compatibility_is_symmetric_and_reflexive(a: float, b: float) -> None:
    assert amounts_compatible(a, a)
    assert amounts_compatible(a, b) == amounts_compatible(b, a)


@given(_facts, _facts)
def test_fact_checks_are_symmetric(a: EventFields, b: EventFields) -> None:
    ab, ba = compare(a, b), compare(b, a)
    assert (ab.conflict is None) == (ba.conflict is None)
    assert ab.evidence == ba.evidence
    assert compare(a, a).conflict is None
    assert compare(a, EventFields()).conflict is None  # unknown is never a conflict


def test_merged_facts_are_the_majority_with_ties_to_the_earliest() -> None:
    members = [
        ICO_CV,
        replace(ICO_CV, amount=7_552_800),
        EventFields(
            authority="Information Commissioner's Office", amount=8_850_000, currency="EUR"
        ),
        replace(ICO_CV, action="order"),
    ]
    merged = merge_fields(members)
    assert merged.authority == "ICO"
    assert (merged.amount, merged.currency) == (7_500_000, "GBP")
    assert merged.action == "fine"
    assert merge_fields([]) == EventFields()


# -- the clusterer ---------------------------------------------------------------------


def test_vector_index_searches_live_keys_and_rebuilds_after_many_removals() -> None:
    rng = np.random.default_rng(1)
    rows = rng.standard_normal((200, DIM)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    index = VectorIndex(DIM)
    assert index.search(rows[0], 5) == []
    for key, row in enumerate(rows):
        index.add(key, row)
    index.add(0, rows[1])  # a known key keeps its vector
    for key in range(150):
        index.remove(key)
    assert len(index) == 50 and index.rebuilds == 1 and 10 not in index and 160 in index
    found = index.search(rows[170], 10)
    assert found[0][0] == 170 and found[0][1] == pytest.approx(1.0, abs=1e-5)
    assert all(key >= 150 for key, _ in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_reports_of_one_event_form_one_story_and_versions_follow_sources(
    clusterer: StoryClusterer,
) -> None:
    a = clusterer.assign(
        doc(1, "2022-05-23T10:00:00Z", lang="fr", source="Le Quotidien"),
        vec(),
        ICO_CV,
        label="enforcement",
        score=0.9,
    )
    assert a.is_new_story and a.reason == "new" and a.story.version == 1
    b = clusterer.assign(
        doc(2, "2022-05-23T12:00:00Z", title="ICO fines Clearview"),
        vec(0.4),
        replace(ICO_CV, amount=7_552_800),
        label="enforcement",
        score=0.8,
    )
    assert (b.story_id, b.is_new_story, b.reason) == (a.story_id, False, "similar")
    assert b.changed and b.story.version == 2
    assert b.story.languages == ("en", "fr") and b.story.source_count == 2
    assert b.story.title == "ICO fines Clearview"  # the earliest English report
    assert b.story.first_seen == "2022-05-23T10:00:00+00:00"
    assert b.story.last_seen == "2022-05-23T12:00:00+00:00"
    # Same outlet, nothing new: the alert does not need an edit.
    c = clusterer.assign(
        doc(3, "2022-05-23T13:00:00Z", source="le quotidien"),
        vec(0.9),
        ICO_CV,
        label="enforcement",
        score=0.7,
    )
    assert c.story_id == a.story_id and not c.changed and c.story.version == 2
    assert c.story.label == "enforcement" and c.story.score == 0.9


@pytest.mark.parametrize(
    ("first", "second", "days"),
    [
        (CNIL_CV, GARANTE_CV, 0),  # same target, different authority, same day
        (ICO_BA, ICO_MARRIOTT, 0),  # same authority, different target, same day
        (
            replace(CNIL_CV, target="Google", amount=150e6),
            replace(CNIL_CV, target="Google", amount=100e6),
            2,
        ),
        (CNIL_CV, GARANTE_CV, 225),  # CNIL Oct 2022 vs Garante Mar 2022
    ],
)
def test_look_alikes_get_their_own_story_even_with_identical_embeddings(
    clusterer: StoryClusterer, first: EventFields, second: EventFields, days: int
) -> None:
    a = clusterer.assign(doc(1, "2022-10-20T10:00:00Z"), vec(), first, label="enforcement")
    when = datetime(2022, 10, 20, 11, tzinfo=UTC).timestamp() + days * 86_400
    b = clusterer.assign(
        doc(2, datetime.fromtimestamp(when, UTC).isoformat()), vec(), second, label="enforcement"
    )
    assert b.is_new_story and b.story_id != a.story_id


def test_similarity_bar_depends_on_how_much_the_facts_agree(clusterer: StoryClusterer) -> None:
    threshold = DedupSettings().similarity_threshold
    strong = threshold + REQUIRED_SIMILARITY[Evidence.STRONG]
    none = threshold + REQUIRED_SIMILARITY[Evidence.NONE]
    clusterer.assign(doc(1, "2022-05-23T10:00:00Z"), vec(), ICO_CV, label="enforcement")
    joined = clusterer.assign(
        doc(2, "2022-05-23T11:00:00Z"), vec(strong + 0.02), ICO_CV, label="enforcement"
    )
    assert not joined.is_new_story
    alone = clusterer.assign(
        doc(3, "2022-05-23T12:00:00Z"), vec(none - 0.02, axis=2), EventFields(), label="other"
    )
    assert alone.is_new_story
    close = clusterer.assign(
        doc(4, "2022-05-23T13:00:00Z"), vec(none + 0.03, axis=3), EventFields(), label="other"
    )
    assert close.story_id == joined.story_id


def test_the_window_bounds_matching_and_memory(clusterer: StoryClusterer) -> None:
    clusterer.assign(doc(1, "2022-05-01T10:00:00Z"), vec(), ICO_CV)
    clusterer.assign(doc(2, "2022-05-05T10:00:00Z"), vec(0.0, axis=2), ICO_BA)
    late = clusterer.assign(doc(3, "2022-05-09T11:00:00Z"), vec(), ICO_CV)  # 8 days on
    assert late.is_new_story
    assert clusterer.stats()["indexed"] == 2  # article 1 left the window
    assert clusterer.stats()["stories"] == 2


def test_a_back_fill_out_of_event_order_keeps_old_stories_matchable(
    clusterer: StoryClusterer,
) -> None:
    # A first poll brings months of items, feed by feed: outlet A's May report, then its
    # October news, then outlet B's May report of the same event, all fetched today.
    today = "2026-12-03T12:00:00+00:00"
    first = clusterer.assign(replace(doc(1, "2022-05-23T10:00:00Z"), fetched=today), vec(), ICO_CV)
    clusterer.assign(
        replace(doc(2, "2022-10-20T10:00:00Z"), fetched=today), vec(0.0, axis=2), CNIL_CV
    )
    other = clusterer.assign(
        replace(doc(3, "2022-05-23T16:00:00Z", source="City Post"), fetched=today),
        vec(0.9, axis=3),
        ICO_CV,
    )
    assert other.story_id == first.story_id and other.reason == "similar"
    # ...and the window still bounds memory: by arrival, eight days later it is gone
    clusterer.assign(
        replace(doc(4, "2022-05-23T17:00:00Z"), fetched="2026-12-11T13:00:00Z"),
        vec(0.0, axis=4),
        ICO_BA,
    )
    assert clusterer.stats()["indexed"] == 1


def test_a_syndicated_copy_is_a_duplicate_of_the_original(clusterer: StoryClusterer) -> None:
    body = " ".join(f"word{i}" for i in range(80))
    a = clusterer.assign(
        doc(1, "2022-05-23T10:00:00Z", text=f"LONDON (CPA) — {body}"), vec(), ICO_CV
    )
    b = clusterer.assign(
        doc(
            2, "2022-05-23T11:00:00Z", source="City Post", text=f"{body} Sign up to our newsletter."
        ),
        vec(0.1, axis=2),
        ICO_CV,
    )
    c = clusterer.assign(
        doc(3, "2022-05-23T12:00:00Z", source="Metro Herald", text=body),
        vec(0.1, axis=3),
        EventFields(),
    )
    assert (b.reason, b.story_id, b.duplicate_of) == ("near_duplicate", a.story_id, 1)
    assert (c.story_id, c.duplicate_of) == (a.story_id, 1)  # points at the original
    assert b.story.title == "Headline 1"  # duplicates never represent a story
    # The same template with contradicting facts is not a duplicate.
    d = clusterer.assign(doc(4, "2022-05-23T13:00:00Z", text=body), vec(0.1, axis=4), ICO_BA)
    assert d.is_new_story and d.duplicate_of is None


def test_assigning_an_article_twice_returns_the_first_answer(clusterer: StoryClusterer) -> None:
    first = clusterer.assign(doc(1, "2022-05-23T10:00:00Z"), vec(), ICO_CV)
    again = clusterer.assign(doc(1, "2022-05-23T10:00:00Z"), vec(0.0, axis=2), ICO_BA)
    assert (again.story_id, again.reason, again.changed) == (first.story_id, "repeat", False)


def test_event_time_prefers_published_unless_it_is_after_the_fetch() -> None:
    assert event_time("2022-05-23T10:00:00Z", "2022-05-23T11:00:00+00:00") == datetime(
        2022, 5, 23, 10, tzinfo=UTC
    )
    assert event_time("2030-01-01T00:00:00Z", "2022-05-23T11:00:00+00:00") == datetime(
        2022, 5, 23, 11, tzinfo=UTC
    )
    assert event_time(None, "2022-05-23") == datetime(2022, 5, 23, tzinfo=UTC)
    assert event_time("not a date", None) is None


# -- persistence: assign_articles, restart --------------------------------------------


def _stored_items(
    store: Store, specs: list[tuple[str, str, str, np.ndarray, EventFields]]
) -> list[ClusterItem]:
    store.feeds.sync([Feed(name="f", url="https://example.org/rss")])
    items = []
    for n, (when, source, lang, v, fields) in enumerate(specs):
        article = Article(
            url=f"https://example.org/{when}/{n}",
            guid=None,
            feed="f",
            source=source,
            title=f"Title {when}",
            summary="",
            text=f"Text of {source} at {when}.",
            lang=lang,
            published=when,
            fetched=when,
            content_hash=str(n),
        )
        aid = store.articles.insert(article)
        assert aid is not None
        items.append(
            ClusterItem(
                doc=ClusterDoc(
                    id=aid,
                    title=article.title,
                    text=article.text,
                    lang=lang,
                    published=when,
                    source=source,
                    fetched=when,
                ),
                vector=v,
                fields=fields,
                label="enforcement",
                score=0.9,
            )
        )
    return items


def test_assign_articles_persists_and_a_restart_resumes(store: Store) -> None:
    now = datetime(2022, 5, 24, tzinfo=UTC)
    items = _stored_items(
        store,
        [
            ("2022-05-23T10:00:00+00:00", "Metro Herald", "en", vec(), ICO_CV),
            ("2022-05-23T11:00:00+00:00", "Le Quotidien", "fr", vec(0.5), ICO_CV),
            ("2022-05-23T12:00:00+00:00", "City Post", "en", vec(0.0, axis=2), ICO_BA),
        ],
    )
    clusterer = StoryClusterer(DIM, DedupSettings(), model="m")
    got = assign_articles(store, clusterer, items, now)
    assert [a.story_id for a in got] == [1, 1, 2]
    story = store.stories.get(1)
    assert story is not None and story == got[1].story
    assert [(s.outlet, s.lang) for s in store.stories.members(1)] == [
        ("Metro Herald", "en"),
        ("Le Quotidien", "fr"),
    ]
    assert store.stories.of_article(items[1].article_id) == (1, None)
    rows = store.stories.recent_members("2022-05-17", model="m")
    assert len(rows) == 3 and all(r.vector is not None and r.signature for r in rows)
    # A restart: a fresh clusterer rebuilt from the store keeps stories and versions.
    later = _stored_items(
        store,
        [
            (
                "2022-05-24T09:00:00+00:00",
                "TechPolicy",
                "en",
                vec(0.45),
                replace(ICO_CV, amount=7_552_800),
            )
        ],
    )
    restored = load_clusterer(store, DedupSettings(), dim=DIM, model="m", now=now)
    assert restored.stats()["indexed"] == 3
    [joined] = assign_articles(store, restored, later, now)
    assert (joined.story_id, joined.story.version, joined.story.source_count) == (1, 3, 3)
    [other] = assign_articles(
        store,
        restored,
        _stored_items(
            store,
            [("2022-05-24T10:00:00+00:00", "Northgate", "en", vec(0.0, axis=3), EventFields())],
        ),
        now,
    )
    assert other.story_id == 3  # ids continue after the stored ones


def test_a_failed_write_leaves_memory_as_the_store_is(store: Store) -> None:
    now = datetime(2022, 5, 24, tzinfo=UTC)
    good = _stored_items(store, [("2022-05-23T10:00:00+00:00", "A", "en", vec(), ICO_CV)])
    clusterer = StoryClusterer(DIM, DedupSettings(), model="m")
    assign_articles(store, clusterer, good, now)
    ghost = ClusterItem(
        doc=ClusterDoc(
            id=999, title="t", text="x", lang="en", published="2022-05-23T11:00:00Z", source="B"
        ),
        vector=vec(),
        fields=ICO_CV,
    )
    with pytest.raises(StoreError):
        assign_articles(store, clusterer, [ghost], now)  # no such article: foreign key
    assert clusterer.stats()["indexed"] == 1
    assert store.stories.max_id() == 1


def test_classifier_mode_reuses_the_classifiers_verdicts_and_vectors() -> None:
    docs = parse_jsonl(
        [
            '{"id": "a", "title": "ICO fines Clearview AI", "text": "x"}',
            '{"id": "b", "title": "ICO fines British Airways", "text": "y"}',
        ]
    )

    class FakeClassifier:
        def classify_with_vectors(
            self, batch: list[object]
        ) -> tuple[list[Classification], np.ndarray]:
            assert [d.title for d in batch] == [d.title for d in docs]  # type: ignore[attr-defined]
            return (
                [
                    Classification(label="enforcement", score=0.9, fields=f)
                    for f in (ICO_CV, ICO_BA)
                ],
                np.stack([vec(), vec()]),
            )

    verdicts, vectors = analyse_documents(
        docs,
        encoder=None,
        facts="classifier",  # type: ignore[arg-type]
        classifier=FakeClassifier(),
    )
    got = cluster_documents(docs, verdicts, vectors, settings=DedupSettings(), model="fake")
    assert [a.story.fields.target for a in got] == ["Clearview AI", "British Airways"]
    assert got[0].story_id != got[1].story_id  # identical vectors, conflicting facts


# -- the labelled set ------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled() -> dict[str, object]:
    from monitor.classify.encoders.use import UniversalSentenceEncoder

    lines = (DATA / "stories.jsonl").read_text(encoding="utf-8").splitlines()
    docs = parse_jsonl(lines)
    encoder = UniversalSentenceEncoder()
    _, vectors = analyse_documents(docs, encoder=encoder, facts="none")
    pairs = [tuple(p) for p in json.loads((DATA / "hard_negatives.json").read_text())]
    gold = {json.loads(x)["id"]: json.loads(x)["story"] for x in lines}
    return {"docs": docs, "vectors": vectors, "pairs": pairs, "gold": gold, "model": encoder.name}


def _score(
    labelled: dict[str, object], verdicts: list[Classification], order: list[int] | None = None
) -> tuple[float, list[tuple[str, str]], dict]:
    docs, vectors = labelled["docs"], labelled["vectors"]
    idx = order or list(range(len(docs)))  # type: ignore[arg-type]
    got = cluster_documents(
        [docs[i] for i in idx],
        [verdicts[i] for i in idx],  # type: ignore[index]
        vectors[idx],
        settings=DedupSettings(),  # type: ignore[index]
        model=labelled["model"],
    )  # type: ignore[arg-type]
    predicted = {docs[i].key: a.story_id for i, a in zip(idx, got, strict=True)}  # type: ignore[index]
    f1 = bcubed(predicted, labelled["gold"]).f1  # type: ignore[arg-type]
    return f1, merged_pairs(predicted, labelled["pairs"]), predicted  # type: ignore[arg-type]


def test_labelled_set_with_given_facts(labelled: dict[str, object]) -> None:
    docs = labelled["docs"]
    assert len(docs) >= 110 and len(set(labelled["gold"].values())) >= 30  # type: ignore
    verdicts = [
        Classification(label=d.label, score=0.9, fields=d.fields or EventFields()) for d in docs
    ]  # type: ignore[attr-defined]
    f1, merged, predicted = _score(labelled, verdicts)
    assert merged == []
    assert f1 >= 0.95
    # The outcome depends on the documents, not on the order they are given in.
    order = list(range(len(docs)))  # type: ignore[arg-type]
    random.Random(3).shuffle(order)
    _, _, shuffled = _score(labelled, verdicts, order)
    assert bcubed(shuffled, predicted).f1 == 1.0


def test_labelled_set_with_extracted_facts(labelled: dict[str, object]) -> None:
    extract = default_extractor()
    if extract is None:
        pytest.skip("monitor.classify.fields is not installed")
    verdicts = [
        Classification(label=d.label, score=0.9, fields=extract(d.title, d.text, d.lang))
        for d in labelled["docs"]
    ]  # type: ignore[attr-defined]
    f1, merged, _ = _score(labelled, verdicts)
    assert merged == []
    assert f1 >= 0.95


def test_a_placeless_authority_neither_agrees_nor_conflicts() -> None:
    from monitor.classify.story_facts import compare, merge_fields

    named = EventFields(authority="CNIL", country="FR", target="Lovix", action="fine")
    vague = EventFields(authority="DPA", target="Lovix", action="fine")  # "the DPA fined..."
    check = compare(named, vague)
    assert check.conflict is None and "authority" not in check.agreements
    assert compare(named, EventFields(authority="ICO", country="GB")).conflict == "authority"
    # the story names the body one member named, whatever the order
    assert merge_fields([vague, vague, named]).authority == "CNIL"
