"""Formulas written in MathML, turned into text a reader can follow: `x^2 + (a)/(b)`.

Neither the terminal nor a plain-text excerpt can draw MathML, and both extractors drop the
`<math>` element as foreign markup, so an article's formulas vanished mid-sentence. Each formula
becomes a span of linear text instead, before the page is read: superscripts with `^`,
subscripts with `_`, fractions as `(a)/(b)`, roots with `√`. A formula whose presentation cannot
be read falls back on the TeX or text the page gives beside it (`alttext`, an annotation).
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

__all__ = ["formulas_to_text", "math_text"]

_OPERATORS = frozenset("=+−-±×÷<>≤≥≠≈∼→←↔⇒⇔∈∉⊂⊆∪∩·∗*/")
_SKIPPED = frozenset({"annotation", "annotation-xml", "none", "mprescripts"})


def _name(element: etree._Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _group(text: str) -> str:
    """`text` as one operand: bracketed unless it is a single name or number."""
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _children(element: etree._Element) -> list[str]:
    return [_render(child) for child in element if isinstance(child.tag, str)]


def _render(element: etree._Element) -> str:
    name = _name(element)
    if name in _SKIPPED:
        return ""
    if name in ("mi", "mn", "mtext", "ms"):
        return " ".join("".join(element.itertext()).split())
    if name == "mo":
        op = "".join(element.itertext()).strip()
        return f" {op} " if op in _OPERATORS and op not in "/·" else op
    if name == "mspace":
        return " "
    parts = _children(element)
    if name == "semantics":
        return parts[0] if parts else ""
    if name in ("msup", "msub", "msubsup", "munder", "mover", "munderover") and parts:
        base, rest = parts[0], parts[1:]
        marks = {"msup": "^", "mover": "^", "msub": "_", "munder": "_"}
        if name in marks and rest:
            return f"{base}{marks[name]}{_group(rest[0].strip())}"
        if len(rest) >= 2:
            return f"{base}_{_group(rest[0].strip())}^{_group(rest[1].strip())}"
        return base
    if name == "mfrac" and len(parts) >= 2:
        return f"{_group(parts[0].strip())}/{_group(parts[1].strip())}"
    if name == "msqrt":
        return f"√{_group(''.join(parts).strip())}"
    if name == "mroot" and len(parts) >= 2:
        return f"{_group(parts[1].strip())}√{_group(parts[0].strip())}"
    if name == "mfenced":
        opening = element.get("open", "(")
        closing = element.get("close", ")")
        separator = (element.get("separators") or ",")[:1]
        return f"{opening}{separator.join(p.strip() for p in parts)}{closing}"
    if name == "mtable":
        return "; ".join(p.strip() for p in parts if p.strip())
    if name in ("mtr", "mlabeledtr"):
        return ", ".join(p.strip() for p in parts if p.strip())
    return "".join(parts)


def math_text(element: etree._Element) -> str:
    """The readable text of one `<math>` element."""
    rendered = " ".join(_render(element).split())
    if rendered:
        return rendered
    alternative = element.get("alttext") or ""
    if alternative.strip():
        return " ".join(alternative.split())
    for node in element.iter():
        if _name(node) == "annotation" and "".join(node.itertext()).strip():
            return " ".join("".join(node.itertext()).split())
    return ""


def formulas_to_text(root: lxml_html.HtmlElement) -> None:
    """Replace every `<math>` under `root` by a span of its readable text."""
    for element in list(root.iter("math", "{http://www.w3.org/1998/Math/MathML}math")):
        parent = element.getparent()
        if parent is None:
            continue
        span = lxml_html.Element("span")
        span.text = math_text(element)
        span.tail = element.tail
        parent.replace(element, span)
