"""`monitor digest`: preview the daily digest, write its HTML, or send it.

monitor digest                         # yesterday's digest, plain text, to stdout
monitor digest --date 2022-05-23 --out digest.html   # the HTML part to a file
monitor digest --date 2022-05-23 --send              # email it (once per recipient)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from monitor.cli.context import CliContext
from monitor.errors import MonitorError
from monitor.notify.digest import DigestReport, digest_day, load_digest, send_digest
from monitor.notify.email_render import render_digest
from monitor.store import Store


@click.command("digest")
@click.option(
    "--date",
    "when",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Day to summarise (default: yesterday in digest.timezone).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE.html",
    help="Write the HTML part to FILE; nothing is sent.",
)
@click.option(
    "--send",
    is_flag=True,
    help="Email it to digest.recipients; a recipient who "
    "already got this day's digest is skipped, failed ones are retried.",
)
@click.option(
    "--to",
    "recipients",
    multiple=True,
    metavar="ADDRESS",
    help="With --send: send to ADDRESS instead of digest.recipients (repeatable).",
)
@click.pass_obj
def command(
    cli: CliContext,
    when: datetime | None,
    out: Path | None,
    send: bool,
    recipients: tuple[str, ...],
) -> None:
    """The daily digest of enforcement actions and investigations.

    Without --out or --send, prints the subject and the plain-text part.
    """
    if out is not None and send:
        raise click.UsageError("--out and --send cannot be combined")
    if recipients and not send:
        raise click.UsageError("--to needs --send")
    settings = cli.settings
    now = datetime.now(UTC)
    try:
        day = when.date() if when else digest_day(now, settings.digest.timezone)
        with cli.open_store() as store:
            if send:
                report = _send(cli, store, day, now, recipients)
            else:
                digest = load_digest(store, settings.digest, day)
                rendered = render_digest(digest, unsubscribe=settings.digest.unsubscribe)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
    if send:
        _print_report(cli, report)
        if not report.ok:
            raise SystemExit(1)
    elif out is not None:
        out.write_text(rendered.html, encoding="utf-8")
        cli.echo(f"wrote {out}: {rendered.subject}")
    else:
        click.echo(f"Subject: {rendered.subject}\n")
        click.echo(rendered.text, nl=False)


def _send(
    cli: CliContext, store: Store, day: date, now: datetime, recipients: tuple[str, ...]
) -> DigestReport:
    settings = cli.settings
    if not settings.digest.enabled:
        raise click.ClickException(
            "digest.enabled is false in the config; set it to true "
            "(with smtp_* and recipients) to send digests"
        )
    return send_digest(settings, store, day, now, recipients=recipients or None)


def _print_report(cli: CliContext, r: DigestReport) -> None:
    head = f"digest {r.day.isoformat()}: {r.stories} stories"
    if r.skipped:
        cli.echo(f"{head}; nothing sent: {r.skipped}")
        return
    cli.echo(head)
    for who in r.sent:
        cli.echo(f"  sent          {who}")
    for who in r.already_sent:
        cli.echo(f"  already sent  {who}")
    for who in r.waiting:
        cli.echo(f"  waiting       {who}")
    for who, error in r.failed:
        click.echo(f"  FAILED        {who}: {error}", err=True)
