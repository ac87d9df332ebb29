"""Shared state of one CLI invocation: settings and store opened on demand."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from monitor import redact
from monitor.config import Settings, load_settings
from monitor.errors import MonitorError
from monitor.store import Store


@dataclass
class CliContext:
    """Carries global options; loads config and opens the store lazily."""

    config_path: str | None
    db_path: str | None
    verbosity: int = 0
    _settings: Settings | None = field(default=None, repr=False)

    def setup_logging(self) -> None:
        level = (
            logging.ERROR
            if self.verbosity < 0
            else (
                logging.WARNING
                if self.verbosity == 0
                else logging.INFO
                if self.verbosity == 1
                else logging.DEBUG
            )
        )
        logging.basicConfig(
            level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        for handler in logging.getLogger().handlers:  # no secret reaches a log line
            redact.install(handler)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            path = self.config_path
            if path is None and Path("config.toml").exists():
                path = "config.toml"
            try:
                self._settings = load_settings(path, db=self.db_path)
            except MonitorError as e:
                raise click.ClickException(f"config error: {e}") from e
        return self._settings

    def open_store(self) -> Store:
        try:
            return Store(self.settings.store_path())
        except MonitorError as e:
            raise click.ClickException(str(e)) from e

    def echo(self, message: str = "", *, err: bool = False) -> None:
        """Print unless -q was given."""
        if self.verbosity >= 0:
            click.echo(message, err=err)
