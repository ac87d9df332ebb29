"""Configuration: config.toml + environment variables -> a frozen Settings tree.

Owns: reading the TOML file once, validating every key (unknown keys, wrong
types, bad URLs, missing env vars) with errors that name the key, applying
defaults, and resolving secrets from environment variables whose *names* the
file gives. Does not own: any behaviour; modules receive their section.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from monitor.errors import ConfigError
from monitor.redact import remember

DEMO_SCHEME = "demo"  # demo://feeds/x.rss is served by the bundled loopback demo server


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSettings:
    path: str = "monitor.db"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedSettings:
    name: str
    url: str
    lang: str | None = None
    interval: int = 900  # seconds between polls
    enabled: bool = True
    source: str | None = None  # outlet name shown to users; defaults to the feed name


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0  # whole request, including a slow-drip body
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "news-monitor/0.1 (+https://example.org/news-monitor)"
    concurrency: int = 16
    per_host_concurrency: int = 2
    fetch_pages: bool = True  # fetch each item's page; else use the feed summary only
    allow_private: bool = False  # allow loopback/private addresses (tests only)
    allow_hosts: tuple[str, ...] = ()  # host[:port] allowed even when private
    max_items_per_feed: int = 200  # newest N items of a feed are considered per poll


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassifySettings:
    backend: Literal["use", "transformers"] = "use"
    model: str | None = None  # transformers: hub id or local directory
    pooling: Literal["mean", "cls"] = "mean"
    device: str = "cpu"
    batch_size: int = 32
    max_length: int = 256
    threads: int = 2
    head: str | None = None  # path to a trained head; None -> the shipped head
    min_score: float = 0.5  # below this an enforcement/investigation verdict becomes "other"
    # An NLI model (hub id or directory, e.g. an mDeBERTa XNLI model): zero-shot label
    # probabilities instead of the trained head; the encoder still embeds for dedup.
    zero_shot_model: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupSettings:
    window_days: int = 7
    minhash_threshold: float = 0.7
    similarity_threshold: float = 0.55  # cosine, title + lead embeddings
    num_perm: int = 128


@dataclass(frozen=True, slots=True, kw_only=True)
class TelegramSettings:
    enabled: bool = False
    token_env: str = "MONITOR_TELEGRAM_TOKEN"
    base_url: str = "https://api.telegram.org/bot"
    admin_chat_ids: tuple[int, ...] = ()
    include_investigations: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookSettings:
    enabled: bool = False
    url: str = ""
    secret_env: str | None = None
    max_attempts: int = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class FileSettings:
    enabled: bool = False
    path: str = "alerts.jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsoleSettings:
    enabled: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifySettings:
    labels: tuple[str, ...] = ("enforcement",)  # which story labels make alerts
    min_score: float = 0.5
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    file: FileSettings = field(default_factory=FileSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestSettings:
    enabled: bool = False
    time: str = "07:00"
    timezone: str = "UTC"
    recipients: tuple[str, ...] = ()
    sender: str = "news-monitor@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password_env: str | None = None
    send_empty: bool = True
    group_by: Literal["country", "authority"] = "country"
    unsubscribe: str = "mailto:news-monitor@localhost?subject=unsubscribe"
    include_investigations: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DaemonSettings:
    jitter_s: int = 30
    max_backoff_s: int = 6 * 3600
    disable_after_days: int = 7
    queue_size: int = 1000
    workers: int = 2
    shutdown_timeout_s: float = 20.0
    log_format: Literal["text", "json"] = "text"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The whole configuration, read once at start-up."""

    config_path: Path | None = None
    store: StoreSettings = field(default_factory=StoreSettings)
    feeds: tuple[FeedSettings, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    classify: ClassifySettings = field(default_factory=ClassifySettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    secrets: types.MappingProxyType[str, str] = field(
        default_factory=lambda: types.MappingProxyType({})
    )

    @property
    def uses_demo(self) -> bool:
        return any(urlsplit(f.url).scheme == DEMO_SCHEME for f in self.feeds)

    def store_path(self) -> Path:
        """Store path; relative paths are resolved beside the config file."""
        p = Path(self.store.path)
        if not p.is_absolute() and self.config_path is not None:
            p = self.config_path.parent / p
        return p


def load_settings(path: str | Path | None, *, db: str | None = None) -> Settings:
    """Read and validate `path` (or defaults when None); `db` overrides the store path."""
    data: dict[str, Any] = {}
    config_path = Path(path).resolve() if path else None
    if config_path is not None:
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ConfigError(f"config file not found: {config_path}") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{config_path}: invalid TOML: {e}") from e
    settings = parse_settings(data, config_path=config_path)
    if db:
        settings = dataclasses.replace(settings, store=StoreSettings(path=str(Path(db).resolve())))
    return settings


def parse_settings(data: dict[str, Any], *, config_path: Path | None = None) -> Settings:
    """Validate a parsed TOML document into Settings (pure apart from env lookups)."""
    allowed = {f.name for f in dataclasses.fields(Settings)} - {"config_path", "secrets"}
    _reject_unknown(data, allowed, "")
    feeds = data.get("feeds", [])
    if not isinstance(feeds, list):
        raise ConfigError("feeds: must be an array of tables ([[feeds]])")
    parsed_feeds = tuple(_build(FeedSettings, f, f"feeds[{i}]") for i, f in enumerate(feeds))
    _check_feeds(parsed_feeds)
    settings = Settings(
        config_path=config_path,
        store=_build(StoreSettings, data.get("store", {}), "store"),
        feeds=parsed_feeds,
        fetch=_build(FetchSettings, data.get("fetch", {}), "fetch"),
        classify=_build(ClassifySettings, data.get("classify", {}), "classify"),
        dedup=_build(DedupSettings, data.get("dedup", {}), "dedup"),
        notify=_build(NotifySettings, data.get("notify", {}), "notify"),
        digest=_build(DigestSettings, data.get("digest", {}), "digest"),
        daemon=_build(DaemonSettings, data.get("daemon", {}), "daemon"),
    )
    return dataclasses.replace(settings, secrets=_resolve_secrets(settings))


def _reject_unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            name = f"{where}.{key}" if where else key
            raise ConfigError(f"{name}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _build(cls: type[Any], data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    _reject_unknown(data, set(fields), where)
    values: dict[str, Any] = {}
    for name, raw in data.items():
        values[name] = _coerce(hints[name], raw, f"{where}.{name}")
    for name, f in fields.items():
        if (
            name not in values
            and f.default is dataclasses.MISSING
            and (f.default_factory is dataclasses.MISSING)
        ):
            raise ConfigError(f"{where}.{name}: required key is missing")
    return cls(**values)


def _coerce(hint: Any, raw: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, raw, where)
    if origin in (types.UnionType, typing.Union):
        if raw is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], raw, where)
    if origin is Literal:
        if raw not in args:
            raise ConfigError(f"{where}: must be one of {', '.join(map(repr, args))}, got {raw!r}")
        return raw
    if origin is tuple:
        if not isinstance(raw, list):
            raise ConfigError(f"{where}: must be a list, got {type(raw).__name__}")
        return tuple(_coerce(args[0], v, f"{where}[{i}]") for i, v in enumerate(raw))
    return _scalar(hint, raw, where)


def _scalar(hint: Any, raw: Any, where: str) -> Any:
    if hint is bool:
        if not isinstance(raw, bool):
            raise ConfigError(f"{where}: must be true or false, got {raw!r}")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ConfigError(f"{where}: must be an integer, got {raw!r}")
        return raw
    if hint is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ConfigError(f"{where}: must be a number, got {raw!r}")
        return float(raw)
    if hint is str:
        if not isinstance(raw, str):
            raise ConfigError(f"{where}: must be a string, got {raw!r}")
        return raw
    if hint is Path:
        return Path(raw)
    raise ConfigError(f"{where}: unsupported type {hint}")  # pragma: no cover


def _check_feeds(feeds: tuple[FeedSettings, ...]) -> None:
    seen: set[str] = set()
    for i, f in enumerate(feeds):
        where = f"feeds[{i}]"
        if f.name in seen:
            raise ConfigError(f"{where}.name: duplicate feed name {f.name!r}")
        seen.add(f.name)
        parts = urlsplit(f.url)
        if parts.scheme not in ("http", "https", DEMO_SCHEME) or not parts.netloc:
            raise ConfigError(
                f"{where}.url: bad URL {f.url!r} (need http:// or https:// with a host)"
            )
        if f.interval < 60:
            raise ConfigError(f"{where}.interval: must be at least 60 seconds, got {f.interval}")


def _resolve_secrets(settings: Settings) -> types.MappingProxyType[str, str]:
    """Look up the env vars that enabled channels need; fail naming the key."""
    wanted: list[tuple[str, str]] = []
    if settings.notify.telegram.enabled:
        wanted.append(("notify.telegram.token_env", settings.notify.telegram.token_env))
    if settings.notify.webhook.enabled and settings.notify.webhook.secret_env:
        wanted.append(("notify.webhook.secret_env", settings.notify.webhook.secret_env))
    if settings.digest.enabled and settings.digest.smtp_password_env:
        wanted.append(("digest.smtp_password_env", settings.digest.smtp_password_env))
    found: dict[str, str] = {}
    for key, env in wanted:
        value = os.environ.get(env)
        if not value:
            raise ConfigError(f"{key}: environment variable {env} is not set")
        found[env] = value
    remember(found.values())  # logs, stored errors and health output never show them
    return types.MappingProxyType(found)
