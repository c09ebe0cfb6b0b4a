"""The search language against a real library on disk: each filter finds what a reader expects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.storing import ingest
from veille.core.library import Library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.query import QueryError

NOW = datetime.now(UTC)


@pytest.fixture
def titles(lib: Library) -> dict[str, int]:
    """A small French/English library; returns item ids by title."""
    monde = lib.add_feed("https://www.lemonde.fr/rss/une.xml", folder="Presse/Quotidiens")
    ink = lib.add_feed("https://next.ink/feed/?key=SECRET", folder="Tech")
    bbc = lib.add_feed("https://feeds.bbci.co.uk/news/rss.xml", folder="Presse/Anglais")

    def e(title: str, days: float, text: str = "", author: str = "", lang: str = "") -> ParsedEntry:
        return ParsedEntry(
            guid=title,
            link=f"https://example.org/{abs(hash(title))}",
            title=title,
            summary=f"<p>{text}</p>",
            author=author,
            published=NOW - timedelta(days=days),
            language=lang,
        )

    ingest(
        lib,
        monde.id,
        ParsedFeed(
            title="Le Monde",
            language="fr-FR",
            entries=[
                e(
                    "La CNIL sanctionne un géant du numérique",
                    1,
                    "Une amende pour la sécurité des données.",
                    author="Martine Dupont",
                ),
                e("Reconnaissance faciale : le débat revient", 10, "La biométrie dans les gares."),
            ],
        ),
        status=200,
    )
    ingest(
        lib,
        ink.id,
        ParsedFeed(
            title="Next",
            entries=[
                e("Sécurité des mots de passe", 2, "Des conseils pratiques.", lang="fr"),
                e("Un pare-feu pour tous", 40, "Réseau et securite."),
            ],
        ),
        status=200,
    )
    ingest(
        lib,
        bbc.id,
        ParsedFeed(
            title="BBC News",
            language="en-GB",
            entries=[
                e(
                    "Facial recognition in stations",
                    3,
                    "Biometric checks expand.",
                    author="Jo Smith",
                ),
                e("Ägypten and the Nile", 5, "A report on Ägy."),
            ],
        ),
        status=200,
    )
    ids = {item.title: item.id for item in lib.items("")}
    lib.tag([ids["La CNIL sanctionne un géant du numérique"]], add=["CNIL/Sanctions"])
    lib.tag([ids["Reconnaissance faciale : le débat revient"]], add=["surveillance/biométrie"])
    lib.set_starred([ids["Facial recognition in stations"]])
    lib.set_read([ids["Un pare-feu pour tous"]])
    lib.set_note(ids["Sécurité des mots de passe"], "À relire avant la réunion de lundi")
    return ids


def found(lib: Library, query: str) -> set[str]:
    return {item.title for item in lib.items(query)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "securite",
            {
                "La CNIL sanctionne un géant du numérique",
                "Sécurité des mots de passe",
                "Un pare-feu pour tous",
            },
        ),
        ("SÉCURITÉ mots", {"Sécurité des mots de passe"}),
        ("ägy", {"Ägypten and the Nile"}),
        ("agy*", {"Ägypten and the Nile"}),
        ('"reconnaissance faciale" OR biometrie', {"Reconnaissance faciale : le débat revient"}),
        (
            "biometri*",
            {"Reconnaissance faciale : le débat revient", "Facial recognition in stations"},
        ),
        ("securite -passe", {"La CNIL sanctionne un géant du numérique", "Un pare-feu pour tous"}),
        ("tag:cnil", {"La CNIL sanctionne un géant du numérique"}),
        ("tag:cnil/sanctions", {"La CNIL sanctionne un géant du numérique"}),
        ("tag:CNIL/sanct", set()),
        ("tag:surveillance -tag:cnil", {"Reconnaissance faciale : le débat revient"}),
        ("is:starred", {"Facial recognition in stations"}),
        ("is:read", {"Un pare-feu pour tous"}),
        ("has:note", {"Sécurité des mots de passe"}),
        ("relire", {"Sécurité des mots de passe"}),
        ("note:reunion", {"Sécurité des mots de passe"}),
        ("feed:next", {"Sécurité des mots de passe", "Un pare-feu pour tous"}),
        ("feed:bbci.co.uk", {"Facial recognition in stations", "Ägypten and the Nile"}),
        (
            "folder:presse -folder:presse/anglais",
            {
                "La CNIL sanctionne un géant du numérique",
                "Reconnaissance faciale : le débat revient",
            },
        ),
        ("author:dupont", {"La CNIL sanctionne un géant du numérique"}),
        ("title:securite", {"Sécurité des mots de passe"}),
        ("cnil author:dupont", {"La CNIL sanctionne un géant du numérique"}),
        ("cnil -!!", {"La CNIL sanctionne un géant du numérique"}),
        ("securite title:mots", {"Sécurité des mots de passe"}),
        ("securite title:pare -author:dupont", {"Un pare-feu pour tous"}),
        ("passe title:cnil", set()),
        (
            "since:4d lang:fr",
            {"La CNIL sanctionne un géant du numérique", "Sécurité des mots de passe"},
        ),
        ("before:30d", {"Un pare-feu pour tous"}),
        ("lang:en (facial OR nile)", {"Facial recognition in stations", "Ägypten and the Nile"}),
        ("(cnil OR is:starred) -tag:cnil", {"Facial recognition in stations"}),
    ],
)
def test_each_filter_finds_what_a_reader_expects(
    lib: Library, titles: dict[str, int], query: str, expected: set[str]
) -> None:
    assert found(lib, query) == expected


def test_lang_takes_any_case_and_subtag_and_falls_back_to_the_feed(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/mixed.xml")
    ingest(
        lib,
        feed.id,
        ParsedFeed(
            title="Mixed",
            language="FR",
            entries=[
                ParsedEntry(
                    guid=lang or "none",
                    link=f"https://example.org/{lang}",
                    title=lang or "none",
                    published=NOW,
                    language=lang,
                )
                for lang in ("EN-us", "en", "english", "eng", "fr-CA", "")
            ],
        ),
        status=200,
    )
    # An entry without a language was stored with its feed's; one stored before the feed said
    # which it was takes the feed's at query time.
    lib.conn.execute("UPDATE items SET language = '' WHERE title = 'none'")
    assert found(lib, "lang:en") == {"EN-us", "en"}
    assert found(lib, "lang:EN-US") == {"EN-us"}
    assert found(lib, "lang:fr") == {"fr-CA", "none"}
    assert found(lib, "lang:eng") == {"eng"}


def test_id_and_dates_in_calendar_form(lib: Library, titles: dict[str, int]) -> None:
    some = titles["Ägypten and the Nile"]
    assert found(lib, f"id:{some}") == {"Ägypten and the Nile"}
    since = (NOW - timedelta(days=6)).strftime("%Y-%m-%d")
    assert "Ägypten and the Nile" in found(lib, f"since:{since}")
    assert "Un pare-feu pour tous" not in found(lib, f"since:{since}")


def test_a_bad_query_reaches_the_library_caller_as_a_located_error(
    lib: Library, titles: dict[str, int]
) -> None:
    with pytest.raises(QueryError, match="at column 5"):
        lib.items("tag:")


def test_hidden_items_show_only_where_the_query_names_them(
    lib: Library, titles: dict[str, int]
) -> None:
    """Whether hidden items are wanted is read from the parsed query, not its text: any
    spelling of the filter names them, a phrase that reads like it does not."""
    hidden = titles["Un pare-feu pour tous"]
    lib.set_hidden([hidden])
    lib.set_note(hidden, "is:hidden")
    for query in ("is:hidden", "IS:Hidden", "is:hidden OR tag:nulle-part"):
        assert [r.id for r in lib.rows(query)] == [hidden], query
    assert hidden in [r.id for r in lib.rows("-is:hidden OR is:hidden")]
    assert lib.count('"is:hidden"') == 0  # the note's words, but the item stays hidden
    assert lib.count('note:"is hidden"') == 0


def test_french_time_words_and_units_beside_the_english(
    lib: Library, titles: dict[str, int]
) -> None:
    recent = found(lib, "since:3j")
    assert {"La CNIL sanctionne un géant du numérique", "Sécurité des mots de passe"} <= recent
    assert "Reconnaissance faciale : le débat revient" not in recent
    assert "Un pare-feu pour tous" in found(lib, "before:2sem")
    pairs = [
        ("hier", "yesterday"),
        ("Aujourd'hui", "today"),
        ("aujourd’hui", "today"),
        ("1j", "1d"),
        ("2sem", "2w"),
        ("2mois", "2m"),
        ("1an", "1y"),
        ("2ans", "2y"),
    ]
    for french, english in pairs:
        for name in ("since", "before"):
            assert found(lib, f"{name}:{french}") == found(lib, f"{name}:{english}"), french


def test_words_find_their_other_forms_by_the_items_language(
    lib: Library, titles: dict[str, int]
) -> None:
    cnil = "La CNIL sanctionne un géant du numérique"  # « Une amende pour la sécurité… »
    assert cnil in found(lib, "amendes")
    assert cnil in found(lib, "sanctionné")
    assert cnil in found(lib, "sanctions")
    assert cnil not in found(lib, '"amendes"')  # a quoted word stays exact
    assert cnil not in found(lib, '"sanctions"')
    assert cnil in found(lib, '"amende"')
    assert cnil not in found(lib, "amendes*")  # so does a prefix
    assert cnil not in found(lib, "amendes -amende")
    assert lib.count("amendes") == len(found(lib, "amendes"))


def test_each_language_stems_only_its_own_items(lib: Library, titles: dict[str, int]) -> None:
    monde = next(f for f in lib.feeds() if "lemonde" in f.url)
    french = ParsedEntry(
        guid="checks-fr", link="https://example.org/checks", title="Des checks à la française",
        published=NOW - timedelta(days=1),
    )  # fmt: skip
    ingest(lib, monde.id, ParsedFeed(title="Le Monde", language="fr-FR", entries=[french]),
           status=200)  # fmt: skip
    # English forms (checking → checks) for the English item, not for the French one.
    assert found(lib, "checking") == {"Facial recognition in stations"}
    assert "Des checks à la française" in found(lib, "checks")
    # French forms (biométrique → biométrie) for the French item only.
    assert found(lib, "biométrique") == {"Reconnaissance faciale : le débat revient"}
