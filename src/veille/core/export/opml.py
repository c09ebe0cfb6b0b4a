"""Subscriptions as OPML 2.0, the format every feed reader imports.

Folders become nested outlines, so the tree survives a trip to another reader and back. A feed
URL can carry a credential (a token in the query, a password in the userinfo), and an OPML file
gets shared, so URLs are redacted unless the user asks for the secrets explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from veille.core.export.common import clean_line, xml_safe
from veille.core.model import Feed
from veille.core.redact import redact_url

__all__ = ["export_opml"]


def export_opml(
    feeds: Sequence[Feed], *, title: str = "veille subscriptions", include_secrets: bool = False
) -> str:
    """`feeds` as an OPML 2.0 document, folders as nested outlines, in the order given."""
    from lxml import etree  # lazily: keeps `import veille` light

    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_safe(clean_line(title)) or "veille subscriptions"
    body = etree.SubElement(root, "body")
    folders: dict[str, Any] = {"": body}

    def folder(path: str) -> Any:
        if path not in folders:
            parent_path, _, name = path.rpartition("/")
            parent = folder(parent_path)
            folders[path] = etree.SubElement(
                parent, "outline", text=xml_safe(name), title=xml_safe(name)
            )
        return folders[path]

    for feed in feeds:
        path = "/".join(p for p in (clean_line(s) for s in feed.folder.split("/")) if p)
        url = feed.url if include_secrets else redact_url(feed.url)
        name = clean_line(feed.title) or clean_line(redact_url(feed.url))
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": url}
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url if include_secrets else redact_url(feed.site_url)
        etree.SubElement(folder(path), "outline", {k: xml_safe(v) for k, v in attrs.items()})
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data.decode("utf-8")
