"""The press review as its readers get it, in every format: each story once, under one section,
its other outlets named; typography by each text's language; excerpts without boilerplate;
links without tracking; and every file parses back as what it claims to be."""

from __future__ import annotations

import html as html_module
import io
import json
from collections.abc import Iterator
from pathlib import Path

import docx
import lxml.html
import pytest
import rispy
from markdown_it import MarkdownIt

from tests.csl_schema import problems
from tests.httpserver import LocalServer
from tests.reviewing import BOILERPLATE, STORY_TITLES, TRACKING, Selection, morning_selection
from veille.core import ExportOptions, Veille, open_veille

NBSP, NNBSP = "\u00a0", "\u202f"
REVIEW_FORMATS = ("md", "html", "docx", "csl", "ris", "text")
ENTRIES = {
    STORY_TITLES["Le Monde"],
    "Données de santé : êtes-vous prêts ?",
    "Sunday read: what the court said about biometrics",
    "Are they honest?",
}


@pytest.fixture
def morning(tmp_path: Path, local_server: LocalServer) -> Iterator[Selection]:
    with open_veille(tmp_path / "home") as v:
        yield morning_selection(v, local_server)


def review(v: Veille, fmt: str, **fields: object) -> str | bytes:
    options = v.export_options(lang="fr", group_by="tag", query="is:starred")
    for key, value in fields.items():
        setattr(options, key, value)
    done = v.export(fmt, options, query="is:starred")
    return done.data if fmt == "docx" else done.text


