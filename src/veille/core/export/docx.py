"""The press review as a Word document (DOCX), for teams that circulate and edit it there.

Every part has a named style, so a team restyles the whole review once in Word: `Title`,
`Subtitle`, `Heading 1` (sections), `Heading 2` (entries, their title a link), and veille's own
`Review Meta`, `Review Excerpt`, `Review Also`, `Review Tags`, `Review Note` and the `Hyperlink`
character style. Feed text only ever becomes text runs: no field, no markup of its own. The
document's dates are the review's, so a day's exports are byte-identical.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

from veille.core.export.review import Entry, Review

__all__ = ["STYLES", "review_docx"]

STYLES = ("Review Meta", "Review Excerpt", "Review Also", "Review Tags", "Review Note")
_FIXED = datetime(2000, 1, 1, tzinfo=UTC)
# Characters XML 1.0 cannot hold: python-docx would refuse them.
_XML_BAD = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])


def _safe(text: str) -> str:
    return text.translate(_XML_BAD)


def _styles(document: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = document.styles
    grey = RGBColor(0x55, 0x55, 0x55)
    for name, size, italic, color in (
        ("Review Meta", 9, False, grey),
        ("Review Excerpt", 11, False, None),
        ("Review Also", 9, False, grey),
        ("Review Tags", 8, False, grey),
        ("Review Note", 10, True, RGBColor(0x5A, 0x46, 0x00)),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.size = Pt(size)
        style.font.italic = italic
        if color is not None:
            style.font.color.rgb = color
        style.paragraph_format.space_after = Pt(4)
    if "Review Note" in [s.name for s in styles]:
        styles["Review Note"].paragraph_format.left_indent = Pt(18)
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x0B, 0x4F, 0x8A)
    link.font.underline = True


def _hyperlink(paragraph: Any, text: str, url: str, lang: str = "") -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    if lang:
        props.append(_lang_element(lang))
    run.append(props)
    words = OxmlElement("w:t")
    words.set(qn("xml:space"), "preserve")
    words.text = _safe(text)
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def _lang_element(lang: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:lang")
    element.set(qn("w:val"), {"fr": "fr-FR", "en": "en-GB"}.get(lang, lang))
    return element


def _run(paragraph: Any, text: str, lang: str = "") -> None:
    run = paragraph.add_run(_safe(text))
    if lang:
        run._r.get_or_add_rPr().append(_lang_element(lang))


def _entry(document: Any, entry: Entry, review: Review) -> None:
    lang = entry.lang if entry.lang and entry.lang != review.lang else ""
    heading = document.add_paragraph(style="Heading 2")
    if entry.link:
        _hyperlink(heading, entry.title, entry.link, lang)
    else:
        _run(heading, entry.title, lang)
    if entry.meta:
        _run(document.add_paragraph(style="Review Meta"), " · ".join(entry.meta), lang)
    if entry.excerpt:
        _run(document.add_paragraph(style="Review Excerpt"), entry.excerpt, lang)
    if entry.also:
        also = document.add_paragraph(style="Review Also")
        _run(also, review.labels["also_in"] + " ")
        for n, source in enumerate(entry.also):
            if n:
                _run(also, ", ")
            if source.link:
                _hyperlink(also, source.name, source.link)
            else:
                _run(also, source.name)
    if entry.tags:
        tags = document.add_paragraph(style="Review Tags")
        _run(tags, f"{review.labels['tags']} " + " · ".join(entry.tags))
    for note in entry.notes:
        for paragraph in note:
            _run(document.add_paragraph(style="Review Note"), paragraph)


def review_docx(review: Review) -> bytes:
    import docx

    document = docx.Document()
    _styles(document)
    props = document.core_properties
    props.title = _safe(review.title)
    props.author = _safe(review.author) or "veille"
    props.last_modified_by = "veille"
    props.language = review.lang
    props.created = props.modified = props.last_printed = _FIXED
    document.add_paragraph(_safe(review.title), style="Title")
    if review.subtitle:
        document.add_paragraph(_safe(review.subtitle), style="Subtitle")
    header = " · ".join(p for p in (review.author, review.generated, review.count) if p)
    document.add_paragraph(_safe(header), style="Review Meta")
    if review.query:
        document.add_paragraph(_safe(review.query), style="Review Meta")
    for name, entries in review.sections:
        if name:
            document.add_paragraph(_safe(name), style="Heading 1")
        for entry in entries:
            _entry(document, entry, review)
    raw = io.BytesIO()
    document.save(raw)
    return _reproducible(raw.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same archive with fixed member dates: zip records when each member was written."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
