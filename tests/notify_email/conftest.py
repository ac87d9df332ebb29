"""Fixtures for the digest email tests: SMTP servers, a test certificate, a seeded store."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store import Store

from .digest_seed import seed_day
from .smtp_helpers import SmtpServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def auth_smtp_server() -> Iterator[SmtpServer]:
    """Plain SMTP that offers AUTH (LOGIN, PLAIN) without TLS, as some relays on a LAN do."""
    server = SmtpServer(authenticator=True, auth_require_tls=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (needs the openssl binary)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
    except (FileNotFoundError, subprocess.CalledProcessError) as e:
        pytest.skip(f"cannot make a test certificate with openssl: {e}")
    return cert, key


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[Store, dict[str, int]]]:
    """A store holding the sample stories of 2022-05-23."""
    store = Store(tmp_path / "monitor.db")
    ids = seed_day(store.db)
    yield store, ids
    store.close()
