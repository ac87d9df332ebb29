"""The classifier with the real USE encoder, the shipped head and the real field extractor."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from monitor.classify.classifier import (
    LEAD_CHARS,
    Classifier,
    Doc,
    allowed_labels,
    combine,
    decide,
    embed_text,
    title_and_lead,
)
from monitor.classify.encoders import make_encoder
from monitor.classify.encoders.use import UniversalSentenceEncoder
from monitor.classify.head import Head
from monitor.classify.train import load_examples, score_by_lang
from monitor.config import ClassifySettings
from monitor.errors import ConfigError, ModelError
from monitor.models import LABELS, EventFields

ICO_EN = Doc(
    title="UK watchdog fines facial recognition firm Clearview AI £7.5m",
    text="The Information Commissioner's Office has fined Clearview AI Inc £7,552,800 and "
    "ordered the company to delete the data of UK residents from its systems. The regulator "
    "said the firm had collected images of people's faces from the internet without consent.",
    lang="en",
)
ICO_FR = Doc(
    title="Reconnaissance faciale : Clearview AI condamnée à 7,5 millions de livres au Royaume-Uni",
    text="L'ICO, le régulateur britannique des données, inflige une amende de 7,5 millions de "
    "livres sterling (environ 8,8 millions d'euros) à Clearview AI et lui ordonne d'effacer les "
    "données des résidents britanniques.",
    lang="fr",
)
PROBE = Doc(
    title="CNIL opens investigation into ride-hailing app over location data",
    text="France's data protection authority said on Monday it had opened an investigation "
    "into how the ride-hailing company stores the location history of its drivers. No "
    "sanction has been decided.",
    lang="en",
)
WEATHER = Doc(
    title="Fine and sunny weekend ahead for most of the country",
    text="Forecasters expect fine, dry weather on Saturday and Sunday, with highs of 25C in "
    "the south and light winds.",
    lang="en",
)


class CountingEncoder:
    """Wraps an encoder and counts `encode` calls and texts."""

    def __init__(self, inner: UniversalSentenceEncoder) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.texts: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.append(list(texts))
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def classifier(use_encoder: UniversalSentenceEncoder) -> Classifier:
    return Classifier(use_encoder, Head.load())


def test_founding_example_in_both_languages(classifier: Classifier) -> None:
    en, fr = classifier.classify([ICO_EN, ICO_FR])
    for verdict in (en, fr):
        assert verdict.label == "enforcement" and verdict.score > 0.8
        assert verdict.fields.action == "fine"
        assert verdict.fields.authority == "ICO" and verdict.fields.country == "GB"
        assert verdict.fields.currency == "GBP"
        assert verdict.model == "use-multilingual-v3"
        assert verdict.model_version == classifier.head.version
    assert en.fields.amount == 7_552_800 and fr.fields.amount == 7_500_000


def test_investigation_has_no_action_and_other_has_no_fields(classifier: Classifier) -> None:
    probe, weather = classifier.classify([PROBE, WEATHER])
    assert probe.label == "investigation" and probe.fields.action is None
    assert probe.fields.authority == "CNIL"
    assert weather.label == "other" and weather.fields == EventFields()


def test_vectors_are_computed_once_and_reusable(use_encoder: UniversalSentenceEncoder) -> None:
    counting = CountingEncoder(use_encoder)
    clf = Classifier(counting, Head.load())
    docs = [ICO_EN, PROBE, WEATHER]
    verdicts, vectors = clf.classify_with_vectors(docs)
    assert len(counting.texts) == 1  # one batched encoder call
    assert counting.texts[0] == [embed_text(d.title, d.text) for d in docs]
    np.testing.assert_allclose(vectors, use_encoder.encode(counting.texts[0]), atol=1e-6)
    assert clf.classify_vectors(docs, vectors) == verdicts
    assert len(counting.texts) == 1
    assert clf.classify([]) == []
    with pytest.raises(ModelError, match="3 documents but 2 vectors"):
        clf.classify_vectors(docs, vectors[:2])


@pytest.mark.parametrize(
    ("styles", "enforcement_f1", "macro_f1"),
    [
        # the original EN/FR sets (en.jsonl, fr.jsonl): the bars of the classify issues
        (("en", "fr"), 0.95, 0.90),
        # the sets written in the real styles (rs_*.jsonl: trackers, RSS, wire, web pages,
        # hard news negatives): harder by design, guarded against drift
        (("rs_",), 0.8, 0.75),
    ],
)
def test_shipped_head_meets_the_bars_on_heldout(
    classifier: Classifier, styles: tuple[str, ...], enforcement_f1: float, macro_f1: float
) -> None:
    """Guards the shipped head against drift in the cue modules it reads."""
    heldout = [e for e in load_examples() if e.split == "heldout" and e.group.startswith(styles)]
    verdicts = classifier.classify([Doc(title=e.title, text=e.text, lang=e.lang) for e in heldout])
    scores = score_by_lang([v.label for v in verdicts], heldout)
    for lang in ("en", "fr"):
        assert scores[lang].n >= 40
        assert scores[lang].enforcement_f1 >= enforcement_f1, scores[lang]
        assert scores[lang].macro_f1 >= macro_f1, scores[lang]


def test_from_settings_and_mismatched_head(tmp_path: object) -> None:
    clf = Classifier.from_settings(ClassifySettings(min_score=0.7))
    assert clf.min_score == 0.7 and clf.encoder.name == "use-multilingual-v3"

    class Small:
        name, version, dim = "tiny", "1", 4

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            return np.ones((len(texts), 4), dtype=np.float32) / 2

    with pytest.raises(ModelError, match="not 'tiny'"):
        Classifier(Small(), Head.load())
    with pytest.raises(ConfigError, match=r"classify\.model"):
        make_encoder(ClassifySettings(backend="transformers"))


def test_decide_and_combine() -> None:
    assert decide([0.7, 0.2, 0.1], LABELS, 0.5) == ("enforcement", 0.7)
    assert decide([0.45, 0.35, 0.2], LABELS, 0.5) == ("other", 0.2)  # unsure -> other
    assert decide([0.1, 0.3, 0.6], LABELS, 0.9) == ("other", 0.6)  # min_score is not for other
    fields = EventFields(authority="ICO", action="fine", amount=1.0, currency="GBP")
    assert combine("other", fields) == EventFields()
    assert combine("investigation", fields).action is None
    assert combine("investigation", fields).authority == "ICO"
    assert combine("enforcement", fields) == fields
    assert combine("enforcement", EventFields(authority="ACPR")).action == "other"


def test_title_and_lead() -> None:
    assert title_and_lead(" Title ", "Title\nBody text.") == ("Title", "Body text.")
    long = "word " * 400
    title, lead = title_and_lead("T", long)
    assert len(lead) <= LEAD_CHARS and lead.endswith("word") and title == "T"
    assert embed_text("T", "") == "T"
    assert embed_text("T", "Body") == "T\nBody"


def test_labels_need_their_wording() -> None:
    # enforcement needs a sanction stated in the title or lead; investigation, inquiry words
    assert allowed_labels(True, True) == ("enforcement", "investigation", "other")
    assert allowed_labels(False, True) == ("investigation", "other")
    assert allowed_labels(False, False) == ("other",)
    # a barred label's probability goes to "other"; the best allowed label wins
    assert decide([0.7, 0.2, 0.1], LABELS, 0.5, ("investigation", "other")) == (
        "other",
        pytest.approx(0.8),
    )
    assert decide([0.5, 0.4, 0.1], LABELS, 0.3, ("investigation", "other")) == (
        "investigation",
        0.4,
    )


def test_a_sanction_with_no_authority_named(classifier: Classifier) -> None:
    # Tracker style: the authority is implicit, the sanction stated.
    doc = Doc(
        title="",
        text="An administrative fine of EUR 12,000 was imposed on a hospital because patient "
        "files had been left readable by every member of staff.",
        lang="en",
    )
    [v] = classifier.classify([doc])
    assert v.label == "enforcement" and v.fields.authority is None
    assert (v.fields.amount, v.fields.currency, v.fields.action) == (12000, "EUR", "fine")


def test_no_stated_sanction_is_never_enforcement(use_encoder: UniversalSentenceEncoder) -> None:
    # The head is sure (the founding story's own vector), but the words state no sanction.
    class Sure:
        meta = Head.load().meta
        labels = LABELS
        version = "sure"

        def check(self, encoder: object, *, cues: str) -> None:
            return None

        def probabilities(self, vectors: np.ndarray, cues: object) -> np.ndarray:
            return np.tile([0.9, 0.05, 0.05], (len(vectors), 1))

    clf = Classifier(use_encoder, Sure())  # type: ignore[arg-type]
    calm = Doc(title="Regulator publishes its annual report", text="The report is out.")
    [v, ico] = clf.classify([calm, ICO_EN])
    assert (v.label, v.fields) == ("other", EventFields())
    assert v.score == pytest.approx(1.0)  # no inquiry words either: all of it is "other"
    assert ico.label == "enforcement" and ico.fields.authority == "ICO"


def test_an_investigation_reports_no_amount(classifier: Classifier) -> None:
    doc = Doc(
        title="Brussels opens antitrust probe into Google's ad tech business",
        text="The European Commission opened formal proceedings on Tuesday into whether "
        "Google abused its dominance in online advertising, four years after fining it "
        "€1.49bn over AdSense.",
        lang="en",
    )
    [v] = classifier.classify([doc])
    assert v.label == "investigation"
    assert (v.fields.action, v.fields.amount, v.fields.currency) == (None, None, None)
    assert v.fields.authority == "European Commission" and v.fields.target == "Google"


def test_an_opinion_piece_reports_no_event(classifier: Classifier) -> None:
    # The same sanction, told in an op-ed: it discusses the fine, it does not report it.
    op_ed = Doc(
        title="« Les amendes de la CNIL ne suffisent plus à protéger nos données »",
        text="Dans une tribune au « Monde », une juriste estime que l'amende de 20 millions "
        "d'euros infligée à Clearview AI n'a rien changé aux pratiques du secteur.",
        lang="fr",
    )
    [v] = classifier.classify([op_ed])
    assert (v.label, v.fields) == ("other", EventFields())
    [news] = classifier.classify([ICO_FR])
    assert news.label == "enforcement"
