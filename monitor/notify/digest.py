"""The daily digest: which stories a day's email holds, in what order, and sending it.

Owns: the digest's day and window (a calendar day in `digest.timezone`; a story
belongs to a day when any of its articles was published, else fetched, that
day), its content (enforcement first, then investigations; grouped by country
or authority; each story once with its sources and its title in each language),
the counts, and the job that sends it once per (day, recipient) with retries.
Does not own: SQL (`monitor.store.digest`), layout (`monitor.notify.email_render`)
or the SMTP conversation (`monitor.notify.smtp`).

Schedule: `send_digest_job` is meant to run at `digest.time` in `digest.timezone`
and sends the digest of the *previous* calendar day there, so a day is complete
before it is summarised. Deliveries that failed are retried by the next call of
`send_digest_job` or `retry_digests` once due (backoff 5 min, doubling, at most
6 h), for at most `RETRY_DAYS` days and `MAX_ATTEMPTS` attempts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.config import DigestSettings, Settings
from monitor.errors import ConfigError, DeliveryError, PermanentDeliveryError
from monitor.models import AlertSource, EventFields, Label, Story
from monitor.notify.email_render import (
    RenderedDigest,
    build_message,
    message_id,
    render_digest,
)
from monitor.notify.smtp import MailSender, SmtpSender, smtp_config
from monitor.store.digest import DigestDelivery
from monitor.store.outbox import stamp

if TYPE_CHECKING:
    from monitor.store import Store

log = logging.getLogger(__name__)

LANG_ORDER = ("en", "fr")  # the languages the monitor reads, shown first


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestStory:
    """One story as the digest shows it."""

    id: int
    label: Label
    titles: tuple[tuple[str | None, str], ...]  # (lang, title); the headline first
    fields: EventFields
    languages: tuple[str, ...]
    sources: tuple[AlertSource, ...]

    @property
    def headline(self) -> str:
        return self.titles[0][1]


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestGroup:
    """Stories sharing a country code or an authority name (`key` None: not known)."""

    key: str | None
    stories: tuple[DigestStory, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestSection:
    """All stories of one label."""

    label: Label
    groups: tuple[DigestGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(g.stories) for g in self.groups)


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """The content of one day's digest."""

    day: date
    timezone: str
    group_by: str
    labels: tuple[Label, ...]  # the labels this digest reports on, in order
    sections: tuple[DigestSection, ...]  # only non-empty ones

    @property
    def stories(self) -> tuple[DigestStory, ...]:
        return tuple(s for sec in self.sections for g in sec.groups for s in g.stories)

    @property
    def is_empty(self) -> bool:
        return not self.sections

    def count(self, label: Label) -> int:
        return sum(sec.count for sec in self.sections if sec.label == label)

    @property
    def article_count(self) -> int:
        return sum(len(s.sources) for s in self.stories)

    @property
    def outlet_count(self) -> int:
        return len({src.outlet for s in self.stories for src in s.sources})

    def counts(self, *, with_articles: bool = True) -> str:
        """E.g. "3 enforcement actions, 1 investigation, 12 articles from 4 outlets"."""
        parts = [plural(self.count(lb), *_NOUNS[lb]) for lb in self.labels if lb in _NOUNS]
        if with_articles:
            parts.append(
                plural(self.article_count, "article", "articles")
                + " from "
                + plural(self.outlet_count, "outlet", "outlets")
            )
        return ", ".join(parts)


_NOUNS = {
    "enforcement": ("enforcement action", "enforcement actions"),
    "investigation": ("investigation", "investigations"),
}


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def zone(name: str) -> ZoneInfo:
    """The time zone `name`; ConfigError naming the key when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"digest.timezone: unknown time zone {name!r}") from e


def digest_day(now: datetime, timezone: str) -> date:
    """The day a digest sent at `now` covers: the previous calendar day in `timezone`."""
    return now.astimezone(zone(timezone)).date() - timedelta(days=1)


def day_window(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of `day` in `timezone`, as UTC instants (23 or 25 hours apart on
    daylight-saving changes; UTC so that subtracting them gives the real length)."""
    tz = zone(timezone)
    return (
        datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC),
    )


def digest_labels(cfg: DigestSettings) -> tuple[Label, ...]:
    return ("enforcement", "investigation") if cfg.include_investigations else ("enforcement",)


def _lang_key(lang: str | None) -> tuple[int, str]:
    return (LANG_ORDER.index(lang) if lang in LANG_ORDER else len(LANG_ORDER), lang or "~")


