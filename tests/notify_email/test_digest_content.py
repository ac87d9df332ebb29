"""Which stories a day's digest holds, read from a real SQLite store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from monitor.config import DigestSettings
from monitor.errors import ConfigError
from monitor.models import AlertSource, EventFields, Story
from monitor.notify.digest import (
    build_digest,
    day_window,
    digest_day,
    load_digest,
    story_titles,
)
from monitor.store import Store

from .digest_seed import CLEARVIEW

DAY = date(2022, 5, 23)
PARIS = DigestSettings(timezone="Europe/Paris")


def test_digest_day_is_the_previous_local_day() -> None:
    # 05:00 UTC is 07:00 in Paris on the 24th: the digest covers the 23rd.
    assert digest_day(datetime(2022, 5, 24, 5, 0, tzinfo=UTC), "Europe/Paris") == DAY
    # 23:30 UTC on the 23rd is already 01:30 on the 24th in Paris.
    assert digest_day(datetime(2022, 5, 23, 23, 30, tzinfo=UTC), "Europe/Paris") == DAY
    assert digest_day(datetime(2022, 5, 23, 23, 30, tzinfo=UTC), "UTC") == date(2022, 5, 22)


def test_day_window_follows_daylight_saving() -> None:
    start, end = day_window(date(2022, 3, 27), "Europe/Paris")  # clocks go forward
    assert end - start == timedelta(hours=23)
    assert start.astimezone(UTC) == datetime(2022, 3, 26, 23, 0, tzinfo=UTC)
    with pytest.raises(ConfigError, match=r"digest\.timezone"):
        day_window(DAY, "Mars/Olympus_Mons")


def test_the_days_stories_in_order(seeded: tuple[Store, dict[str, int]]) -> None:
    store, ids = seeded
    digest = load_digest(store, PARIS, DAY)
    assert [s.label for s in digest.sections] == ["enforcement", "investigation"]
    # "other" is never reported; LATE was published on the 24th, Paris time.
    assert {s.id for s in digest.stories} == {
        ids["clearview"],
        ids["evil"],
        ids["fetched_only"],
        ids["probe"],
    }
    assert digest.counts() == "3 enforcement actions, 1 investigation, 6 articles from 5 outlets"
    # Published 22:30 UTC on the 22nd = 00:30 on the 23rd in Paris.
    assert ids["probe"] in {s.id for s in digest.sections[1].groups[0].stories}


def test_bilingual_story_appears_once_with_both_sources(
    seeded: tuple[Store, dict[str, int]],
) -> None:
    store, ids = seeded
    digest = load_digest(store, PARIS, DAY)
    [story] = [s for s in digest.stories if s.id == ids["clearview"]]
    assert [(s.outlet, s.lang) for s in story.sources] == [
        ("Tech Policy Wire", "en"),
        ("Le Journal du Numérique", "fr"),
    ]  # not the 24th's
    assert story.languages == ("en", "fr")
    assert story.titles == (("en", CLEARVIEW.sources[0].title), ("fr", CLEARVIEW.sources[1].title))
    assert story.fields.amount == 7_552_800 and story.fields.currency == "GBP"


def test_fetch_time_counts_when_there_is_no_publication_date(
    seeded: tuple[Store, dict[str, int]],
) -> None:
    store, ids = seeded
    assert ids["fetched_only"] in {s.id for s in load_digest(store, PARIS, DAY).stories}
    assert ids["fetched_only"] not in {
        s.id for s in load_digest(store, PARIS, DAY - timedelta(days=1)).stories
    }


def test_investigations_can_be_left_out(seeded: tuple[Store, dict[str, int]]) -> None:
    store, _ = seeded
    digest = load_digest(store, replace(PARIS, include_investigations=False), DAY)
    assert [s.label for s in digest.sections] == ["enforcement"]
    assert digest.counts(with_articles=False) == "3 enforcement actions"


def test_group_by_authority(seeded: tuple[Store, dict[str, int]]) -> None:
    store, _ = seeded
    digest = load_digest(store, replace(PARIS, group_by="authority"), DAY)
    assert [g.key for g in digest.sections[0].groups] == ["CNIL", "COMCO", "ICO"]
    assert [g.key for g in digest.sections[1].groups] == ["European Commission"]


def _story(story_id: int, country: str | None, title: str = "T") -> Story:
    return Story(
        id=story_id,
        first_seen="x",
        last_seen="x",
        title=title,
        languages=("en",),
        representative_article_id=0,
        label="enforcement",
        score=0.9,
        fields=EventFields(country=country),
        source_count=1,
    )


def _src(lang: str | None, title: str, when: str = "2022-05-23T10:00:00+00:00") -> AlertSource:
    return AlertSource(
        outlet=f"Outlet {lang}", lang=lang, url="https://x.example/", title=title, published=when
    )


def test_groups_busiest_first_unknown_last_and_each_story_once() -> None:
    rows = [
        (_story(1, None), [_src("en", "a")]),
        (_story(2, "fr"), [_src("en", "b")]),
        (_story(3, "GB"), [_src("en", "c")]),
        (_story(4, "FR"), [_src("en", "d")]),
        (_story(2, "fr"), [_src("en", "b")]),
    ]  # the same story twice: shown once
    digest = build_digest(DAY, rows, DigestSettings())
    groups = digest.sections[0].groups
    assert [(g.key, [s.id for s in g.stories]) for g in groups] == [
        ("FR", [2, 4]),
        ("GB", [3]),
        (None, [1]),
    ]


def test_titles_one_per_language_story_title_first() -> None:
    story = _story(1, "FR", title="La CNIL inflige 20 millions d'euros à Clearview AI")
    sources = [
        _src("en", "CNIL fines Clearview AI €20m"),
        _src("fr", "La CNIL inflige 20 millions d'euros à Clearview AI"),
        _src("en", "Clearview AI fined again in Europe"),
        _src(None, "untagged"),
    ]
    assert story_titles(story, sources) == (
        ("fr", "La CNIL inflige 20 millions d'euros à Clearview AI"),
        ("en", "CNIL fines Clearview AI €20m"),
    )
    # A story title no source carries leads, without a language.
    assert story_titles(_story(2, None, "Merged headline"), sources[:1]) == (
        (None, "Merged headline"),
        ("en", "CNIL fines Clearview AI €20m"),
    )
