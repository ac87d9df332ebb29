"""The enforcement classifier: encoder + head + field extractor -> Classification.

Owns: which text is embedded (title + the start of the lead, see `embed_text`)
and given to the cue features, turning head probabilities into a label and
score (`decide`), and combining the label with the extracted fields (no
fields for "other", no action for "investigation"). Does not own: the model
(`encoders/`), the weights (`head.py`) or the field rules (`fields.py`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from monitor.classify.base import Encoder, Vectors
from monitor.classify.cues import opinion_piece, passive_sanction
from monitor.classify.encoders import make_encoder
from monitor.classify.features import CUE_LEAD_CHARS, CUES_VERSION, cue_matrix, named_anywhere
from monitor.classify.fields import extract_fields
from monitor.classify.head import Head
from monitor.classify.persons import is_person
from monitor.config import ClassifySettings
from monitor.errors import ModelError
from monitor.models import Classification, EventFields, Label

LEAD_CHARS = 600  # the news is in the title and first paragraph; the rest adds noise and time


class FieldExtractor(Protocol):
    """Reads the event fields of one article (`fields.extract_fields`)."""

    def __call__(
        self, title: str, text: str, lang: str | None, *, imposed: bool = True
    ) -> EventFields: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    """What the classifier reads of an article."""

    title: str
    text: str
    lang: str | None = None


def title_and_lead(title: str, text: str) -> tuple[str, str]:
    """The title and the first ~`LEAD_CHARS` of the text, cut at a word."""
    title, text = (title or "").strip(), (text or "").strip()
    if title and text.startswith(title):  # extractors often repeat the headline first
        text = text[len(title) :].lstrip()
    lead = text[:LEAD_CHARS]
    if len(text) > LEAD_CHARS and " " in lead:
        lead = lead.rsplit(" ", 1)[0]
    return title, lead


def embed_text(title: str, text: str) -> str:
    """The text embedded for classification and dedup: title, newline, lead."""
    return _join(*title_and_lead(title, text))


def _join(title: str, lead: str) -> str:
    return f"{title}\n{lead}" if lead else title


def decide(
    probs: Sequence[float],
    labels: Sequence[Label],
    min_score: float,
    allowed: Collection[Label] | None = None,
) -> tuple[Label, float]:
    """Label and calibrated score from one row of probabilities.

    The most probable of the `allowed` labels wins (default: all; "other" is
    always allowed); an "enforcement" or "investigation" verdict below
    `min_score` becomes "other". "other" is scored with the probability that
    the article is none of the allowed event labels.
    """
    ok = set(labels if allowed is None else allowed) | {"other"}
    best = max((i for i, lab in enumerate(labels) if lab in ok), key=lambda i: probs[i])
    label, score = labels[best], float(probs[best])
    if label == "other" or score < min_score:
        barred = sum(float(probs[i]) for i, lab in enumerate(labels) if lab not in ok)
        return "other", float(probs[labels.index("other")]) + barred
    return label, score


def allowed_labels(sanction_named: bool, inquiry_named: bool) -> tuple[Label, ...]:
    """The labels a text can carry, from what its title and lead say.

    Enforcement needs a sanction stated as done in the title or lead (a fine,
    an order, a ban, "condamné", "sanctionné"...): in a real news stream, where
    fewer than 1 article in 100 is enforcement, an embedding that merely
    resembles one (a regulator in the news, a prefect's ban on a march) is not
    enough. An investigation needs inquiry wording ("enquête", "probe",
    "charges", "perquisition"...). An op-ed or interview (`opinion_piece`) is
    neither: it discusses a sanction, it does not report one. The authority may
    be unnamed: trackers write "A fine of EUR 5,000 was imposed on a hospital".
    """
    return (
        *(("enforcement",) if sanction_named else ()),
        *(("investigation",) if inquiry_named else ()),
        "other",
    )


def barred_label(label: Label, fields: EventFields, pair: tuple[str, str]) -> Label | None:
    """The event label the extracted fields rule out, if any.

    An investigation is an authority's inquiry into an organisation: one whose
    party is a person ("Pierre X visé par une enquête") is `other`
    (docs/schema.md). (For enforcement the same rule lost more real sanctions,
    where an executive is named beside the firm, than it saved.) Enforcement
    needs its authority named, described or implied (`implicit_authority`).
    """
    if label == "other":
        return None
    if label == "investigation" and is_person(fields.target):
        return label
    if label == "enforcement" and fields.authority is None and not implicit_authority(pair):
        return label
    return None


def implicit_authority(pair: tuple[str, str]) -> bool:
    """Tell whether an article that names no authority still implies one.

    News names who sanctions ("the CNIL", "U.S. regulators", "the court"); in a
    stream, an "enforcement" with no authority anywhere is almost always a
    private, political or foreign-policy story. Two shapes imply an authority:
    a record with no headline (a tracker's or a decision digest's summary of
    a decision), and a sanction told in the passive voice ("a fine was
    imposed on a bank", "Deliveroo condamnée à une amende").
    """
    title, lead = pair
    return (
        not title
        or passive_sanction(title, headline=True)
        or passive_sanction(lead[:CUE_LEAD_CHARS])
    )


def combine(label: Label, fields: EventFields) -> EventFields:
    """Fields as reported for `label`: none for other; no action or amount for an investigation."""
    if label == "other":
        return EventFields()
    if label == "investigation":  # nothing imposed yet: an amount is a past or possible fine
        return dataclasses.replace(fields, action=None, amount=None, currency=None, measures=())
    return fields if fields.action else dataclasses.replace(fields, action="other")


class LabelScorer(Protocol):
    """Label probabilities straight from texts (an NLI zero-shot model), instead of a head."""

    name: str
    version: str
    labels: tuple[Label, ...]

    def probabilities(self, texts: Sequence[str]) -> Any: ...


class Classifier:
    """Classifies documents in batches; one encoder call per batch.

    Args:
        encoder: any `Encoder`; must be the one `head` was trained for. Its
            vectors also serve story clustering.
        head: the trained head; None when `scorer` gives the probabilities.
        min_score: see `decide`.
        extract: the field extractor (a seam for tests).
        scorer: a zero-shot `LabelScorer` used instead of the head.
    """

    def __init__(
        self,
        encoder: Encoder,
        head: Head | None,
        *,
        min_score: float = 0.5,
        extract: FieldExtractor = extract_fields,
        scorer: LabelScorer | None = None,
    ) -> None:
        if head is None and scorer is None:
            raise ModelError("a classifier needs a trained head or a zero-shot scorer")
        if head is not None and scorer is None:
            head.check(encoder, cues=CUES_VERSION)
        self.encoder = encoder
        self.head = head
        self.scorer = scorer
        self.min_score = min_score
        self._extract = extract

    @property
    def labels(self) -> tuple[Label, ...]:
        """Label order of the probability rows."""
        if self.scorer is not None:
            return tuple(self.scorer.labels)
        assert self.head is not None
        return tuple(self.head.labels)

    @property
    def version(self) -> str:
        """What produced the probabilities: the head's version or the NLI model's."""
        if self.scorer is not None:
            return f"{self.scorer.name}@{self.scorer.version}"
        assert self.head is not None
        return self.head.version

    @classmethod
    def from_settings(cls, settings: ClassifySettings) -> Classifier:
        """Build the encoder and load the head (or the zero-shot model) that `settings` name."""
        if settings.zero_shot_model:
            from monitor.classify.zeroshot import ZeroShotScorer

            scorer = ZeroShotScorer(
                settings.zero_shot_model,
                device=settings.device,
                batch_size=settings.batch_size,
                max_length=settings.max_length,
                threads=settings.threads,
            )
            return cls(make_encoder(settings), None, min_score=settings.min_score, scorer=scorer)
        head = Head.load(settings.head)
        return cls(make_encoder(settings), head, min_score=settings.min_score)

    def classify(self, docs: Sequence[Doc]) -> list[Classification]:
        """One `Classification` per document, in order."""
        return self.classify_with_vectors(docs)[0]

    def classify_with_vectors(self, docs: Sequence[Doc]) -> tuple[list[Classification], Vectors]:
        """Classify and also return the embeddings (of `embed_text`) for reuse in dedup."""
        pairs = [title_and_lead(d.title, d.text) for d in docs]
        vectors = self.encoder.encode([_join(title, lead) for title, lead in pairs])
        return self._classify(docs, pairs, vectors), vectors

    def classify_vectors(self, docs: Sequence[Doc], vectors: Vectors) -> list[Classification]:
        """Classify documents whose `embed_text` vectors were already computed."""
        if len(vectors) != len(docs):
            raise ModelError(f"{len(docs)} documents but {len(vectors)} vectors")
        return self._classify(docs, [title_and_lead(d.title, d.text) for d in docs], vectors)

    def _classify(
        self, docs: Sequence[Doc], pairs: list[tuple[str, str]], vectors: Vectors
    ) -> list[Classification]:
        if not docs:
            return []
        cues = cue_matrix(pairs)
        if self.scorer is not None:
            probs = self.scorer.probabilities([_join(title, lead) for title, lead in pairs])
        else:
            assert self.head is not None
            probs = self.head.probabilities(vectors, cues if self.head.meta.n_cues else None)
        # a sanction word with an action ("fined") or without one ("inflige", "condamné")
        sanction = named_anywhere(cues, "sanction") | named_anywhere(cues, "sanctioned")
        inquiry = named_anywhere(cues, "inquiry")
        opinion = [opinion_piece(title, lead) for title, lead in pairs]
        return [
            self._verdict(doc, pair, row, allowed_labels(bool(s) and not o, bool(i) and not o))
            for doc, pair, row, s, i, o in zip(
                docs, pairs, probs, sanction, inquiry, opinion, strict=True
            )
        ]

    def _verdict(
        self,
        doc: Doc,
        pair: tuple[str, str],
        probs: Sequence[float],
        allowed: Collection[Label],
    ) -> Classification:
        label, score = decide(probs, self.labels, self.min_score, allowed)
        # Field extraction is skipped for "other": most articles are, and it is all regexes.
        fields = (
            EventFields()
            if label == "other"
            else self._extract(doc.title, doc.text, doc.lang, imposed=label == "enforcement")
        )
        barred = barred_label(label, fields, pair)
        if barred:
            allowed = [lab for lab in allowed if lab != barred]
            label, score = decide(probs, self.labels, self.min_score, allowed)
            if label == "enforcement":  # an investigation's fields skipped what was imposed
                fields = self._extract(doc.title, doc.text, doc.lang, imposed=True)
            # otherwise `combine` drops what the new label does not report
        return Classification(
            label=label,
            score=round(score, 4),
            fields=combine(label, fields),
            model=self.encoder.name,
            model_version=self.version,
        )
