"""`monitor bot`: run only the Telegram bot (answers commands by long polling)."""

from __future__ import annotations

import click

from monitor.cli.context import CliContext
from monitor.errors import MonitorError


@click.command("bot")
@click.pass_obj
def command(cli: CliContext) -> None:
    """Answer Telegram commands (/subscribe, /latest...) until interrupted.

    Needs [notify.telegram] enabled = true and the token in the environment
    variable named by token_env. Alerts are sent by `monitor run`, not here.
    """
    settings = cli.settings
    if not settings.notify.telegram.enabled:
        raise click.ClickException("[notify.telegram] enabled is false in the configuration")
    from monitor.notify.bot import run_bot

    try:
        run_bot(settings)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
