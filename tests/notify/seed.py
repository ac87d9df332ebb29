"""Writing stories and their articles straight into a store, as the clusterer would.

Our own sample texts; the founding example is the ICO's May 2022 fine of Clearview AI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from monitor.models import Article, EventFields, Story
from monitor.store import Store


@dataclass(frozen=True)
class Src:
    outlet: str
    lang: str
    url: str
    title: str
    published: str = "2022-05-23T10:00:00+00:00"


EN = Src(
    "Tech Policy Wire",
    "en",
    "https://techpolicy.example/ico-clearview-fine",
    "UK watchdog fines Clearview AI £7.5m and orders deletion of residents' images",
)
FR = Src(
    "Le Journal du Numérique",
    "fr",
    "https://journal.example/ico-clearview-amende",
    "Le régulateur britannique inflige 7,5 millions de livres à Clearview AI",
    "2022-05-23T14:30:00+00:00",
)
EN2 = Src(
    "Euro Digital News",
    "en",
    "https://eurodigital.example/clearview-uk-penalty",
    "Clearview AI hit with UK penalty over facial recognition database",
    "2022-05-24T08:00:00+00:00",
)

CLEARVIEW: dict[str, Any] = {
    "title": "UK regulator fines Clearview AI £7.5m over facial recognition database",
    "label": "enforcement",
    "score": 0.97,
    "authority": "ICO",
    "target": "Clearview AI",
    "action": "fine",
    "amount": 7_500_000.0,
    "currency": "GBP",
    "country": "GB",
    "law": "UK GDPR",
    "event_date": "2022-05-23",
}
CNIL: dict[str, Any] = {
    "title": "La CNIL sanctionne un éditeur de logiciels de 1,5 million d'euros",
    "label": "enforcement",
    "score": 0.91,
    "authority": "CNIL",
    "target": "Dedalus Biologie",
    "action": "fine",
    "amount": 1_500_000.0,
    "currency": "EUR",
    "country": "FR",
    "law": "RGPD",
    "event_date": "2022-04-21",
}
PROBE: dict[str, Any] = {
    "title": "Irish regulator opens inquiry into social network's handling of children's data",
    "label": "investigation",
    "score": 0.88,
    "authority": "DPC",
    "target": "Meta",
    "action": None,
    "amount": None,
    "currency": None,
    "country": "IE",
    "law": "GDPR",
    "event_date": None,
}


def _article(store: Store, src: Src, story_id: int) -> None:
    store.db.execute(
        "INSERT OR IGNORE INTO feeds (name, url) VALUES (?, ?)",
        [src.outlet, f"https://{src.outlet.replace(' ', '')}.example/rss"],
    )
    article_id = store.articles.insert(
        Article(
            url=src.url,
            guid=src.url,
            feed=src.outlet,
            source=src.outlet,
            title=src.title,
            summary=src.title,
            text=f"{src.title}. The regulator published its decision today.",
            lang=src.lang,
            published=src.published,
            fetched=src.published,
            content_hash=src.url,
        )
    )
    store.db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id])


def add_story(
    store: Store,
    facts: dict[str, Any],
    sources: list[Src],
    *,
    version: int = 1,
    seen: str = "2022-05-23T10:00:00+00:00",
) -> int:
    """Insert a story with `facts` told by `sources`; returns its id."""
    story_id = int(
        store.db["stories"]
        .insert(
            {
                **facts,
                "first_seen": seen,
                "last_seen": seen,
                "updated_at": seen,
                "languages": ",".join(sorted({s.lang for s in sources})),
                "source_count": len(sources),
                "version": version,
            }
        )
        .last_pk
    )
    for src in sources:
        _article(store, src, story_id)
    return story_id


def grow_story(store: Store, story_id: int, src: Src, **facts: Any) -> None:
    """The story gains a source (and maybe facts): its version goes up, as the clusterer does."""
    _article(store, src, story_id)
    sets = ", ".join(f"{k} = ?" for k in facts)
    store.db.execute(
        f"UPDATE stories SET version = version + 1, source_count = source_count + 1"
        f"{', ' + sets if sets else ''} WHERE id = ?",
        [*facts.values(), story_id],
    )


CLEARVIEW_FIELDS = EventFields(
    authority="ICO",
    target="Clearview AI",
    action="fine",
    amount=7_500_000.0,
    currency="GBP",
    country="GB",
    law="UK GDPR",
    event_date="2022-05-23",
    measures=("delete_data", "stop_processing"),  # the founding story: a fine and an order
)


def clearview_story(**changes: Any) -> Story:
    """The founding story as the clusterer would record it (two sources, EN and FR)."""
    base = Story(
        id=7,
        first_seen="2022-05-23T10:00:00+00:00",
        last_seen="2022-05-23T14:30:00+00:00",
        title=CLEARVIEW["title"],
        languages=("en", "fr"),
        representative_article_id=1,
        label="enforcement",
        score=0.97,
        fields=CLEARVIEW_FIELDS,
        source_count=2,
    )
    return replace(base, **changes)
