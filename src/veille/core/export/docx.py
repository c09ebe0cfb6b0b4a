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


class _Writer:
    """Paragraphs appended to the document body as raw WordprocessingML: python-docx looks a
    style up by name on every paragraph it adds (a scan of all styles each time), which at a
    thousand entries costs seconds; here each style's id is looked up once."""

    def __init__(self, document: Any) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml.ns import qn

        self.document = document
        self.part = document.part
        self.qn = qn
        self.hyperlink_type = RELATIONSHIP_TYPE.HYPERLINK
        self.ids = {style.name: style.style_id for style in document.styles}
        self.body = document.element.body
        self.end = self.body.sectPr  # paragraphs go before the section properties
        self.links: dict[str, str] = {}
        self.names: dict[str, str] = {}
        # New link ids are numbered past the template's own, once: asking python-docx for each
        # compares the link with every one already added.
        taken = set(self.part.rels)
        self.next_ids = (f"rId{n}" for n in range(1, 10**9) if f"rId{n}" not in taken)

    def _element(self, tag: str, **attributes: str) -> Any:
        name = self.names.get(tag)
        if name is None:
            name = self.names[tag] = self.qn(tag)
        element = self.body.makeelement(name)
        for key, value in attributes.items():
            element.set(self.qn(key.replace("_", ":", 1)), value)
        return element

    def paragraph(self, style: str, text: str = "", lang: str = "") -> Any:
        p = self._element("w:p")
        props = self._element("w:pPr")
        props.append(self._element("w:pStyle", w_val=self.ids[style]))
        p.append(props)
        if self.end is not None:
            self.end.addprevious(p)
        else:
            self.document.element.body.append(p)
        if text:
            self.run(p, text, lang)
        return p

    def _run(self, text: str, lang: str, style: str = "") -> Any:
        run = self._element("w:r")
        if lang or style:
            props = self._element("w:rPr")
            if style:
                props.append(self._element("w:rStyle", w_val=self.ids[style]))
            if lang:
                value = {"fr": "fr-FR", "en": "en-GB"}.get(lang, lang)
                props.append(self._element("w:lang", w_val=value))
            run.append(props)
        words = self._element("w:t")
        words.set(self.qn("xml:space"), "preserve")
        words.text = _safe(text)
        run.append(words)
        return run

    def run(self, p: Any, text: str, lang: str = "") -> None:
        p.append(self._run(text, lang))

    def link(self, p: Any, text: str, url: str, lang: str = "") -> None:
        rel = self.links.get(url)
        if rel is None:
            rel = self.links[url] = next(self.next_ids)
            self.part.rels.add_relationship(self.hyperlink_type, url, rel, is_external=True)
        link = self._element("w:hyperlink", r_id=rel)
        link.append(self._run(text, lang, style="Hyperlink"))
        p.append(link)


def _entry(out: _Writer, entry: Entry, review: Review) -> None:
    lang = entry.lang if entry.lang and entry.lang != review.lang else ""
    heading = out.paragraph("Heading 2")
    if entry.link:
        out.link(heading, entry.title, entry.link, lang)
    else:
        out.run(heading, entry.title, lang)
    if entry.meta:
        out.paragraph("Review Meta", " · ".join(entry.meta), lang)
    if entry.excerpt:
        out.paragraph("Review Excerpt", entry.excerpt, lang)
    if entry.also:
        also = out.paragraph("Review Also", review.labels["also_in"] + " ")
        for n, source in enumerate(entry.also):
            if n:
                out.run(also, ", ")
            if source.link:
                out.link(also, source.name, source.link)
            else:
                out.run(also, source.name)
    if entry.tags:
        out.paragraph("Review Tags", f"{review.labels['tags']} " + " · ".join(entry.tags))
    for note in entry.notes:
        for paragraph in note:
            out.paragraph("Review Note", paragraph)


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
    out = _Writer(document)
    out.paragraph("Title", review.title)
    if review.subtitle:
        out.paragraph("Subtitle", review.subtitle)
    header = " · ".join(p for p in (review.author, review.generated, review.count) if p)
    out.paragraph("Review Meta", header)
    if review.query:
        out.paragraph("Review Meta", review.query)
    for name, entries in review.sections:
        if name:
            out.paragraph("Heading 1", name)
        for entry in entries:
            _entry(out, entry, review)
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
