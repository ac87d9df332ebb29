"""The `monitor` command: a thin layer that parses arguments and calls the library.

Owns: the top-level click group, global options (--config, --db, -v/-q) and
registering one module per command group. Does not own: any business logic.
Nothing in the package imports this module.
"""

from __future__ import annotations

import click

from monitor.cli import alerts as alerts_cmd
from monitor.cli import bot as bot_cmd
from monitor.cli import classify as classify_cmd
from monitor.cli import cluster as cluster_cmd
from monitor.cli import digest as digest_cmd
from monitor.cli import export as export_cmd
from monitor.cli import feeds as feeds_cmd
from monitor.cli import health as health_cmd
from monitor.cli import label as label_cmd
from monitor.cli import run as run_cmd
from monitor.cli import search as search_cmd
from monitor.cli import serve as serve_cmd
from monitor.cli import stats as stats_cmd
from monitor.cli import train as train_cmd
from monitor.cli.context import CliContext


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="MONITOR_CONFIG",
    type=click.Path(dir_okay=False),
    default=None,
    help="config.toml to use (env MONITOR_CONFIG; default ./config.toml if present).",
)
@click.option("--db", "db_path", default=None, help="Store path; overrides [store] path.")
@click.option("-v", "--verbose", count=True, help="More output (-vv for debug logs).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(package_name="news-monitor")
@click.pass_context
def main(
    ctx: click.Context, config_path: str | None, db_path: str | None, verbose: int, quiet: bool
) -> None:
    """Multilingual news monitoring and enforcement-event alerts."""
    ctx.obj = CliContext(
        config_path=config_path, db_path=db_path, verbosity=-1 if quiet else verbose
    )
    ctx.obj.setup_logging()


main.add_command(run_cmd.command)
main.add_command(feeds_cmd.group)
main.add_command(stats_cmd.command)
main.add_command(search_cmd.command)
main.add_command(export_cmd.command)
main.add_command(label_cmd.command)
main.add_command(serve_cmd.command)
main.add_command(digest_cmd.command)
main.add_command(health_cmd.command)
main.add_command(alerts_cmd.command)
main.add_command(bot_cmd.command)
main.add_command(cluster_cmd.command)
main.add_command(classify_cmd.command)
main.add_command(train_cmd.command)
