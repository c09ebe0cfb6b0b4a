"""Truncation detection over French and English teasers, paywalls and complete articles."""

from __future__ import annotations

from pathlib import Path

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


# --- cut-offs as each kind of publisher words them, on long bodies ------------------------

OFFER = (
    "<p>Déjà abonné ? <a href='/connexion'>Se connecter</a></p>"
    "<p>Offre découverte : 1 € le premier mois, sans engagement, résiliable en ligne.</p>"
)
# Several paragraphs of a teaser: long enough that no length rule would call it cut.
LONG_TEASER_FR = LONG_FR[: len(LONG_FR) // 2]

CUT_OFFS_FR = [
    ("reste-decouvrir", "Il vous reste 85 % à découvrir.", "Il vous reste 85 % à découvrir"),
    (
        "reste-article-lire",
        "Il vous reste 72% de cet article à lire.",
        "Il vous reste 72% de cet article à lire",
    ),
    ("reserve-nos-abonnes", "Article réservé à nos abonnés", "Article réservé à nos abonnés"),
    ("reserve-abonnes", "Réservé aux abonnés", "Réservé aux abonnés"),
    (
        "suite-reservee",
        "La suite de cet article est réservée aux abonnés.",
        "La suite de cet article est réservée aux abonnés",
    ),
    (
        "pour-lire-la-suite",
        "Pour lire la suite, abonnez-vous.",
        "Pour lire la suite, abonnez-vous",
    ),
    (
        "abonnez-vous-suite",
        "Abonnez-vous pour lire la suite de cet article.",
        "Abonnez-vous pour lire la suite",
    ),
    (
        "cet-article-reserve",
        "Cet article est réservé aux abonnés. Vous souhaitez lire la suite ?",
        "Cet article est réservé aux abonnés",
    ),
    (
        "lecture-reservee",
        "La lecture des articles est réservée aux abonnés.",
        "La lecture des articles est réservée aux abonnés",
    ),
    (
        "devez-etre-abonne",
        "Vous devez être abonné pour lire la suite de cet article.",
        "Vous devez être abonné pour lire la suite",
    ),
    (
        "contenu-reserve",
        "Ce contenu est réservé aux abonnés premium.",
        "Ce contenu est réservé aux abonnés premium",
    ),
    (
        "continuer-consulter",
        "Pour continuer à consulter nos articles et nous soutenir, abonnez-vous dès maintenant.",
        "Pour continuer à consulter nos articles et nous soutenir, abonnez-vous",
    ),
    ("acces-abonnes", "Accès abonnés", "Accès abonnés"),
]
CUT_OFFS_EN = [
    ("subscribe-continue", "Subscribe to continue reading.", "Subscribe to continue reading"),
    (
        "to-continue-reading",
        "To continue reading, subscribe now.",
        "To continue reading, subscribe",
    ),
    (
        "subscribers-only",
        "This article is only available to subscribers.",
        "This article is only available to subscribers",
    ),
    (
        "rest-for-members",
        "The rest of this story is available to members.",
        "The rest of this story is available to members",
    ),
    (
        "free-limit",
        "You have reached your limit of free articles this month.",
        "You have reached your limit of free articles",
    ),
]


@pytest.mark.parametrize(
    ("marker", "words"),
    [(m, w) for _, m, w in CUT_OFFS_FR],
    ids=[i for i, _, _ in CUT_OFFS_FR],
)
def test_french_cut_offs_end_a_long_teaser(marker: str, words: str) -> None:
    content = f"{LONG_TEASER_FR}<p>{marker}</p>{OFFER}"
    assert detect_truncation("Amende", "", content) == f"paywall marker « {words} »"


@pytest.mark.parametrize(
    ("marker", "words"),
    [(m, w) for _, m, w in CUT_OFFS_EN],
    ids=[i for i, _, _ in CUT_OFFS_EN],
)
def test_english_cut_offs_end_a_long_teaser(marker: str, words: str) -> None:
    content = f"{LONG_EN[: len(LONG_EN) // 2]}<p>{marker}</p><p>Already a subscriber? Sign in</p>"
    assert detect_truncation("Fine", "", content) == f"paywall marker « {words} »"


def test_a_label_atop_a_short_teaser_counts() -> None:
    content = f"<p>Article réservé à nos abonnés</p><p>{TEASER_FR}</p>{OFFER}"
    assert detect_truncation("Amende", "", content) is not None


def test_read_more_on_the_publishers_site_ends_a_long_teaser() -> None:
    content = f"{LONG_TEASER_FR}<p><a href='https://www.lemonde.fr/x'>Lire la suite sur lemonde.fr</a></p>"
    assert detect_truncation("Amende", "", content) == "ends with a read-more link"


@pytest.mark.parametrize(
    "content",
    [
        # A label atop an article the subscriber reads in full.
        f"<p>Article réservé à nos abonnés</p>{LONG_FR}",
        # An article about paywalls that quotes their words.
        f"{LONG_FR[:2000]}<p>Le site affiche alors « Il vous reste 85 % à découvrir », ce que "
        f"les lecteurs jugent agaçant.</p>{LONG_FR[2000:]}",
        f"{LONG_FR[:2000]}<p>The banner says “Subscribe to continue reading” on every page."
        f"</p>{LONG_FR[2000:]}",
        # Comments, not the article, are for subscribers.
        f"{LONG_FR}<p>L’espace des contributions est réservé aux abonnés. Abonnez-vous pour "
        "accéder à cet espace d’échange et contribuer à la discussion.</p>",
    ],
    ids=["label-on-full-article", "quoted-fr", "quoted-en", "contributions-reserved"],
)
def test_whole_articles_that_mention_a_cut_off_are_not_cut(content: str) -> None:
    assert detect_truncation("Amende", "", content) is None


@pytest.mark.corpus
def test_a_real_free_article_with_a_subscribers_comment_space_is_whole(corpora: Path) -> None:
    from veille.core.fulltext.extract import extract

    folder = corpora / "graby" / "tests" / "fixtures" / "content"
    page = folder / (
        "https___www.lemonde.fr_actualite-medias_article_2015_04_12_radio-france-vers-une-"
        "sortie-du-conflit_4614610_3236.html"
    )
    if not page.is_file():
        pytest.skip("graby's Le Monde page is not present")
    article = extract(page.read_bytes(), "https://www.lemonde.fr/actualite-medias/article.html")
    assert article.cut == ""
    assert detect_truncation(article.title, "", article.text) is None


@given(
    article=st.integers(min_value=0, max_value=60_000),
    after=st.integers(min_value=0, max_value=1_400),
)
def test_a_cut_off_counts_by_what_follows_it_however_long_the_article(
    article: int, after: int
) -> None:
    """Only the end of a long text is searched for its cut-off words: the words are found at
    the end of any article, and never where a whole article's worth of text follows them."""
    from veille.core.ingest.truncation import paywall_marker

    words = (" to be read, la suite au prochain numéro, 15 % des élèves" * 2000)[:article]
    offer = " abonnez-vous" * (after // 13)
    cut = "Il vous reste 72 % de l'article à découvrir"
    assert paywall_marker(f"{words} {cut}.{offer}") == cut
    assert paywall_marker(f"{cut}. {words}{offer} {'x' * 20_000}") is None
