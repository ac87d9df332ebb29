"""Authorities named by a descriptor the gazetteer does not list (real trackers and news)."""

from __future__ import annotations

import pytest

from monitor.classify.authorities import find_authorities, mentions_authority
from monitor.classify.fields import extract_fields


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("The Spanish DPA fined a bank for unsolicited calls.", "AEPD", "ES"),
        ("The Hellenic DPA imposed a fine on a hospital.", "HDPA", "GR"),
        ("The Italian supervisory authority reprimanded a school.", "Garante", "IT"),
        ("The DPA of Hesse fined an insurer.", "Hesse data protection authority", "DE"),
        ("U.S. regulators fined the brokerage $5 million.", "U.S. regulators", "US"),
        ("Le régulateur russe a bloqué le réseau social.", "régulateur russe", "RU"),
        ("La cour d'appel de Paris a confirmé l'amende.", "cour d'appel de Paris", "FR"),
        ("Le tribunal de Marseille a condamné l'entreprise.", "tribunal de Marseille", "FR"),
        ("NASD fined the firm $250,000.", "NASD", "US"),
    ],
)
def test_descriptors_name_the_authority_and_its_country(text: str, name: str, country: str) -> None:
    [found] = find_authorities(text)
    assert (found.name, found.country) == (name, country)
    assert mentions_authority(text)


def test_a_placeless_descriptor_stands_in_only_when_nothing_else_is_named() -> None:
    [generic] = find_authorities("The DPA fined a controller €5,000 after its DPO failed to reply.")
    assert (generic.name, generic.kind, generic.country) == ("DPA", "generic", "")
    # the named body wins; the placeless "the regulator" that repeats it is not a second one
    names = [m.name for m in find_authorities("The ICO fined the firm. The regulator said...")]
    assert names == ["ICO"]
    # a generic descriptor is not an authority cue for the head, and its country is unknown
    assert not mentions_authority("The DPA fined a controller.")
    fields = extract_fields("", "The DPA fined a controller €5,000 for a late reply.", "en")
    assert (fields.authority, fields.country, fields.amount) == ("DPA", None, 5000)


@pytest.mark.parametrize(
    "text",
    [
        "He has the authority to act.",  # lower case: the word, not a body
        "Let us authorities decide.",  # "us" is not the US
        "The Authority of the Commission",
    ],
)
def test_words_that_are_not_descriptors(text: str) -> None:
    assert all(m.kind != "descriptor" for m in find_authorities(text))
