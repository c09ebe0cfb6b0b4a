"""What follows the story on its page: pointers to other stories and links back to a listing."""

from __future__ import annotations

import pytest

from veille.core.fulltext.extract import extract

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
