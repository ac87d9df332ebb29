"""Sending one email over SMTP (smtplib), with retries on transient failures.

Owns: the SMTP conversation (plain, STARTTLS or implicit TLS; AUTH when a user
and password are configured), sorting failures into transient (connection
refused or dropped, timeouts, 4xx replies: retried here with exponential
backoff) and permanent (5xx replies, TLS or AUTH not offered: not retried
here), and wrapping smtplib errors into `DeliveryError` /
`PermanentDeliveryError`. Does not own: what is sent, to whom, or the durable
retry state (see `monitor.notify.digest`).
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal, Protocol

from monitor.config import Settings
from monitor.errors import ConfigError, DeliveryError, PermanentDeliveryError

Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpConfig:
    """Where and how to connect; `password` comes from the environment, never the file."""

    host: str
    port: int
    security: Security = "none"
    user: str | None = None
    password: str | None = None
    timeout_s: float = 30.0

    def __repr__(self) -> str:  # keep the password out of logs and tracebacks
        return (
            f"SmtpConfig(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"user={self.user!r}, password={'***' if self.password else None})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """In-process retries of one message: `attempts` tries in all, sleeping
    `base_delay_s`, then twice that, ... (at most `max_delay_s`) in between."""

    attempts: int = 3
    base_delay_s: float = 2.0
    max_delay_s: float = 30.0

    def delay(self, failures: int) -> float:
        return min(self.max_delay_s, self.base_delay_s * 2 ** (failures - 1))


DEFAULT_RETRY = RetryPolicy()


class MailSender(Protocol):
    """Anything that can hand one message to a mail server (or refuse with DeliveryError)."""

    def send(self, message: EmailMessage) -> None: ...


def smtp_config(settings: Settings) -> SmtpConfig:
    """The SMTP part of `settings.digest`, with the password from `settings.secrets`.

    Raises:
        ConfigError: a password variable is named but its value was not resolved
            (config resolves it only when `digest.enabled` is true).
    """
    cfg = settings.digest
    password = None
    if cfg.smtp_password_env:
        password = settings.secrets.get(cfg.smtp_password_env)
        if not password:
            raise ConfigError(
                f"digest.smtp_password_env: environment variable "
                f"{cfg.smtp_password_env} is not set (or digest.enabled is false)"
            )
    # Without a user name, servers that want AUTH usually accept the sender address.
    user = cfg.smtp_user or (cfg.sender if password else None)
    return SmtpConfig(
        host=cfg.smtp_host,
        port=cfg.smtp_port,
        security=cfg.smtp_security,
        user=user,
        password=password,
    )


class SmtpSender:
    """Sends each message over its own SMTP connection (a digest is a handful of mails)."""

    def __init__(
        self,
        config: SmtpConfig,
        *,
        retry: RetryPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.retry = retry or DEFAULT_RETRY
        self._ssl = ssl_context
        self._sleep = sleep

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` to the server, retrying transient failures.

        Raises:
            PermanentDeliveryError: the server refused for good (5xx), or TLS/AUTH
                is missing; retrying now would not help.
            DeliveryError: still failing transiently after the last attempt.
        """
        failures = 0
        while True:
            try:
                self._send_once(message)
                return
            except PermanentDeliveryError:
                raise
            except DeliveryError:
                failures += 1
                if failures >= self.retry.attempts:
                    raise
                self._sleep(self.retry.delay(failures))

    def _context(self) -> ssl.SSLContext:
        return self._ssl or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c.security == "ssl":
            return smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout_s, context=self._context())
        smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout_s)
        if c.security == "starttls":
            try:
                smtp.starttls(context=self._context())
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _send_once(self, message: EmailMessage) -> None:
        where = f"{self.config.host}:{self.config.port}"
        try:
            with self._connect() as smtp:
                if self.config.user and self.config.password:
                    smtp.login(self.config.user, self.config.password)
                smtp.send_message(message)
        except Exception as e:
            raise wrap_error(e, where) from e


def _reply(code: int, text: bytes | str) -> str:
    msg = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(msg.split())}"


def wrap_error(e: Exception, where: str) -> DeliveryError:
    """Turn an smtplib/socket/TLS error into a (permanent or transient) DeliveryError."""
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(e.recipients.values()), (550, b"recipient refused"))
        return _by_code(code, f"SMTP {where}: recipient refused: {_reply(code, text)}")
    if isinstance(e, smtplib.SMTPResponseException):
        kind = "AUTH failed" if isinstance(e, smtplib.SMTPAuthenticationError) else "refused"
        return _by_code(e.smtp_code, f"SMTP {where}: {kind}: {_reply(e.smtp_code, e.smtp_error)}")
    if isinstance(e, smtplib.SMTPNotSupportedError):
        return PermanentDeliveryError(f"SMTP {where}: not supported by the server: {e}")
    if isinstance(e, smtplib.SMTPException) and "AUTH" in str(e):
        return PermanentDeliveryError(f"SMTP {where}: {e}")  # no AUTH offered: config
    if isinstance(e, ssl.SSLCertVerificationError):
        return PermanentDeliveryError(f"SMTP {where}: TLS certificate rejected: {e}")
    if isinstance(e, smtplib.SMTPException | OSError):
        return DeliveryError(f"SMTP {where}: {type(e).__name__}: {e}")
    return DeliveryError(f"SMTP {where}: unexpected {type(e).__name__}: {e}")


def _by_code(code: int, message: str) -> DeliveryError:
    # 4xx means "try again later" in SMTP; 5xx means this message will never pass as is.
    # Codes outside both (-1: the server closed the connection) count as transient.
    if 500 <= code < 600:
        return PermanentDeliveryError(message)
    return DeliveryError(message)