def story_titles(
    story: Story, sources: Sequence[AlertSource]
) -> tuple[tuple[str | None, str], ...]:
    """One title per language, each as an outlet of that language wrote it.

    The story's own title leads (in its language when a source carries it);
    then the first title of every other language, English and French first.
    """
    first: dict[str | None, str] = {}
    for s in sources:
        first.setdefault(s.lang, s.title)
    head_lang = next((s.lang for s in sources if s.title == story.title), None)
    titles: list[tuple[str | None, str]] = [(head_lang, story.title)]
    for lang in sorted((lg for lg in first if lg is not None), key=_lang_key):
        if lang != head_lang and first[lang] != story.title:
            titles.append((lang, first[lang]))
    return tuple(titles)


def _digest_story(story: Story, sources: Sequence[AlertSource]) -> DigestStory:
    langs = {*story.languages, *(s.lang for s in sources if s.lang)}
    return DigestStory(
        id=story.id,
        label=story.label,
        titles=story_titles(story, sources),
        fields=story.fields,
        languages=tuple(sorted(langs, key=_lang_key)),
        sources=tuple(sources),
    )


def _group_key(story: DigestStory, group_by: str) -> str | None:
    value = story.fields.country if group_by == "country" else story.fields.authority
    value = (value or "").strip()
    return (value.upper() if group_by == "country" else value) or None


def _groups(stories: Iterable[DigestStory], group_by: str) -> tuple[DigestGroup, ...]:
    by_key: dict[str | None, list[DigestStory]] = defaultdict(list)
    for s in stories:
        by_key[_group_key(s, group_by)].append(s)
    # Busiest group first; the "not known" group last; names break ties.
    order = sorted(by_key, key=lambda k: (k is None, -len(by_key[k]), (k or "").casefold()))
    return tuple(DigestGroup(key=k, stories=tuple(by_key[k])) for k in order)


def build_digest(
    day: date, rows: Iterable[tuple[Story, Sequence[AlertSource]]], cfg: DigestSettings
) -> Digest:
    """Shape the stories of `day` (as read from the store) into a digest. Pure."""
    labels = digest_labels(cfg)
    seen: set[int] = set()
    by_label: dict[str, list[DigestStory]] = defaultdict(list)
    for story, sources in rows:
        if story.id in seen or story.label not in labels:
            continue
        seen.add(story.id)
        by_label[story.label].append(_digest_story(story, sources))
    sections = []
    for label in labels:
        stories = sorted(by_label[label], key=lambda s: (_first_time(s), s.id))
        if stories:
            sections.append(DigestSection(label=label, groups=_groups(stories, cfg.group_by)))
    return Digest(
        day=day,
        timezone=cfg.timezone,
        group_by=cfg.group_by,
        labels=labels,
        sections=tuple(sections),
    )


def _first_time(story: DigestStory) -> str:
    return min((s.published or "" for s in story.sources), default="")


# -- sending ------------------------------------------------------------------------

MAX_ATTEMPTS = 6  # failed runs before a digest delivery is given up ('dead')
RETRY_DAYS = 3  # a digest older than this is stale; its pending deliveries are given up
LEASE = timedelta(minutes=10)  # a row left 'sending' longer than this is handed out again
_FIRST_RETRY = timedelta(minutes=5)
_MAX_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next run may retry a delivery that failed `attempts` times."""
    return min(_MAX_RETRY, _FIRST_RETRY * 2 ** max(0, attempts - 1))


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestReport:
    """What one call did for one day's digest."""

    day: date
    stories: int
    sent: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (recipient, error); still pending unless dead
    already_sent: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()  # pending, but their retry time has not come yet
    skipped: str | None = None  # why nothing was attempted

    @property
    def ok(self) -> bool:
        return not self.failed


def load_digest(store: Store, cfg: DigestSettings, day: date) -> Digest:
    """Read the stories of `day` and shape them into a digest."""
    start, end = day_window(day, cfg.timezone)
    rows = store.digests.stories_between(start, end, labels=digest_labels(cfg))
    return build_digest(day, rows, cfg)


def send_digest(
    settings: Settings,
    store: Store,
    day: date,
    now: datetime,
    *,
    recipients: Sequence[str] | None = None,
    sender: MailSender | None = None,
    due_only: bool = False,
) -> DigestReport:
    """Send the digest of `day` to each recipient that has not received it yet.

    Idempotent: a (day, recipient) marked sent is never sent again. `due_only`
    leaves failed deliveries alone until their retry time (the scheduled job);
    without it they are tried now (the CLI). An empty day sends a short
    "nothing to report" digest, or nothing when `digest.send_empty` is false.
    """
    cfg = settings.digest
    digest = load_digest(store, cfg, day)
    targets = tuple(dict.fromkeys(recipients if recipients is not None else cfg.recipients))
    if not targets:
        return DigestReport(day=day, stories=len(digest.stories), skipped="no recipients")
    if digest.is_empty and not cfg.send_empty:
        return DigestReport(day=day, stories=0, skipped="empty day (digest.send_empty is false)")
    store.digests.ensure(day, targets, now=now)
    rows = [r for r in store.digests.for_day(day) if r.recipient in targets]
    return _deliver(settings, store, digest, rows, now, sender=sender, due_only=due_only)


