"""What follows the story on its page: pointers to other stories and links back to a listing."""

from __future__ import annotations

import pytest

from veille.core.fulltext.extract import SiteRule, extract

URL = "https://www.stadtblatt.example/lokales/2026/03/faehre.html"

STORY = "".join(
    f"<p>Absatz {n}: Der Stadtrat hat am Dienstag nach langer Debatte beschlossen, die Fähre"
    f" zur Insel wieder fahren zu lassen, und die Kosten, Fahrpläne und Preise genannt.</p>"
    for n in range(6)
)


def _page(after: str, *, before: str = "") -> bytes:
    return (
        '<html lang="de"><head><title>Die Fähre fährt wieder</title>'
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1>Die Fähre fährt wieder</h1><div class="text">{before}{STORY}{after}'
        "</div></article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "heading",
    [
        "Auch interessant:",
        "Das Thema könnte dich auch interessieren:",
        "Lesen Sie auch die folgenden Beiträge:",
        "Weitere Beiträge aus der Kolumne:",
        "Empfohlene Beiträge",
        "Zum Weiterlesen:",
        "Le puede interesar:",
    ],
)
def test_a_heading_announcing_other_stories_goes_with_their_links(heading: str) -> None:
    after = (
        f"<p><strong>{heading}</strong></p>"
        '<p><a href="/a.html">Der Hafen bekommt einen neuen Kran</a></p>'
    )
    text = extract(_page(after), URL).text
    assert "Absatz 5: Der Stadtrat" in text
    assert heading.rstrip(":") not in text
    assert "neuen Kran" not in text


def test_a_heading_followed_by_a_comment_leaves_the_story_whole() -> None:
    """What follows a teaser heading may be a comment, which has no text to weigh."""
    after = "<p>Auch interessant:</p><!-- teaser -->"
    for rule in (None, SiteRule(content="article")):
        text = extract(_page(after), URL, rule=rule).text
        assert "Absatz 5: Der Stadtrat" in text
        assert "Auch interessant" not in text


@pytest.mark.parametrize(
    "link", ["« Zurück zur Übersicht", "zurück", "Zurück zum Newsroom", "Back to the list"]
)
def test_a_link_back_to_the_listing_is_not_part_of_the_story(link: str) -> None:
    text = extract(_page(f'<p><a href="/presse">{link}</a></p>'), URL).text
    assert "Absatz 5: Der Stadtrat" in text
    assert link not in text


def test_the_word_back_in_the_story_or_in_a_link_of_a_sentence_stays() -> None:
    before = (
        "<ul><li>Die Fähre fährt hin und kommt am Abend wieder zurück</li></ul>"
        '<p>Der Kapitän kennt die Strecke: <a href="/k.html">zurück</a> fährt er sie blind.</p>'
    )
    text = extract(_page("", before=before), URL).text
    assert "kommt am Abend wieder zurück" in text
    assert "zurück fährt er sie blind" in text


@pytest.mark.parametrize(
    "line",
    [
        "War der Artikel nützlich?",
        "Möchten Sie den Artikel teilen?",
        "We want to hear what you think about this article. Write to the letters desk.",
        "If you enjoyed reading this post, please consider a donation.",
        "Aktualisiert am 3. März 2026, 14:05 Uhr",
        "Letzte Änderung: 03.03.2026",
        "Last modified: March 3, 2026",
        "Foto: Stadtarchiv / K. Müller",
        "Titelbild:",
        "Der alte Anleger im Winter (Foto: Stadtarchiv)",
        "Keine Kommentare",
        "(Noch keine Bewertungen)",
        "Kategorie: Lokales",
        "Rezept drucken",
        "Dieses Interview als PDF herunterladen",
        "View Comments",
        "*Werbung. Dieser Beitrag enthält Werbung für eine Reederei.",
        "ANZEIGE - Heute mal ausgehen? Wie wäre es mit:",
    ],
)
def test_lines_about_the_page_itself_are_not_part_of_the_story(line: str) -> None:
    text = extract(_page(f"<p>{line}</p>", before=f"<p>{line}</p>"), URL).text
    assert "Absatz 5: Der Stadtrat" in text
    assert line not in text


def test_an_inline_pointer_to_another_story_goes() -> None:
    after = '<p>LE PUEDE INTERESAR: <a href="/b.html">El puerto tendrá una grúa nueva</a></p>'
    text = extract(_page(after), URL).text
    assert "LE PUEDE INTERESAR" not in text
    assert "grúa nueva" not in text


def test_a_sentence_about_a_photo_or_an_advert_stays() -> None:
    for line in (
        "Das Foto zeigt den alten Anleger im Jahr 1950, als die Fähre noch dampfte.",
        "Werbung für die Fähre machte die Stadt schon damals auf jedem Plakat.",
    ):
        assert line in extract(_page(f"<p>{line}</p>"), URL).text
