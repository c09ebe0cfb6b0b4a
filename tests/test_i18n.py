"""Dates and typography as a French or English reader expects them in a press review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from veille.core.i18n import LABELS, format_date, format_datetime, french_typography, month_name

NBSP, NNBSP = "\u00a0", "\u202f"


def test_dates_in_french_and_english() -> None:
    assert format_date(datetime(2026, 2, 5, tzinfo=UTC), "fr") == "5 février 2026"
    assert format_date(datetime(2026, 3, 1, tzinfo=UTC), "fr") == "1er mars 2026"
    assert format_date(datetime(2026, 3, 1, tzinfo=UTC), "en") == "1 March 2026"
    assert format_date(datetime(2026, 8, 15), "fr-FR") == "15 août 2026"
    assert format_date(datetime(2026, 12, 25), "de") == "25 December 2026"  # unknown: English
    assert [month_name(m, "fr") for m in (1, 2, 12)] == ["janvier", "février", "décembre"]
    with pytest.raises(ValueError):
        month_name(13, "fr")


def test_datetime_keeps_its_own_zone_unless_told() -> None:
    d = datetime(2026, 2, 5, 16, 20, tzinfo=UTC)
    assert format_datetime(d, "fr") == "5 février 2026 à 16:20"
    assert format_datetime(d, "en") == "5 February 2026, 16:20"
    paris = timezone(timedelta(hours=1))
    assert format_datetime(d, "fr", tz=paris) == "5 février 2026 à 17:20"
    assert format_datetime(datetime(2026, 2, 5, 23, 30, tzinfo=UTC), "fr", tz=paris) == (
        "6 février 2026 à 00:30"
    )


def test_french_spacing() -> None:
    assert french_typography("Note: voir ci-dessous") == f"Note{NBSP}: voir ci-dessous"
    assert french_typography("Vraiment ? Oui! Non;") == f"Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP};"
    assert french_typography("« Bonjour »") == f"«{NNBSP}Bonjour{NNBSP}»"
    assert french_typography('Il a dit "stop" hier') == f"Il a dit «{NNBSP}stop{NNBSP}» hier"


def test_urls_times_and_addresses_are_left_alone() -> None:
    text = "Lire https://cnil.fr/a?b=1;c=2! à 16:20 ou écrire à presse@cnil.fr ; merci"
    out = french_typography(text)
    assert "https://cnil.fr/a?b=1;c=2!" in out and "16:20" in out and "presse@cnil.fr" in out
    assert out.endswith(f"presse@cnil.fr{NNBSP}; merci")
    assert french_typography("mailto:a@b.fr") == "mailto:a@b.fr"


@pytest.mark.parametrize("text", ['Note : a ; b ? « c » "d" !', "x:y", "Quoi?!", ""])
def test_typography_is_idempotent(text: str) -> None:
    once = french_typography(text)
    assert french_typography(once) == once


def test_labels_cover_both_languages() -> None:
    assert LABELS["fr"]["press_review"] == "Revue de presse"
    assert LABELS["en"]["press_review"] == "Press review"
    assert LABELS["fr"]["generated_on"] == "Établie le"
    assert set(LABELS["fr"]) == set(LABELS["en"])
