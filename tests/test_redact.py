"""Secrets in URLs are hidden before anything shows them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veille.core.redact import is_secret_url, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:hunter2@example.org/feed", "https://***@example.org/feed"),
        ("https://user:@example.org/feed", "https://***@example.org/feed"),
        ("https://0123456789abcdef@example.org/feed", "https://***@example.org/feed"),
        ("https://example.org/feed?key=abc", "https://example.org/feed?key=***"),
        ("https://example.org/f?token=a&page=2", "https://example.org/f?token=***&page=2"),
        ("https://example.org/f?page=2&API_KEY=zz", "https://example.org/f?page=2&API_KEY=***"),
        ("https://example.org/f?apikey=1;lang=fr", "https://example.org/f?apikey=***;lang=fr"),
        ("https://example.org/f?access_token=t", "https://example.org/f?access_token=***"),
        ("https://example.org/f?Auth=t", "https://example.org/f?Auth=***"),
        ("https://example.org/f?password=p&user=me", "https://example.org/f?password=***&user=me"),
        ("https://example.org/f?secret=s", "https://example.org/f?secret=***"),
        ("https://example.org/f?sig=s&signature=t", "https://example.org/f?sig=***&signature=***"),
        ("https://example.org/f?session=s&sid=t", "https://example.org/f?session=***&sid=***"),
        ("https://example.org/f?hash=h", "https://example.org/f?hash=***"),
        (
            "https://tracker.example/rss?rsskey=abc&cat=4",
            "https://tracker.example/rss?rsskey=***&cat=4",
        ),
        ("https://example.org/f?private_token=x", "https://example.org/f?private_token=***"),
        ("https://s3.example/f?X-Amz-Signature=abc", "https://s3.example/f?X-Amz-Signature=***"),
        ("https://example.org/f?client-secret=x", "https://example.org/f?client-secret=***"),
        ("https://example.org/f#access_token=x", "https://example.org/f#access_token=***"),
    ],
)
def test_secrets_are_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert is_secret_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/feed.xml",
        "https://example.org/f?page=2&author=me&lang=fr",
        "https://example.org/f?token=",  # nothing to hide
        "https://example.org/f?monkey",  # no value
        "http://[::1]:8080/feed",
        "file:///home/me/feed.xml",
        "https://example.org/a%20b?q=caf%C3%A9#top",
        "",
    ],
)
def test_plain_urls_are_unchanged(url: str) -> None:
    assert redact_url(url) == url
    assert not is_secret_url(url)


def test_unparseable_url_still_hides_password() -> None:
    shown = redact_url("http://me:pw@[::1/feed")
    assert "pw" not in shown and "me" not in shown and "***@" in shown


def test_control_characters_removed() -> None:
    assert redact_url("https://example.org/\x1b]2;x\x07feed") == "https://example.org/]2;xfeed"


@given(
    st.sampled_from(["key", "token", "apikey", "password", "sig", "session", "rsskey"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~%", min_size=1, max_size=40),
    st.sampled_from(["", "page=2&", "a=b&c=d&"]),
)
def test_secret_values_never_survive(name: str, value: str, before: str) -> None:
    url = f"https://example.org/feed?{before}{name}={value}"
    shown = redact_url(url)
    assert shown.endswith(f"{name}=***")
    assert shown.startswith(f"https://example.org/feed?{before}")


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    assert isinstance(redact_url(text), str)
    assert isinstance(is_secret_url(text), bool)