def _deliver(
    settings: Settings,
    store: Store,
    digest: Digest,
    rows: Sequence[DigestDelivery],
    now: datetime,
    *,
    sender: MailSender | None,
    due_only: bool,
) -> DigestReport:
    cfg = settings.digest
    rendered = render_digest(digest, unsubscribe=cfg.unsubscribe)
    mailer = sender
    out: dict[str, list[Any]] = defaultdict(list)
    outage: str | None = None  # once the server is unreachable, spare the other recipients
    for row in rows:
        if row.status in ("sent", "dead"):
            key = "already_sent" if row.status == "sent" else "failed"
            out[key].append(
                row.recipient
                if key == "already_sent"
                else (row.recipient, row.last_error or "dead")
            )
            continue
        if due_only and row.next_attempt and row.next_attempt > stamp(now):
            out["waiting"].append(row.recipient)
            continue
        if outage is not None:
            store.digests.retry_later(row.id, error=outage, at=now + retry_delay(row.attempts))
            out["failed"].append((row.recipient, outage))
            continue
        if mailer is None:  # built only when something is to be sent (it needs the password)
            mailer = SmtpSender(smtp_config(settings))
        if not store.digests.claim(row, now=now, lease_until=now + LEASE):
            continue  # another process holds it
        error = _send_one(store, mailer, rendered, row, cfg, now)
        if error is None:
            out["sent"].append(row.recipient)
        else:
            out["failed"].append((row.recipient, str(error)))
            if not isinstance(error, PermanentDeliveryError):
                outage = str(error)
    return DigestReport(
        day=digest.day,
        stories=len(digest.stories),
        sent=tuple(out["sent"]),
        failed=tuple(out["failed"]),
        already_sent=tuple(out["already_sent"]),
        waiting=tuple(out["waiting"]),
    )


def _send_one(
    store: Store,
    mailer: MailSender,
    rendered: RenderedDigest,
    row: DigestDelivery,
    cfg: DigestSettings,
    now: datetime,
) -> DeliveryError | None:
    """One attempt at one delivery; records the outcome on the row."""
    mid = message_id(row.idempotency_key, cfg.sender)
    msg = build_message(
        rendered,
        sender=cfg.sender,
        recipient=row.recipient,
        unsubscribe=cfg.unsubscribe,
        msg_id=mid,
        now=now,
    )
    try:
        mailer.send(msg)
    except DeliveryError as e:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            store.digests.finish(row.id, error=f"gave up after {attempts} attempts: {e}")
        else:
            store.digests.retry_later(row.id, error=str(e), at=now + retry_delay(attempts))
        log.warning("digest %s to %s failed: %s", row.day, row.recipient, e)
        return e
    store.digests.mark_sent(row.id, message_id=mid, now=now)
    log.info("digest %s sent to %s", row.day, row.recipient)
    return None


def send_digest_job(
    settings: Settings, store: Store, now: datetime, *, sender: MailSender | None = None
) -> list[DigestReport]:
    """The scheduled job: send yesterday's digest (in `digest.timezone`), then retry
    earlier digests whose failed deliveries are due. Blocking (smtplib); does
    nothing when `digest.enabled` is false."""
    if not settings.digest.enabled:
        return []
    day = digest_day(now, settings.digest.timezone)
    reports = [send_digest(settings, store, day, now, sender=sender, due_only=True)]
    return reports + retry_digests(settings, store, now, sender=sender, skip=(day,))


def retry_digests(
    settings: Settings,
    store: Store,
    now: datetime,
    *,
    sender: MailSender | None = None,
    skip: Sequence[date] = (),
) -> list[DigestReport]:
    """Retry every due, unsent digest delivery (any day); give up stale ones.

    Cheap when nothing is due, so a daemon may also call it every few minutes.
    """
    by_day: dict[date, list[DigestDelivery]] = defaultdict(list)
    for row in store.digests.due(now):
        by_day[row.day].append(row)
    oldest = digest_day(now, settings.digest.timezone) - timedelta(days=RETRY_DAYS)
    reports = []
    for day in sorted(by_day):
        if day in skip:
            continue
        if day < oldest:
            for row in by_day[day]:
                store.digests.finish(
                    row.id,
                    error=f"stale: not sent within {RETRY_DAYS} days; last error: {row.last_error}",
                )
            continue
        digest = load_digest(store, settings.digest, day)
        reports.append(
            _deliver(settings, store, digest, by_day[day], now, sender=sender, due_only=True)
        )
    return reports
