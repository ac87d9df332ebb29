"""Every measure a sanction story reports: the main action and the others."""

from __future__ import annotations

import pytest

from monitor.classify.fields import extract_fields


@pytest.mark.parametrize(
    ("title", "text", "lang", "action", "measures"),
    [
        (
            "UK watchdog fines Clearview AI £7.5m",
            "The ICO fined Clearview AI Inc £7,552,800 and ordered it to delete the data of UK "
            "residents and to stop collecting it.",
            "en",
            "fine",
            ("delete_data", "stop_processing"),
        ),
        (
            "Clearview AI sanctionnée au Royaume-Uni",
            "L'ICO inflige une amende de 7,5 millions de livres à Clearview AI et lui ordonne "
            "d'effacer les données des résidents britanniques.",
            "fr",
            "fine",
            ("delete_data",),
        ),
        (
            "La CNIL met en demeure un site de rencontre",
            "La CNIL a mis en demeure la société Lovix de se mettre en conformité dans un délai "
            "de trois mois.",
            "fr",
            "formal_notice",
            ("comply",),
        ),
        (
            "Regulator fines lender £2m and bans it from new business",
            "The FCA fined Quidly £2m and banned it from taking on new customers.",
            "en",
            "fine",
            ("ban",),
        ),
        (
            "Regulator fines lender £2m",
            "The FCA fined Quidly £2m. It could also be ordered to delete customer data.",
            "en",
            "fine",
            (),  # a possible order is not a measure
        ),
    ],
)
def test_measures_besides_the_action(
    title: str, text: str, lang: str, action: str, measures: tuple[str, ...]
) -> None:
    fields = extract_fields(title, text, lang)
    assert (fields.action, fields.measures) == (action, measures)


def test_an_investigation_reports_no_measure() -> None:
    fields = extract_fields(
        "CNIL opens probe", "The CNIL ordered the firm to delete the data.", "en", imposed=False
    )
    assert fields.action is None and fields.measures == ()
