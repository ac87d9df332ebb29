"""Config validation: every error names the key and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_settings, parse_settings
from monitor.errors import ConfigError

REPO = Path(__file__).parent.parent
FEED = {"name": "a", "url": "https://example.org/feed.xml"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": "blue"}, "colour: unknown key"),
        ({"fetch": {"max_byte": 1}}, "fetch.max_byte: unknown key"),
        ({"fetch": {"max_bytes": "10MB"}}, "fetch.max_bytes: must be an integer"),
        ({"fetch": {"total_timeout": True}}, "fetch.total_timeout: must be a number"),
        ({"feeds": [{"name": "a", "url": "ftp://x.org/f"}]}, r"feeds\[0\].url: bad URL"),
        ({"feeds": [{"name": "a", "url": "not a url"}]}, r"feeds\[0\].url: bad URL"),
        ({"feeds": [{"url": "https://x.org/f"}]}, r"feeds\[0\].name: required key is missing"),
        ({"feeds": [FEED, FEED]}, r"feeds\[1\].name: duplicate feed name"),
        ({"feeds": [dict(FEED, interval=5)]}, r"feeds\[0\].interval: must be at least 60"),
        ({"feeds": {"name": "a"}}, "feeds: must be an array"),
        ({"classify": {"backend": "bert"}}, "classify.backend: must be one of"),
        (
            {"notify": {"telegram": {"enabled": True, "token_env": "NM_TEST_UNSET_TOKEN"}}},
            "notify.telegram.token_env: environment variable NM_TEST_UNSET_TOKEN is not set",
        ),
        (
            {"digest": {"enabled": True, "smtp_password_env": "NM_TEST_UNSET_PW"}},
            "digest.smtp_password_env: environment variable NM_TEST_UNSET_PW is not set",
        ),
    ],
)
def test_invalid_config_names_key_and_reason(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(data)


def test_secret_comes_from_the_named_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NM_TEST_TOKEN", "123:abc")
    s = parse_settings({"notify": {"telegram": {"enabled": True, "token_env": "NM_TEST_TOKEN"}}})
    assert s.secrets["NM_TEST_TOKEN"] == "123:abc"


def test_defaults_apply_and_file_overrides_only_its_keys(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[fetch]\nmax_bytes = 1000\n[[feeds]]\nname = "x"\nurl = "https://e.org/f"\n')
    s = load_settings(cfg)
    assert s.fetch.max_bytes == 1000 and s.fetch.total_timeout == 30.0
    assert s.store_path() == tmp_path / "monitor.db"  # default, beside the config file
    assert load_settings(cfg, db=str(tmp_path / "o.db")).store_path() == tmp_path / "o.db"


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_shipped_config_is_valid_and_uses_the_demo() -> None:
    s = load_settings(REPO / "config.toml")
    assert s.uses_demo and len(s.feeds) >= 3
    assert {f.lang for f in s.feeds} >= {"en", "fr"}
