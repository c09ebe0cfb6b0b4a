"""A small HTML → Markdown conversion for `veille extract --format markdown`.

Only the structure an article has (headings, paragraphs, emphasis, links, lists, quotes, code,
images) is kept; anything else becomes its text.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

_SPACE = re.compile(r"\s+")


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


def _inline(node: lxml_html.HtmlElement) -> str:
    parts = [_escape(_SPACE.sub(" ", node.text or ""))]
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        inner = _inline(child)
        if tag in ("em", "i"):
            parts.append(f"*{inner.strip()}*" if inner.strip() else "")
        elif tag in ("strong", "b"):
            parts.append(f"**{inner.strip()}**" if inner.strip() else "")
        elif tag == "code":
            parts.append(f"`{(child.text_content() or '').replace('`', '')}`")
        elif tag == "a" and child.get("href", "").startswith(("http://", "https://", "mailto:")):
            parts.append(f"[{inner.strip()}]({child.get('href')})")
        elif tag == "img":
            alt = _escape(child.get("alt", "") or "image")
            src = child.get("src", "")
            parts.append(f"![{alt}]({src})" if src.startswith(("http://", "https://")) else alt)
        elif tag == "br":
            parts.append("  \n")
        else:
            parts.append(inner)
        parts.append(_escape(_SPACE.sub(" ", child.tail or "")))
    return "".join(parts)


def _blocks(node: lxml_html.HtmlElement, out: list[str], depth: int = 0) -> None:
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            out.append("#" * int(tag[1]) + " " + _inline(child).strip())
        elif tag == "p":
            text = _inline(child).strip()
            if text:
                out.append(text)
        elif tag in ("ul", "ol"):
            for n, li in enumerate(child.findall("li"), 1):
                mark = f"{n}." if tag == "ol" else "-"
                out.append("  " * depth + f"{mark} {_inline(li).strip()}")
        elif tag == "blockquote":
            inner: list[str] = []
            _blocks(child, inner, depth)
            if not inner:
                inner = [_inline(child).strip()]
            out.append("\n".join("> " + line for block in inner for line in block.split("\n")))
        elif tag == "pre":
            out.append("```\n" + (child.text_content() or "").strip("\n") + "\n```")
        elif tag in ("figure", "div", "section", "article", "main", "header", "footer"):
            _blocks(child, out, depth)
            if not len(child) and (child.text or "").strip():
                out.append(_inline(child).strip())
        elif tag in ("figcaption",):
            out.append("*" + _inline(child).strip() + "*")
        elif tag == "img":
            out.append(
                _inline(
                    lxml_html.fragment_fromstring(
                        lxml_html.tostring(child, encoding="unicode"), create_parent="p"
                    )
                )
            )
        elif tag == "hr":
            out.append("---")
        elif tag and tag not in ("script", "style"):
            text = _inline(child).strip()
            if text:
                out.append(text)


def html_to_markdown(html: str) -> str:
    if not html.strip():
        return ""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    out: list[str] = []
    _blocks(root, out)
    return "\n\n".join(block for block in out if block.strip()) + "\n"
