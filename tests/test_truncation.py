"""Truncation detection over French and English teasers, paywalls and complete articles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veille.core.ingest.truncation import detect_truncation

# Long, complete bodies: what a feed that publishes whole articles sends.
LONG_FR = " ".join(
    f"<p>Paragraphe {n} : la formation restreinte de la CNIL a examiné le dossier en détail, "
    "entendu les parties et rendu une décision motivée sur chacun des manquements relevés.</p>"
    for n in range(12)
)
LONG_EN = " ".join(
    f"<p>Paragraph {n}: the regulator reviewed the case in detail, heard both parties and "
    "issued a reasoned decision on each of the breaches it had identified.</p>"
    for n in range(12)
)
TEASER_FR = "La CNIL a infligé une amende record à un courtier en données personnelles."
TEASER_EN = "The regulator fined a data broker a record amount for consent failures."

CASES = [
    # (id, title, summary, content, typical, expected reason fragment or None)
    (
        "le-monde-paywall",
        "Amende",
        TEASER_FR,
        f"<p>{TEASER_FR}</p><p>Il reste 88 % de l'article à découvrir.</p>",
        None,
        "paywall marker « Il reste 88 % de l'article à découvrir »",
    ),
    (
        "reste-typographic",
        "Amende",
        "",
        f"<p>{TEASER_FR} Il reste 64% de l’article à lire</p>",
        None,
        "paywall marker",
    ),
    (
        "lire-la-suite",
        "Amende",
        "",
        f"<p>{TEASER_FR}</p><p><a href='/x'>Lire la suite</a></p>",
        None,
        "ends with a read-more link",
    ),
    (
        "lire-la-suite-arrow",
        "Amende",
        "",
        f"<p>{TEASER_FR} Lire la suite →</p>",
        None,
        "ends with a read-more link",
    ),
    (
        "reservee-abonnes",
        "Amende",
        "",
        f"<p>{TEASER_FR}</p><p>La suite est réservée aux abonnés.</p>",
        None,
        "paywall marker",
    ),
    (
        "article-reserve",
        "Amende",
        "",
        f"<p>Article réservé aux abonnés</p><p>{TEASER_FR}</p>",
        None,
        "paywall marker",
    ),
    (
        "cet-article-reserve",
        "Amende",
        "",
        f"<p>{TEASER_FR} Cet article est réservé à nos abonnés.</p>",
        None,
        "paywall marker",
    ),
    (
        "bracket-ellipsis-fr",
        "Amende",
        "",
        f"<p>{TEASER_FR} Les associations saluent […]</p>",
        None,
        "ends with an ellipsis",
    ),
    (
        "bracket-dots",
        "Fine",
        "",
        f"<p>{TEASER_EN} Campaigners welcomed [...]</p>",
        None,
        "ends with an ellipsis",
    ),
    (
        "trailing-ellipsis",
        "Fine",
        "",
        f"<p>{TEASER_EN} The company said it would…</p>",
        None,
        "ends with an ellipsis",
    ),
    (
        "trailing-dots",
        "Fine",
        "",
        f"<p>{TEASER_EN} The company said it would...</p>",
        None,
        "ends with an ellipsis",
    ),
    (
        "read-more",
        "Fine",
        "",
        f"<p>{TEASER_EN}</p><p><a href='/x'>Read more</a></p>",
        None,
        "ends with a read-more link",
    ),
    (
        "continue-reading",
        "Fine",
        "",
        f"<p>{TEASER_EN} Continue reading »</p>",
        None,
        "ends with a read-more link",
    ),
    (
        "subscribe-to-read",
        "Fine",
        "",
        f"<p>{TEASER_EN}</p><p>Subscribe to read</p>",
        None,
        "paywall marker",
    ),
    (
        "wordpress-short",
        "Fine",
        "",
        f"<p>{TEASER_EN}</p><p>The post <a href='/p'>Fine</a> appeared first on "
        "<a href='/'>Example Blog</a>.</p>",
        None,
        "ends with a link to the original post",
    ),
    ("summary-only-fr", "Amende", f"<p>{TEASER_FR}</p>", "", None, "the body is only the summary"),
    ("content-equals-summary", "Fine", TEASER_EN, TEASER_EN, None, "the body is only the summary"),
    (
        "shorter-than-usual",
        "Fine",
        "",
        f"<p>{TEASER_EN} " * 8 + "</p>",
        6000,
        "much shorter than this feed's usual items",
    ),
    # Negatives: complete articles must not be flagged.
    ("long-fr-complete", "Amende", TEASER_FR, LONG_FR, None, None),
    ("long-en-complete", "Fine", TEASER_EN, LONG_EN, None, None),
    (
        "lire-la-suite-mid-text",
        "Amende",
        TEASER_FR,
        LONG_FR[:900] + "<p>Il a refusé de lire la suite du rapport en séance.</p>" + LONG_FR[900:],
        None,
        None,
    ),
    (
        "read-more-mid-text",
        "Fine",
        TEASER_EN,
        LONG_EN[:900] + "<p>Read more about it in our explainer below.</p>" + LONG_EN[900:],
        None,
        None,
    ),
    (
        "wordpress-long",
        "Fine",
        "",
        LONG_EN + "<p>The post <a href='/p'>Fine</a> appeared first on <a href='/'>Blog</a>.</p>",
        None,
        None,
    ),
    ("typical-but-long-enough", "Fine", "", LONG_EN, 20000, None),
    ("ellipsis-mid-text", "Amende", TEASER_FR, "<p>Et puis… rien.</p>" + LONG_FR, None, None),
    ("empty-item", "Amende", "", "", None, None),
]


@pytest.mark.parametrize(
    ("title", "summary", "content", "typical", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_detect_truncation(
    title: str, summary: str, content: str, typical: int | None, expected: str | None
) -> None:
    reason = detect_truncation(title, summary, content, typical_length=typical)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None
        assert reason.startswith(expected)


def test_paywall_reason_quotes_the_page_words() -> None:
    reason = detect_truncation(
        "t", "", "<p>Début.</p><p>Il reste 42 % de l'article à découvrir</p>"
    )
    assert reason == "paywall marker « Il reste 42 % de l'article à découvrir »"


def test_markup_in_the_summary_is_judged_as_text() -> None:
    # "Lire la suite" inside an attribute is not text the reader sees.
    html = f"<p title='Lire la suite'>{LONG_FR}</p>"
    assert detect_truncation("t", "", html) is None


_PHRASES = (
    "Lire la suite",
    "la suite de l'article",
    "continuer la lecture",
    "voir la suite",
    "READ MORE",
    "Continue reading",
    "read the full story",
    "Keep Reading",
    "read full article",
)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(_PHRASES),
            st.text(alphabet="abcdeilrstuCDELRSTU ıſK.…!\n", max_size=12),
        ),
        max_size=6,
    ).map("".join)
)
def test_the_read_more_shortcut_never_skips_a_phrase_the_pattern_finds(tail: str) -> None:
    from veille.core.ingest.truncation import _READ_MORE, _may_read_more

    assert _may_read_more(tail) or not _READ_MORE.search(tail)
