"""Importing subscriptions: OPML from other readers, newsboat's urls file, plain URL lists."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.ingest.opml import Subscription, SubscriptionFileError, read_subscriptions

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def opml(body: str, head: str = "<head><title>t</title></head>") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><opml version="2.0">{head}<body>{body}</body></opml>'.encode()


def test_nested_outlines_become_folder_paths() -> None:
    data = opml(
        '<outline text="Presse"><outline title="Ancien nom" text="Climat">'
        '<outline text="Gazette" xmlUrl="https://gazette.example/rss"/></outline>'
        '<outline text="Registre" type="atom" xmlUrl="https://registre.example/feed"/></outline>'
        '<outline text="Seul" type="rss" xmlUrl="https://seul.example/atom"/>'
    )
    assert read_subscriptions(data) == [
        Subscription("https://gazette.example/rss", "Gazette", "Presse/Climat"),
        Subscription("https://registre.example/feed", "Registre", "Presse"),
        Subscription("https://seul.example/atom", "Seul", ""),
    ]


def test_attribute_names_in_any_case_and_title_fallbacks() -> None:
    data = opml(
        '<outline TEXT="Upper" XMLURL="https://a.example/feed"/>'
        '<outline text="lower" xmlurl="https://b.example/feed"/>'
        '<outline xmlUrl="https://c.example/feed"/>'
        '<outline text="a web page" type="link" url="https://d.example/"/>'
        '<outline text="nothing here"/>'
        '<outline text="Empty folder"></outline>'
    )
    subs = read_subscriptions(data)
    assert [(s.url, s.title) for s in subs] == [
        ("https://a.example/feed", "Upper"),
        ("https://b.example/feed", "lower"),
        ("https://c.example/feed", ""),
    ]


def test_duplicates_keep_the_first_mention() -> None:
    data = opml(
        '<outline text="A"><outline text="First" xmlUrl="https://x.example/feed"/></outline>'
        '<outline text="Second" xmlUrl="https://x.example/feed"/>'
    )
    assert read_subscriptions(data) == [Subscription("https://x.example/feed", "First", "A")]


def test_only_web_and_file_urls_are_kept() -> None:
    data = opml(
        '<outline text="js" xmlUrl="javascript:alert(1)"/>'
        '<outline text="data" xmlUrl="data:text/html,hi"/>'
        '<outline text="local" xmlUrl="file://localhost/srv/demo/feeds/a.xml"/>'
        '<outline text="browser" xmlUrl="feed://b.example/rss"/>'
        '<outline text="no host" xmlUrl="https:///nohost"/>'
    )
    assert [s.url for s in read_subscriptions(data)] == [
        "file://localhost/srv/demo/feeds/a.xml",
        "http://b.example/rss",
    ]


def test_common_exporter_slips_are_repaired() -> None:
    data = opml(
        '<outline text="Tom &amp; Jerry&nbsp;news" xmlUrl="https://a.example/rss?x=1&y=2&amp;z=3"/>'
    )
    assert read_subscriptions(data) == [
        Subscription("https://a.example/rss?x=1&y=2&z=3", "Tom & Jerry news")
    ]
    latin = opml('<outline text="Été" xmlUrl="https://a.example/f"/>').replace(
        "Été".encode(), "Été".encode("cp1252")
    )
    assert read_subscriptions(latin)[0].title == "Été"


def test_newsboat_urls_file() -> None:
    data = (
        b"# my feeds\n"
        b'https://a.example/feed "tech" "~A Title" "!hidden"\n'
        b"https://b.example/rss\n"
        b'"query:Unread:unread = \\"yes\\""\n'
        b'"exec:~/bin/feed.sh" "local"\n'
        b"\n"
        b'https://c.example/atom "!hidden" "news/fr" # comment\n'
        b'https://a.example/feed "again"\n'
    )
    assert read_subscriptions(data, "urls") == [
        Subscription("https://a.example/feed", "A Title", "tech"),
        Subscription("https://b.example/rss", "", ""),
        Subscription("https://c.example/atom", "", "news/fr"),
    ]


def test_plain_list_of_urls_and_text_that_is_not_one() -> None:
    assert [
        s.url
        for s in read_subscriptions(b"\xef\xbb\xbfhttps://a.example/f\r\nhttp://b.example/g\r\n")
    ] == [
        "https://a.example/f",
        "http://b.example/g",
    ]
    with pytest.raises(SubscriptionFileError, match="line 2 is neither OPML nor a feed URL"):
        read_subscriptions(b"https://a.example/f\nhello world\n")
    with pytest.raises(SubscriptionFileError, match="no feed URLs"):
        read_subscriptions(b"# only a comment\n")
    with pytest.raises(SubscriptionFileError, match="binary"):
        read_subscriptions(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_broken_opml_is_refused_with_its_line() -> None:
    data = b'<?xml version="1.0"?>\n<opml version="2.0">\n<body><outline text="a" xmlUrl="https://a.example/f" <outline/>\n</body></opml>'
    with pytest.raises(SubscriptionFileError) as caught:
        read_subscriptions(data, "broken.opml")
    assert str(caught.value) == "not an OPML file: the XML is malformed at line 3"
    cut = b'<opml version="2.0"><body><outline xmlUrl="https://a.example/feed"/><outline xmlUrl="https://b.example/feed">'
    with pytest.raises(SubscriptionFileError, match="ends too early"):
        read_subscriptions(cut)
    with pytest.raises(SubscriptionFileError, match="holds no feeds"):
        read_subscriptions(opml('<outline text="folder only"><outline text="x"/></outline>'))


def test_a_web_page_or_a_feed_given_by_mistake() -> None:
    page = b"<!DOCTYPE html><html><head><title>Le site</title></head><body><p>Bonjour<br></body></html>"
    with pytest.raises(SubscriptionFileError, match=r"web page \(HTML\), not an OPML file"):
        read_subscriptions(page, "index.html")
    xhtml = b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    with pytest.raises(SubscriptionFileError, match="web page"):
        read_subscriptions(xhtml)
    rss = b'<rss version="2.0"><channel><title>x</title></channel></rss>'
    with pytest.raises(SubscriptionFileError, match="this is a feed"):
        read_subscriptions(rss)


def test_entity_attacks_are_refused_quickly(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 12))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY l0 "lol">{levels}]>'
        '<opml><body><outline text="&l11;" xmlUrl="https://a.example/&l11;"/></body></opml>'
    )
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<opml><body><outline text="&x;" xmlUrl="https://a.example/f">&x;</outline></body></opml>'
    )
    for data in (laughs, xxe):
        started = time.perf_counter()
        with pytest.raises(SubscriptionFileError, match="entities") as caught:
            read_subscriptions(data.encode())
        assert time.perf_counter() - started < 1
        assert "TOP-SECRET" not in str(caught.value)
    # Same attack in UTF-16, which the byte-level check cannot read: still no file contents.
    utf16 = xxe.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    try:
        subs = read_subscriptions(utf16.encode("utf-16"))
    except SubscriptionFileError:
        subs = []
    assert all("TOP-SECRET" not in s.title for s in subs)


def test_hostile_titles_lose_their_control_characters() -> None:
    data = opml(
        '<outline text="Folder&#x1b;[2J" title="x">'
        '<outline text="Evil&#x1b;]2;pwned&#x7;&#x9b;31m title&#x202e;" '
        'xmlUrl="https://a.example/f&#x1b;"/></outline>'
    )
    [sub] = read_subscriptions(data)
    assert sub.title == "Evil ]2;pwned 31m title"
    assert sub.url == "https://a.example/f"
    assert sub.folder == "Folder [2J"  # a folder is named by its text, as OPML shows it
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in sub.title + sub.url)


@pytest.mark.slow
def test_too_many_feeds_are_refused() -> None:
    body = "".join(f'<outline xmlUrl="https://a.example/{n}"/>' for n in range(100_001))
    with pytest.raises(SubscriptionFileError, match="more than 100,000"):
        read_subscriptions(opml(body))


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=400)
    | st.builds(
        lambda a, b: a + b,
        st.sampled_from(
            [b"<opml><body>", b"<?xml version='1.0'?><opml>", b"https://a.example/\n", b""]
        ),
        st.binary(max_size=200),
    )
)
def test_any_bytes_give_a_list_or_a_plain_error(data: bytes) -> None:
    try:
        subs = read_subscriptions(data)
    except SubscriptionFileError as error:
        assert str(error)
    else:
        assert subs and all(s.url.startswith(("http://", "https://", "file:")) for s in subs)


@pytest.mark.corpus
@pytest.mark.parametrize("folder", ["holllo-opml", "listparser", "freshrss"])
def test_real_world_opml_files(folder: str) -> None:
    root = CORPORA / folder
    if not root.is_dir():
        pytest.skip(f"../shared/corpora/{folder} is not present")
    files = [p for p in sorted(root.rglob("*")) if p.suffix in (".opml", ".xml")]
    assert files
    read = 0
    for path in files:
        try:
            subs = read_subscriptions(path.read_bytes(), path.name)
        except SubscriptionFileError as error:
            assert str(error), path
            continue
        read += 1
        assert all(s.url.startswith(("http://", "https://", "file:")) for s in subs), path
        assert len({s.url for s in subs}) == len(subs), path
    assert read > 0


@pytest.mark.corpus
def test_liferea_default_lists_keep_their_folders() -> None:
    root = CORPORA / "liferea" / "opml"
    if not root.is_dir():
        pytest.skip("../shared/corpora/liferea is not present")
    subs = read_subscriptions((root / "feedlist_fr.opml").read_bytes())
    assert len(subs) > 10 and all(s.folder for s in subs)
