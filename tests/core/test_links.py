"""Item links as refresh keeps them: only web addresses, and one canonical form per story link."""

from __future__ import annotations

import pytest

from veille.core.ingest.addresses import web_link
from veille.core.ingest.entries import canonical_url


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  http://example.org:8080/a/b?c=1#d ", "http://example.org:8080/a/b?c=1#d"),
        ("HTTPS://Example.org/", "HTTPS://Example.org/"),
        ("http://[::1]/x", "http://[::1]/x"),
        ("file:///etc/passwd", ""),
        ("javascript:alert(1)", ""),
        ("http:///no-host", ""),
        ("http://", ""),
        ("", ""),
    ],
)
def test_only_web_addresses_with_a_host_are_item_links(link: str, kept: str) -> None:
    assert web_link(link) == kept


@pytest.mark.parametrize(
    ("link", "canonical"),
    [
        ("http://www.Example.ORG/politique/article-1/", "https://example.org/politique/article-1"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org///", "https://example.org/"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/a?utm_source=rss&id=3&fbclid=x#top", "https://example.org/a?id=3"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("http://user@www.example.org/a/", "https://user@www.example.org/a"),
        ("ftp://www.example.org/a/", "ftp://example.org/a"),
        ("", ""),
    ],
)
def test_one_story_link_has_one_canonical_form(link: str, canonical: str) -> None:
    assert canonical_url(link) == canonical