def plain(text: str) -> str:
    """Text as a reader compares it: typographic spaces as plain ones."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def docx_entries(data: bytes) -> tuple[list[str], str, list[str]]:
    """(entry titles, all the words, every link target) of a DOCX review."""
    document = docx.Document(io.BytesIO(data))
    titles = [
        "".join(t.text or "" for t in p._p.iter(docx.oxml.ns.qn("w:t")))
        for p in document.paragraphs
        if p.style.name == "Heading 2"
    ]
    words = "\n".join(
        "".join(t.text or "" for t in p._p.iter(docx.oxml.ns.qn("w:t")))
        for p in document.paragraphs
    )
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    return titles, words, links


def entry_titles(fmt: str, out: str | bytes) -> list[str]:
    """The titles of the review's entries, as each format's own reader finds them."""
    if fmt == "md":
        assert isinstance(out, str)
        page = lxml.html.fromstring(MarkdownIt("commonmark").render(out))
        return [h.text_content() for h in page.xpath("//h3")]
    if fmt == "html":
        assert isinstance(out, str)
        return [h.text_content() for h in lxml.html.fromstring(out).xpath("//article/h3")]
    if fmt == "docx":
        assert isinstance(out, bytes)
        return docx_entries(out)[0]
    if fmt == "csl":
        assert isinstance(out, str)
        return [record["title"] for record in json.loads(out)]
    if fmt == "ris":
        assert isinstance(out, str)
        return [record["title"] for record in rispy.loads(out)]
    assert isinstance(out, str)
    return [line[2:] for line in out.splitlines() if line.startswith("* ")]


@pytest.mark.parametrize("fmt", REVIEW_FORMATS)
def test_each_story_is_one_entry_in_every_format(morning: Selection, fmt: str) -> None:
    out = review(morning.veille, fmt)
    titles = [plain(t) for t in entry_titles(fmt, out)]
    assert sorted(titles) == sorted(ENTRIES)  # each story once, the two starred outlets folded
    words = docx_entries(out)[1] if isinstance(out, bytes) else out
    # The other outlets are named beside the lead, never as entries of their own.
    assert "Next" in words and "Libération" in words
    assert STORY_TITLES["Libération"] not in plain(words)


@pytest.mark.parametrize("fmt", REVIEW_FORMATS)
def test_no_boilerplate_and_no_tracking_parameter_in_any_format(
    morning: Selection, fmt: str
) -> None:
    out = review(morning.veille, fmt)
    if isinstance(out, bytes):
        _titles, words, links = docx_entries(out)
        assert links and all(not any(t in link for t in TRACKING) for link in links)
        assert "https://www.liberation.example/cnil?id=9" in links  # other parameters stay
    else:
        words = out
    for furniture in BOILERPLATE:
        assert furniture not in plain(words), furniture
    for tracker in TRACKING:
        assert tracker not in words, tracker
    # The excerpt comes from the cleaned full text, whole sentences only.
    assert "La formation restreinte de la CNIL a prononcé" in plain(words)
    assert "deuxième longue partie" not in words


def test_markdown_and_html_lay_out_one_section_per_story(morning: Selection) -> None:
    md = review(morning.veille, "md")
    assert isinstance(md, str)
    page = lxml.html.fromstring(MarkdownIt("commonmark").render(md))
    sections = [h.text_content() for h in page.xpath("//h2")]
    assert sections == ["biométrie", "cnil"]  # by name when no order is given
    assert f"4 sujets (5 articles{NBSP}:" in md  # the entries announced are the entries held
    lead = page.xpath("//h3/a")[
        [a.text_content() for a in page.xpath("//h3/a")].index(STORY_TITLES["Le Monde"])
    ]
    assert lead.get("href") == "https://www.lemonde.example/pixels/cnil"
    also = [p for p in page.xpath("//p") if p.text_content().startswith("Aussi dans")]
    assert len(also) == 1
    assert [(a.text_content(), a.get("href")) for a in also[0].xpath("a")] == [
        ("Next", "https://next.example/cnil-free"),
        ("Libération", "https://www.liberation.example/cnil?id=9"),
    ]
    # Its other tag is a quiet line; the note of the starred outlet that was not chosen stays.
    assert f"Étiquettes{NBSP}: #télécoms" in md
    assert "> À citer" in md


def test_tag_order_chooses_the_section_of_each_story(morning: Selection) -> None:
    md = review(morning.veille, "md", tags=("télécoms", "santé", "cnil"))
    assert isinstance(md, str)
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads == ["## télécoms", "## santé", "## cnil", "## biométrie"]
    telecoms = md.split("## télécoms")[1].split("## santé")[0]
    assert STORY_TITLES["Le Monde"] in telecoms and f"Étiquettes{NBSP}: #cnil" in telecoms


def test_typography_follows_the_language_of_each_text(morning: Selection) -> None:
    md = review(morning.veille, "md")
    assert isinstance(md, str)
    # French text, French rules: no-break spaces, thousands, guillemets, « 1er ».
    assert f"Données de santé{NBSP}: êtes-vous prêts{NNBSP}?" in md
    assert f"14{NNBSP}000{NBSP}€" in md
    assert f"ouvert{NBSP}: «{NNBSP}oui{NNBSP}»" in md
    assert "1er décembre 2026" in md
    assert f"Conseil d'État{NNBSP}; l'opérateur réfléchit{NNBSP}!" in md
    # English text stays English inside a French review.
    assert "Sunday read: what the court said about biometrics" in md
    assert "[Are they honest?](" in md
    assert "The court said: biometric data needs consent. Are they honest?" in md
    assert "read :" not in plain(md) and "honest ?" not in plain(md)
    # A note in English stays English too; a French one is set in French.
    assert "> Key quote for the team: is it true? Ask them." in md
    assert f"> À citer{NBSP}: «{NNBSP}record{NNBSP}» pour un opérateur" in md
    page = review(morning.veille, "html")
    assert isinstance(page, str)
    doc = lxml.html.fromstring(page)
    assert doc.get("lang") == "fr"
    notes = {q.text_content(): q.get("lang") for q in doc.xpath("//blockquote")}
    assert notes == {
        f"À citer{NBSP}: «{NNBSP}record{NNBSP}» pour un opérateur": "fr",
        "Key quote for the team: is it true? Ask them.": "en",
    }
    english = doc.xpath("//article[@lang='en']/h3")
    assert sorted(h.text_content() for h in english) == [
        "Are they honest?",
        "Sunday read: what the court said about biometrics",
    ]


def test_markdown_escapes_only_what_commonmark_would_read(morning: Selection) -> None:
    md = review(morning.veille, "md", excerpt_length=1000)
    assert isinstance(md, str)
    assert "(simulé)" in md and "\\(" not in md and "\\)" not in md
    assert "(politely)" in md
    rendered = MarkdownIt("commonmark").render(md)
    text = html_module.unescape(lxml.html.fromstring(rendered).text_content())
    assert "conservé des données trop longtemps (simulé)." in plain(text)


def test_the_query_is_printed_only_when_asked(morning: Selection) -> None:
    assert "Recherche" not in review(morning.veille, "md")
    shown = review(morning.veille, "md", show_query=True)
    assert f"Recherche{NBSP}: is:starred" in shown


def test_excerpts_end_on_a_sentence_at_the_length_asked(morning: Selection) -> None:
    md = review(morning.veille, "md", excerpt_length=120)
    assert isinstance(md, str)
    assert "prononcé une amende de" in md and "Elle lui reproche" not in md
    assert "Elle lui reproche" in review(morning.veille, "md", excerpt_length=400)
    none = review(morning.veille, "md", excerpt_length=0)
    assert "La formation restreinte" not in none


def test_header_title_subtitle_author(morning: Selection) -> None:
    md = review(
        morning.veille,
        "md",
        title="Revue du matin",
        subtitle="Données et libertés",
        author="Équipe veille",
    )
    assert isinstance(md, str)
    lines = md.splitlines()
    assert lines[0] == "# Revue du matin"
    assert "*Données et libertés*" in lines
    assert any(line.startswith("Par Équipe veille · Établie le ") for line in lines)


def test_csl_json_is_valid_and_ris_reads_back(morning: Selection) -> None:
    csl = review(morning.veille, "csl")
    assert isinstance(csl, str)
    records = json.loads(csl)
    assert problems(records) == []
    lead = next(r for r in records if r["title"] == STORY_TITLES["Le Monde"])
    assert lead["container-title"] == "Le Monde" and lead["type"] == "article-newspaper"
    assert lead["issued"] == {"date-parts": [[2026, 12, 1]]}
    assert lead["URL"] == "https://www.lemonde.example/pixels/cnil"
    assert "Next" in lead["note"] and "Libération" in lead["note"]
    # Citation managers typeset for themselves: the words as written.
    assert "Données de santé : êtes-vous prêts ?" in [r["title"] for r in records]
    ris = review(morning.veille, "ris")
    assert isinstance(ris, str)
    entries = rispy.loads(ris)
    assert len(entries) == 4 and {e["type_of_reference"] for e in entries} == {"NEWS"}
    first = next(e for e in entries if e["title"] == STORY_TITLES["Le Monde"])
    assert first["urls"] == ["https://www.lemonde.example/pixels/cnil"]
    assert first["keywords"] == ["cnil", "télécoms"] and first["date"] == "2026/12/01"


def test_docx_has_named_styles_and_real_links(morning: Selection) -> None:
    data = review(morning.veille, "docx", subtitle="Données")
    assert isinstance(data, bytes)
    document = docx.Document(io.BytesIO(data))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Subtitle", "Heading 1", "Heading 2", "Review Excerpt", "Review Also"} <= (
        styles
    )
    assert "Review Note" in styles and "Review Tags" in styles
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "biométrie",
        "cnil",
    ]
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert "https://www.lemonde.example/pixels/cnil" in links
    # A day's review is the same file twice.
    assert review(morning.veille, "docx", subtitle="Données") == data


def test_the_export_counts_stories_and_items(morning: Selection) -> None:
    v = morning.veille
    done = v.export("md", ExportOptions(lang="en"), query="is:starred")
    assert (done.count, done.stories) == (5, 4)
    assert "4 stories (5 items: a story told by several outlets is one entry)" in done.text


@pytest.mark.parametrize("fmt", ["json", "atom", "csv", "bookmarks"])
def test_the_data_formats_carry_no_tracking_and_clean_summaries(
    morning: Selection, fmt: str
) -> None:
    # A feed, a spreadsheet and bookmarks keep one row per item (a story's outlets are items
    # of their own there), but their links are as clean as the review's.
    out = review(morning.veille, fmt)
    assert isinstance(out, str)
    for tracker in TRACKING:
        assert tracker not in out, tracker
    if fmt == "json":
        summaries = [i.get("summary", "") for i in json.loads(out)["items"]]
        assert all(not any(b in s for b in BOILERPLATE) for s in summaries)
        assert any("La formation restreinte" in s for s in summaries)
    elif fmt == "atom":
        from lxml import etree

        assert (
            len(etree.fromstring(out.encode()).findall("{http://www.w3.org/2005/Atom}entry")) == 5
        )
    elif fmt == "csv":
        import csv

        rows = list(csv.DictReader(io.StringIO(out)))
        assert "https://www.liberation.example/cnil?id=9" not in {r["url"] for r in rows}
        assert "https://next.example/cnil-free" in {r["url"] for r in rows}
    else:
        assert len(lxml.html.fromstring(out).xpath("//a")) == 5


def test_the_command_line_says_when_stories_fold_items(
    morning: Selection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from veille.cli.command import main

    home = str(tmp_path / "home")
    morning.veille.close()
    target = tmp_path / "revue.md"
    args = ["--home", home, "export", "--group-by", "tag", "--tags", "santé,cnil", "-o"]
    assert main([*args, str(target), "--subtitle", "Mardi", "--lang", "fr"]) == 0
    err = capsys.readouterr().err
    assert "exported 5 items (stories told by several outlets: 4 entries) to" in err
    text = target.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## santé",
        "## cnil",
        "## biométrie",
    ]
    assert "*Mardi*" in text and "Recherche" not in text


def test_a_profile_without_output_goes_to_the_reviews_folder(
    tmp_path: Path, local_server: LocalServer
) -> None:
    from datetime import UTC, datetime

    from veille.core import parse_settings

    settings = parse_settings('lang = "fr"\n[reviews.matin]\nformat = "md"\ntags = ["biométrie"]\n')
    with open_veille(tmp_path / "home", settings=settings) as v:
        morning_selection(v, local_server)
        done = v.review("matin", now=datetime(2026, 12, 1, 6, tzinfo=UTC))
        assert done.path == v.paths.reviews / "matin-2026-12-01.md"
        assert v.review_path("matin").parent == tmp_path / "home" / "reviews"
        text = done.path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == "# Revue de presse"
        assert next(line for line in text.splitlines() if line.startswith("## ")) == "## biométrie"
        assert (done.count, done.stories) == (5, 4)


def test_an_outlet_the_user_hid_is_not_named(morning: Selection) -> None:
    v = morning.veille
    v.library.set_hidden([morning.story["Libération"]])
    md = review(v, "md")
    assert isinstance(md, str)
    assert "Aussi dans" in md and "Next" in md and "Libération" not in md
