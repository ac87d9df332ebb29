"""Full-text search: diacritics folding, filters, snippets, and untrusted input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.store.search import fts_query, search_articles, since_bound


@pytest.fixture
def conn(shared_db: Path):  # type: ignore[no-untyped-def]
    c = sqlite3.connect(f"file:{shared_db}?mode=ro", uri=True)
    yield c
    c.close()


def ids(hits) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.article_id for h in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("societe", [2]),  # société
        ("SANCTIONNEE royaume", [2]),  # sanctionnée, Royaume-Uni: case and accents folded
        ("Régulation", []),  # only in a feed's outlet name, which is not indexed
        ('"Clearview AI" amende', [2]),  # a phrase and a word
        ("clearview ico", [2]),  # the English article spells the ICO out
        ("clearview regulator", [1]),
        ("\"C'est", [2]),  # stray quote, apostrophe
        ("c’est", [2]),  # typographic apostrophe
    ],
)
def test_finds_words_across_languages(conn, query: str, expected: list[int]) -> None:
    assert sorted(ids(search_articles(conn, query))) == expected


def test_snippet_highlights_the_match_in_the_original_spelling(conn) -> None:
    (hit,) = search_articles(conn, "societe")
    assert "[société]" in hit.snippet
    assert (hit.lang, hit.source, hit.label, hit.story_id) == (
        "fr",
        "Journal du Numérique",
        "enforcement",
        1,
    )
    assert hit.published == "2022-05-23T14:02:00+00:00"
    (hit,) = search_articles(conn, "societe", highlight=("<b>", "</b>"))
    assert "<b>société</b>" in hit.snippet


def test_prefix_search(conn) -> None:
    assert sorted(ids(search_articles(conn, "sanction*"))) == [2, 4, 5]
    assert ids(search_articles(conn, "sanction")) == [5]


def test_filters_label_lang_since_limit(conn) -> None:
    assert sorted(ids(search_articles(conn, "Google"))) == [3, 4, 7]
    assert sorted(ids(search_articles(conn, "Google", lang="fr"))) == [4]
    assert sorted(ids(search_articles(conn, "CNIL", label="enforcement"))) == [3, 4, 5]
    assert ids(search_articles(conn, "Clearview", label="other")) == [8]
    assert sorted(ids(search_articles(conn, "Google", since="2022-01-01"))) == [3, 4]
    assert sorted(ids(search_articles(conn, "Google", since="2022-01-06T12:00:00"))) == [4]
    assert len(search_articles(conn, "the", limit=2)) == 2
    # unclassified articles are found, with no label
    (hit,) = search_articles(conn, "Sénat")
    assert (hit.article_id, hit.label) == (13, None)


def test_best_match_first(conn) -> None:
    hits = search_articles(conn, "British Airways")
    assert set(ids(hits)) == {10, 11}
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)


@pytest.mark.parametrize("text", ["", "   ", "AND OR (", "(", '"', "***", "-", "NEAR(a b)"])
def test_operator_only_input_is_harmless(conn, text: str) -> None:
    hits = search_articles(conn, text)
    assert hits == [] or text == "NEAR(a b)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ICO fine", '"ICO" "fine"'),
        ('"Clearview AI" fine*', '"Clearview AI" "fine"*'),
        ('say "hi', '"say" "hi"'),
        ('a"b', '"a""b"'),
        ("title:ICO", '"title:ICO"'),
        ("AND OR (", '"AND" "OR"'),
        ('( ) * " -', None),
        ("x\x00y", '"xy"'),
    ],
)
def test_fts_query_quotes_every_term(text: str, expected: str | None) -> None:
    assert fts_query(text) == expected


FTS_NOISE = st.sampled_from(
    [
        '"',
        "'",
        "(",
        ")",
        "*",
        ":",
        "^",
        "-",
        "+",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(",
        "title:",
        "{",
        "}",
        ",",
        "\x00",
        "\ud800",
        "é",
        "C'est",
        "société",
        " ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(FTS_NOISE, st.text(max_size=8)), max_size=12).map("".join))
def test_any_user_text_is_a_valid_query(shared_db: Path, text: str) -> None:
    conn = sqlite3.connect(f"file:{shared_db}?mode=ro", uri=True)
    try:
        hits = search_articles(conn, text, lang="fr", limit=5)
    finally:
        conn.close()
    assert len(hits) <= 5
    assert all(h.lang == "fr" for h in hits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-05-01", "2022-05-01"),
        ("2022-05-01T10:00+02:00", "2022-05-01T08:00:00"),
        ("2022-05-01T10:00:00Z", "2022-05-01T10:00:00"),
        ("2022-05-01 10:00", "2022-05-01T10:00:00"),
    ],
)
def test_since_bound(text: str, expected: str) -> None:
    assert since_bound(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2022-13-01", "' OR 1=1 --", ""])
def test_since_bound_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="ISO-8601"):
        since_bound(text)


def test_cli_search_text(cli, shared_db: Path) -> None:
    result = cli(shared_db, "search", "societe")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "1 result for 'societe'"
    assert "#2 [fr] 2022-05-23  Journal du Numérique  (enforcement)" in lines
    assert any("[société]" in line for line in lines)
    assert "  https://journal-numerique.example/articles/2" in lines


def test_cli_search_json_with_filters(cli, shared_db: Path) -> None:
    result = cli(
        shared_db,
        "search",
        "Google",
        "--lang",
        "EN",
        "--label",
        "enforcement",
        "--since",
        "2020-01-01",
        "--limit",
        "5",
        "--json",
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert [h["article_id"] for h in hits] == [3]
    assert hits[0]["snippet"] and hits[0]["url"].endswith("/articles/3")


def test_cli_search_rejects_bad_options(cli, shared_db: Path) -> None:
    result = cli(shared_db, "search", "x", "--since", "last week")
    assert result.exit_code == 2 and "not an ISO-8601 date or time" in result.output
    result = cli(shared_db, "search", "x", "--label", "fine")
    assert result.exit_code == 2 and "'fine' is not one of" in result.output


def test_cli_search_odd_input_does_not_crash(cli, shared_db: Path) -> None:
    result = cli(shared_db, "search", "\"C'est", "AND", "OR", "(")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 results")
