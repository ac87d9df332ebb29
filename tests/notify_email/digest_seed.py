"""Stories and articles written straight into a store with plain SQL, as the clusterer would.

Our own sample texts. The day under test is Monday 2022-05-23 in Europe/Paris
(UTC+2): its window is 2022-05-22T22:00Z .. 2022-05-23T22:00Z.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

DAY = "2022-05-23"
EVIL_TITLE = "Regulator fines <script>alert('x')</script> Data & Co €2m"


@dataclass(frozen=True)
class Src:
    outlet: str
    lang: str | None
    url: str
    title: str
    published: str | None
    fetched: str = "2022-05-23T20:00:00+00:00"


@dataclass(frozen=True)
class Sample:
    fields: dict[str, Any]
    sources: list[Src] = field(default_factory=list)


CLEARVIEW = Sample(
    {
        "title": "UK watchdog fines Clearview AI £7.5m over facial recognition database",
        "label": "enforcement",
        "score": 0.97,
        "authority": "ICO",
        "target": "Clearview AI",
        "action": "fine",
        "amount": 7_552_800.0,
        "currency": "GBP",
        "country": "GB",
        "law": "UK GDPR",
        "event_date": "2022-05-23",
        "languages": "en,fr",
    },
    [
        Src(
            "Tech Policy Wire",
            "en",
            "https://techpolicy.example/ico-clearview-fine",
            "UK watchdog fines Clearview AI £7.5m over facial recognition database",
            "2022-05-23T09:12:00+00:00",
        ),
        Src(
            "Le Journal du Numérique",
            "fr",
            "https://journal.example/ico-clearview-amende",
            "Reconnaissance faciale : le régulateur britannique inflige 7,5 millions de livres "
            "à Clearview AI",
            "2022-05-23T14:40:00+00:00",
        ),
        # Published the next day: the story belongs to the 23rd, this source does not.
        Src(
            "Euro Digital News",
            "en",
            "https://eurodigital.example/clearview-uk-penalty",
            "Clearview AI told to delete UK images after penalty",
            "2022-05-24T08:00:00+00:00",
        ),
    ],
)
EVIL = Sample(
    {
        "title": EVIL_TITLE,
        "label": "enforcement",
        "score": 0.9,
        "authority": "CNIL",
        "target": "Data & Co",
        "action": "fine",
        "amount": 2_000_000.0,
        "currency": "EUR",
        "country": "FR",
        "law": "RGPD",
        "event_date": None,
        "languages": "en",
    },
    [
        Src(
            "Actu & Régulation",
            "en",
            "https://actu.example/story?id=7&lang=en",
            EVIL_TITLE,
            "2022-05-23T11:00:00+00:00",
        )
    ],
)
# No published date: it counts on the day it was fetched. Its link is not http(s).
FETCHED_ONLY = Sample(
    {
        "title": "Swiss competition authority orders bank to end card-fee agreement",
        "label": "enforcement",
        "score": 0.81,
        "authority": "COMCO",
        "target": "Alpenbank",
        "action": "order",
        "amount": 3_000_000.0,
        "currency": "CHF",
        "country": "CH",
        "law": None,
        "event_date": None,
        "languages": "en",
    },
    [
        Src(
            "Alpine Markets",
            "en",
            "javascript:alert(1)",
            "Swiss competition authority orders bank to end card-fee agreement",
            None,
            fetched="2022-05-23T07:30:00+00:00",
        )
    ],
)
# 22:30 UTC on the 22nd is 00:30 on the 23rd in Paris.
PROBE = Sample(
    {
        "title": "Commission opens antitrust probe into online marketplace rules",
        "label": "investigation",
        "score": 0.88,
        "authority": "European Commission",
        "target": "Meta",
        "action": None,
        "amount": None,
        "currency": None,
        "country": "EU",
        "law": None,
        "event_date": None,
        "languages": "en,fr",
    },
    [
        Src(
            "Euro Digital News",
            "en",
            "https://eurodigital.example/marketplace-probe",
            "Commission opens antitrust probe into online marketplace rules",
            "2022-05-22T22:30:00+00:00",
        ),
        Src(
            "Le Journal du Numérique",
            "fr",
            "https://journal.example/enquete-marketplace",
            "Bruxelles ouvre une enquête sur les règles de la place de marché en ligne",
            "2022-05-23T06:00:00+00:00",
        ),
    ],
)
OTHER = Sample(
    {
        "title": "Start-up raises funds for privacy tooling",
        "label": "other",
        "score": 0.7,
        "languages": "en",
    },
    [
        Src(
            "Tech Policy Wire",
            "en",
            "https://techpolicy.example/funding",
            "Start-up raises funds for privacy tooling",
            "2022-05-23T12:00:00+00:00",
        )
    ],
)
# 22:30 UTC on the 23rd is already the 24th in Paris: not in the digest of the 23rd.
LATE = Sample(
    {
        "title": "Dutch regulator fines taxi app €600,000",
        "label": "enforcement",
        "score": 0.9,
        "authority": "AP",
        "target": "RideNow",
        "action": "fine",
        "amount": 600_000.0,
        "currency": "EUR",
        "country": "NL",
        "languages": "en",
    },
    [
        Src(
            "Euro Digital News",
            "en",
            "https://eurodigital.example/taxi-app-fine",
            "Dutch regulator fines taxi app €600,000",
            "2022-05-23T22:30:00+00:00",
        )
    ],
)
DAY_SAMPLES = [CLEARVIEW, EVIL, FETCHED_ONLY, PROBE, OTHER, LATE]


def _feed(db: Database, outlet: str) -> str:
    name = outlet.lower().replace(" ", "-")
    db.execute(
        "INSERT OR IGNORE INTO feeds (name, url) VALUES (?, ?)",
        [name, f"https://{name}.example/feed.xml"],
    )
    return name


def add_story(db: Database, sample: Sample) -> int:
    """Insert `sample` (story row + its articles) and return the story id."""
    f = {"languages": "", **sample.fields}
    times = [s.published or s.fetched for s in sample.sources] or ["2022-05-23T00:00:00+00:00"]
    cols = ["first_seen", "last_seen", "updated_at", "source_count", *f]
    cur = db.execute(
        f"INSERT INTO stories ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [min(times), max(times), max(times), len(sample.sources), *f.values()],
    )
    story_id = int(cur.lastrowid or 0)
    first = None
    for i, s in enumerate(sample.sources):
        cur = db.execute(
            """INSERT INTO articles (url, feed, source, title, lang, published, fetched,
                 content_hash, story_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                s.url,
                _feed(db, s.outlet),
                s.outlet,
                s.title,
                s.lang,
                s.published,
                s.fetched,
                f"hash-{story_id}-{i}",
                story_id,
            ],
        )
        first = first or cur.lastrowid
    db.execute("UPDATE stories SET representative_article_id = ? WHERE id = ?", [first, story_id])
    db.conn.commit()
    return story_id


def seed_day(db: Database) -> dict[str, int]:
    """Every sample of the test day; returns story ids by sample name."""
    names = ["clearview", "evil", "fetched_only", "probe", "other", "late"]
    return {n: add_story(db, s) for n, s in zip(names, DAY_SAMPLES, strict=True)}
