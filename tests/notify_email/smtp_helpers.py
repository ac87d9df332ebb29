"""Helpers for the digest email tests: a real SMTP server (aiosmtpd) on an ephemeral
loopback port, digest-enabled settings pointing at it, and a fast-retrying SMTP sender."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.config import Settings, parse_settings
from monitor.notify.smtp import RetryPolicy, SmtpSender, smtp_config

USER, PASSWORD = "digest-bot", "s3cret-pw"
RECIPIENTS = ["alice@example.org", "bob@example.org"]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Handler:
    """Keeps every accepted message; `fail_with` makes DATA answer that reply instead."""

    received: list[Received] = field(default_factory=list)
    fail_with: str | None = None
    logins: list[str] = field(default_factory=list)
    data_calls: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.data_calls += 1
        if self.fail_with:
            return self.fail_with
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        # handled=False: aiosmtpd itself answers (535 on failure) instead of staying silent.
        return AuthResult(success=ok, handled=False)

    def to(self, recipient: str) -> list[EmailMessage]:
        return [r.message for r in self.received if recipient in r.rcpt_tos]


class _Controller(Controller):
    """aiosmtpd's Controller on an ephemeral port: it learns the port once bound."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self, *, port: int = 0, **smtp_kwargs: Any) -> None:
        self.handler = Handler()
        self.kwargs = smtp_kwargs
        self.port = port
        self._ctl: _Controller | None = None
        self.start()

    def start(self) -> None:
        kwargs = dict(self.kwargs)
        if "authenticator" in kwargs:
            kwargs["authenticator"] = self.handler.authenticate
        self._ctl = _Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=5, **kwargs
        )
        self._ctl.start()
        self.port = self._ctl.port

    def stop(self) -> None:
        if self._ctl is not None:
            self._ctl.stop()
            self._ctl = None


def server_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*tls_files)
    return ctx


def client_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls_files[0]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def digest_settings(tmp_path: Path, port: int, **digest: Any) -> Settings:
    """Digest on, Paris time, two recipients, pointing at 127.0.0.1:`port`."""
    section = {
        "enabled": True,
        "timezone": "Europe/Paris",
        "recipients": RECIPIENTS,
        "sender": "News Monitor <digest@monitor.example>",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "unsubscribe": "mailto:digest@monitor.example?subject=stop",
        **digest,
    }
    return parse_settings({"store": {"path": str(tmp_path / "monitor.db")}, "digest": section})


def fast_sender(settings: Settings, **kwargs: Any) -> SmtpSender:
    """The real sender with a short timeout and millisecond retry sleeps."""
    config = replace(smtp_config(settings), timeout_s=5.0)
    return SmtpSender(config, retry=RetryPolicy(attempts=2, base_delay_s=0.01), **kwargs)
