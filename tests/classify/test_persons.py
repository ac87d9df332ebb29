"""Person names among targets: investigations of people are not investigations of firms."""

from __future__ import annotations

import pytest

from monitor.classify.persons import is_person


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Eric Zemmour", True),
        ("Jean-Jacques Bourdin", True),
        ("Hervé de Kervasdoué", True),
        ("Keir Starmer", True),
        ("Clearview AI", False),
        ("Jean Coutu Group", False),
        ("Paul Hastings LLP", False),
        ("Eric Zemmour et ses proches", False),
        ("Zemmour", False),
        (None, False),
    ],
)
def test_is_person(name: str | None, person: bool) -> None:
    assert is_person(name) is person
