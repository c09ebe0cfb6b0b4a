"""What a page says about its article besides the body: title, author, image, language, JSON-LD.

Publishers describe their articles for search engines and social networks (Open Graph, JSON-LD
`NewsArticle`), and those descriptions are usually cleaner than anything guessed from the layout:
`og:title` carries no " | Site name" suffix, and JSON-LD often holds the whole `articleBody` even
when the visible page shows a teaser. Everything read here is untrusted text and is cleaned to one
line before use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html

from veille.core.text import clean_line, strip_controls

__all__ = ["ARTICLE_TYPES", "PageMetadata", "read_metadata"]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "techarticle",
        "scholarlyarticle",
        "socialmediaposting",
        "liveblogposting",
        "posting",
        "report",
    }
)
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—-]|::|»)\s+")
_BYLINE_XPATH = (
    "//a[@rel='author'] | //*[@itemprop='author'] | //*[contains(concat(' ', @class, ' '), "
    "' byline ')] | //*[contains(concat(' ', @class, ' '), ' author ')]"
)
_MAX_JSON = 2_000_000  # a JSON-LD block larger than this is not metadata


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str = ""
    byline: str = ""
    lead_image: str = ""
    lang: str = ""
    body: str = ""  # the longest JSON-LD articleBody of an article-like object
    # The page calls itself an article (JSON-LD, Open Graph or an article publication time):
    # one story in one main block, the shape readability's scoring is built for.
    is_article: bool = False


def _meta(metas: list[lxml_html.HtmlElement], *names: str) -> str:
    """The first non-empty `<meta>` content of `names`, looked up among the page's `metas`.

    One list of the page's meta elements serves every look-up: a query over the whole page for
    each name and attribute cost more than the rest of reading the metadata on large pages.
    """
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for node in metas:
                if node.get(attr) == name:
                    value = clean_line(node.get("content") or "")
                    if value:
                        return value
    return ""


def _objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object in `data`, descending into lists and `@graph`."""
    if depth > 6:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _objects(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _objects(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _objects(main, depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for entry in value[:10] for n in _names(entry)]
    return []


def _image(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl")
        return url if isinstance(url, str) else ""
    if isinstance(value, list) and value:
        return _image(value[0])
    return ""


def json_ld_articles(root: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    """The article-like JSON-LD objects of the page, in document order."""
    found: list[dict[str, Any]] = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        if not raw.strip() or len(raw) > _MAX_JSON:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        found.extend(obj for obj in _objects(data) if _types(obj) & ARTICLE_TYPES)
    return found


def _page_title(root: lxml_html.HtmlElement) -> str:
    """The `<title>` without the site's name: the headline it contains, or its first part."""
    title = clean_line(root.findtext(".//title") or "")
    for heading in root.iter("h1"):
        text = clean_line(heading.text_content(), 500)
        if len(text) >= 10 and text in title:
            return text
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and len(parts[0].split()) >= 3:
        return parts[0]
    return title


def _byline(
    root: lxml_html.HtmlElement, metas: list[lxml_html.HtmlElement], articles: list[dict[str, Any]]
) -> str:
    """Who wrote the article: page metadata first, then JSON-LD, then the page's byline line."""
    byline = _meta(
        metas,
        "author",
        "article:author",
        "byl",
        "dc.creator",
        "dcterms.creator",
        "parsely-author",
        "sailthru.author",
    )
    if byline and not _is_link(byline) and not byline.startswith("@"):
        return _trim_byline(byline)
    names = [clean_line(n) for a in articles for n in _names(a.get("author"))]
    names = list(dict.fromkeys(n for n in names if n and not _is_link(n)))
    if names:
        return _trim_byline(", ".join(names[:5]))
    for node in root.xpath(_BYLINE_XPATH)[:5]:
        text = clean_line(node.text_content(), 300)
        if text and len(text) < 100 and not _is_link(text):
            return _trim_byline(text)
    return ""


def _trim_byline(text: str) -> str:
    return clean_line(text.strip(" \t—–-|,:·•"), 200)


def _is_link(text: str) -> bool:
    return text.startswith(("http://", "https://", "/"))


def read_metadata(root: lxml_html.HtmlElement, url: str) -> PageMetadata:
    """Title, byline, lead image, language and JSON-LD body of the page at `url`."""
    articles = json_ld_articles(root)
    metas = list(root.iter("meta"))
    body = ""
    for obj in articles:
        text = obj.get("articleBody") or obj.get("text")
        if isinstance(text, str) and len(text) > len(body):
            body = text
    title = _meta(metas, "og:title", "twitter:title")
    if not title:
        title = next(
            (clean_line(h) for a in articles if isinstance(h := a.get("headline"), str)), ""
        )
    if not title:
        title = _page_title(root)
    byline = _byline(root, metas, articles)
    image = _meta(metas, "og:image", "og:image:url", "twitter:image", "twitter:image:src")
    if not image:
        image = next((i for a in articles if (i := _image(a.get("image")))), "")
    if image:
        try:
            image = urljoin(url, image)
        except ValueError:
            image = ""
        if not image.startswith(("http://", "https://")):
            image = ""
    lang = clean_line(root.get("lang") or root.get("xml:lang") or "", 35)
    if not lang:
        lang = _meta(metas, "og:locale", "language", "content-language").replace("_", "-")[:35]
    declared = bool(articles) or bool(
        root.xpath(
            "//meta[(@property='og:type' or @name='og:type') and "
            "translate(@content, 'ARTICLE', 'article')='article'] "
            "| //meta[@property='article:published_time' or @name='article:published_time']"
        )
    )
    return PageMetadata(
        is_article=declared,
        title=title,
        byline=byline,
        lead_image=clean_line(image),
        lang=lang,
        body=strip_controls(body).strip(),
    )
