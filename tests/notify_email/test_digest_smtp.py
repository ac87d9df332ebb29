"""Sending the digest to a real SMTP server (aiosmtpd on 127.0.0.1): parts, headers,
once per recipient, outages and retries, AUTH, STARTTLS and implicit TLS."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from monitor.notify.digest import (
    LEASE,
    MAX_ATTEMPTS,
    retry_digests,
    send_digest,
    send_digest_job,
)
from monitor.store import Store
from monitor.store.digest import DigestDelivery, digest_key

from .digest_seed import CLEARVIEW, EVIL_TITLE
from .smtp_helpers import (
    PASSWORD,
    RECIPIENTS,
    USER,
    SmtpServer,
    client_tls,
    digest_settings,
    fast_sender,
    free_port,
    server_tls,
)

DAY = date(2022, 5, 23)
AT_SEVEN = datetime(2022, 5, 24, 5, 0, tzinfo=UTC)  # 07:00 in Paris


def rows(store: Store) -> dict[str, DigestDelivery]:
    return {r.recipient: r for r in store.digests.for_day(DAY)}


def test_digest_arrives_with_both_parts(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port)
    report = send_digest(settings, store, DAY, AT_SEVEN, sender=fast_sender(settings))
    assert report.sent == tuple(RECIPIENTS) and report.ok
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [[a] for a in RECIPIENTS]
    msg = smtp_server.handler.to("alice@example.org")[0]
    assert msg["Subject"] == "[news-monitor] 2022-05-23: 3 enforcement actions, 1 investigation"
    assert msg["From"] == "News Monitor <digest@monitor.example>"
    assert msg["To"] == "alice@example.org"
    assert msg["List-Unsubscribe"] == "<mailto:digest@monitor.example?subject=stop>"
    assert msg["Date"] and msg["Message-ID"]
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert EVIL_TITLE in text and "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Data &amp; Co" in html
    for src in CLEARVIEW.sources[:2]:  # the EN and the FR source, each once
        assert html.count(f'href="{src.url}"') == 1 and text.count(src.url) == 1
    assert html.count("ICO → Clearview AI") == 1
    row = rows(store)["alice@example.org"]
    assert (row.idempotency_key, row.status) == (digest_key(DAY, "alice@example.org"), "sent")
    assert row.external_id == msg["Message-ID"] and row.sent_at


def test_sent_once_per_recipient(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port)
    sender = fast_sender(settings)
    send_digest(settings, store, DAY, AT_SEVEN, sender=sender)
    again = send_digest(settings, store, DAY, AT_SEVEN + timedelta(hours=1), sender=sender)
    [job] = send_digest_job(settings, store, AT_SEVEN + timedelta(hours=2), sender=sender)
    assert again.sent == () and again.already_sent == tuple(RECIPIENTS)
    assert job.day == DAY and job.sent == ()
    assert sorted(a for r in smtp_server.handler.received for a in r.rcpt_tos) == RECIPIENTS
    count = store.db.execute("SELECT count(*) FROM deliveries WHERE kind = 'digest'").fetchone()
    assert count[0] == 2


def test_outage_keeps_deliveries_pending_then_the_job_sends_them(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]]
) -> None:
    store, _ = seeded
    port = free_port()  # nothing listens there yet: connection refused
    settings = digest_settings(tmp_path, port)
    sender = fast_sender(settings)
    [report] = send_digest_job(settings, store, AT_SEVEN, sender=sender)
    assert report.sent == () and len(report.failed) == 2
    for row in rows(store).values():
        assert row.status == "pending" and "Connection refused" in (row.last_error or "")
    # Only the first recipient was tried; the outage was recorded for the second.
    assert [rows(store)[a].attempts for a in RECIPIENTS] == [1, 0]
    server = SmtpServer(port=port)
    try:
        [soon] = send_digest_job(settings, store, AT_SEVEN + timedelta(minutes=1), sender=sender)
        assert soon.waiting == tuple(RECIPIENTS) and not server.handler.received  # backoff
        [later] = send_digest_job(settings, store, AT_SEVEN + timedelta(hours=1), sender=sender)
        assert later.sent == tuple(RECIPIENTS)
        assert {r.status for r in rows(store).values()} == {"sent"}
        assert len(server.handler.received) == 2
    finally:
        server.stop()


def test_451_is_retried_then_recorded_then_sent(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port)
    sender = fast_sender(settings)
    smtp_server.handler.fail_with = "451 4.3.0 Mail system busy, try later"
    report = send_digest(settings, store, DAY, AT_SEVEN, sender=sender)
    assert smtp_server.handler.data_calls == 2  # one retry in-process, then given up for now
    assert report.failed[0][0] == "alice@example.org"
    alice = rows(store)["alice@example.org"]
    assert alice.status == "pending" and "451 4.3.0 Mail system busy" in (alice.last_error or "")
    smtp_server.handler.fail_with = None
    [later] = retry_digests(settings, store, AT_SEVEN + timedelta(hours=1), sender=sender)
    assert later.sent == tuple(RECIPIENTS)
    assert rows(store)["alice@example.org"].last_error is None


def test_permanent_refusal_is_not_retried_in_process_and_gives_up(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port, recipients=["carol@example.org"])
    sender = fast_sender(settings)
    smtp_server.handler.fail_with = "554 5.7.1 Message rejected as spam"
    now = AT_SEVEN
    for _ in range(MAX_ATTEMPTS):
        send_digest_job(settings, store, now, sender=sender)
        now += timedelta(hours=2)  # past the backoff so far, still the same digest day
    assert smtp_server.handler.data_calls == MAX_ATTEMPTS  # once per run, no in-run retry
    row = rows(store)["carol@example.org"]
    assert row.status == "dead" and "554 5.7.1" in (row.last_error or "")
    assert send_digest_job(settings, store, now, sender=sender)[0].sent == ()


def test_a_send_interrupted_mid_way_is_resent_after_its_lease(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port, recipients=["alice@example.org"])
    store.digests.ensure(DAY, ["alice@example.org"], now=AT_SEVEN)
    row = rows(store)["alice@example.org"]
    assert store.digests.claim(row, now=AT_SEVEN, lease_until=AT_SEVEN + LEASE)  # then "crash"
    sender = fast_sender(settings)
    assert retry_digests(settings, store, AT_SEVEN + timedelta(minutes=1), sender=sender) == []
    [report] = retry_digests(settings, store, AT_SEVEN + LEASE, sender=sender)
    assert report.sent == ("alice@example.org",)


def test_auth_with_password_from_environment(
    tmp_path: Path,
    seeded: tuple[Store, dict[str, int]],
    auth_smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, _ = seeded
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", PASSWORD)
    settings = digest_settings(
        tmp_path, auth_smtp_server.port, smtp_user=USER, smtp_password_env="DIGEST_SMTP_PASSWORD"
    )
    report = send_digest(settings, store, DAY, AT_SEVEN, sender=fast_sender(settings))
    assert report.sent == tuple(RECIPIENTS)
    assert auth_smtp_server.handler.logins == [USER, USER]


def test_wrong_password_is_recorded(
    tmp_path: Path,
    seeded: tuple[Store, dict[str, int]],
    auth_smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, _ = seeded
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "not-the-password")
    settings = digest_settings(
        tmp_path, auth_smtp_server.port, smtp_user=USER, smtp_password_env="DIGEST_SMTP_PASSWORD"
    )
    report = send_digest(settings, store, DAY, AT_SEVEN, sender=fast_sender(settings))
    assert report.sent == () and not auth_smtp_server.handler.received
    alice = rows(store)["alice@example.org"]
    assert alice.status == "pending" and "AUTH failed: 535" in (alice.last_error or "")


def test_starttls_with_auth(
    tmp_path: Path,
    seeded: tuple[Store, dict[str, int]],
    tls_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, _ = seeded
    server = SmtpServer(
        tls_context=server_tls(tls_files),
        require_starttls=True,
        authenticator=True,
        auth_required=True,
    )
    try:
        monkeypatch.setenv("DIGEST_SMTP_PASSWORD", PASSWORD)
        settings = digest_settings(
            tmp_path,
            server.port,
            smtp_security="starttls",
            smtp_user=USER,
            smtp_password_env="DIGEST_SMTP_PASSWORD",
        )
        sender = fast_sender(settings, ssl_context=client_tls(tls_files))
        assert send_digest(settings, store, DAY, AT_SEVEN, sender=sender).sent == tuple(RECIPIENTS)
        assert server.handler.logins == [USER, USER] and len(server.handler.received) == 2
    finally:
        server.stop()


def test_implicit_tls(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], tls_files: tuple[Path, Path]
) -> None:
    store, _ = seeded
    server = SmtpServer(ssl_context=server_tls(tls_files))
    try:
        settings = digest_settings(tmp_path, server.port, smtp_security="ssl")
        sender = fast_sender(settings, ssl_context=client_tls(tls_files))
        assert send_digest(settings, store, DAY, AT_SEVEN, sender=sender).sent == tuple(RECIPIENTS)
        # Without trusting the test certificate the connection is refused for good.
        untrusting = fast_sender(settings)
        other = send_digest(settings, store, DAY - timedelta(days=1), AT_SEVEN, sender=untrusting)
        assert "certificate" in other.failed[0][1]
    finally:
        server.stop()


@pytest.mark.parametrize("send_empty", [True, False])
def test_empty_day(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer, send_empty: bool
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port, send_empty=send_empty)
    quiet = date(2022, 5, 1)
    report = send_digest(settings, store, quiet, AT_SEVEN, sender=fast_sender(settings))
    if send_empty:
        assert report.sent == tuple(RECIPIENTS)
        msg = smtp_server.handler.to("bob@example.org")[0]
        assert msg["Subject"] == "[news-monitor] 2022-05-01: nothing to report"
    else:
        assert report.skipped and not smtp_server.handler.received
        assert store.digests.for_day(quiet) == []


def test_job_does_nothing_when_disabled(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port, enabled=False)
    assert send_digest_job(settings, store, AT_SEVEN) == []
    assert store.digests.for_day(DAY) == [] and not smtp_server.handler.received


def test_stale_digests_are_given_up(tmp_path: Path, seeded: tuple[Store, dict[str, int]]) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, free_port(), recipients=["alice@example.org"])
    send_digest(settings, store, DAY, AT_SEVEN, sender=fast_sender(settings))
    assert rows(store)["alice@example.org"].status == "pending"
    week_later = AT_SEVEN + timedelta(days=7)
    retry_digests(settings, store, week_later, sender=fast_sender(settings))
    row = rows(store)["alice@example.org"]
    assert row.status == "dead" and (row.last_error or "").startswith("stale")
