"""Log output of the long-running service: human text or one JSON object per line.

Owns: the formatters and installing them on the root logger
(`daemon.log_format`), and quieting chatty libraries (APScheduler logs every
job run at INFO: a thousand feeds would drown everything else). Does not own:
what is logged, nor the level (the CLI's -v/-q decide it).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from monitor import redact

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# attributes every LogRecord has; anything else was passed with `extra=` and is kept
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, extra fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class SkippedRunFilter(logging.Filter):
    """Drop APScheduler's "skipped: maximum number of running instances" warnings.

    Under backpressure every poll job still waiting on the analysis queue would log one per
    interval: thousands of lines saying what the heartbeat's queue depth and the daemon's
    `poll_runs_skipped` counter already say.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in str(record.msg)


def setup_logging(
    fmt: Literal["text", "json"], *, level: int | None = None, stream: TextIO | None = None
) -> None:
    """Route all logs to `stream` (stderr) in format `fmt`; keep the current level if None."""
    root = logging.getLogger()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    redact.install(handler)
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    effective = root.getEffectiveLevel()
    # job-by-job scheduler chatter only when debugging
    logging.getLogger("apscheduler").setLevel(
        max(effective, logging.WARNING) if effective > logging.DEBUG else logging.DEBUG
    )
    logging.getLogger("httpx").setLevel(max(effective, logging.WARNING))
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, SkippedRunFilter) for f in scheduler_log.filters):
        scheduler_log.addFilter(SkippedRunFilter())
