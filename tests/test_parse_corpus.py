"""Feed parsing over feeds nobody on this project wrote: other parsers' test suites and real feeds.

Each file must either parse or be refused with NotAFeedError, never anything else; most
well-formed ones must yield entries; the hand-checked real feeds must give dates and links.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from veille.core.ingest.parse import NotAFeedError, parse_feed

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
SOURCES = (
    "feedparser",
    "feed-rs",
    "gofeed",
    "feeder",
    "prof18-rss-parser",
    "w3c-feedvalidator",
    "lemon24-reader",
    "liferea",
)
SUFFIXES = {".xml", ".rss", ".atom", ".json", ".rdf"}

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present"),
]


def corpus_files(source: str) -> list[Path]:
    folder = CORPORA / source
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def parse_all(files: list[Path]) -> Counter[str]:
    outcome: Counter[str] = Counter()
    for path in files:
        url = "https://feeds.example.org/" + path.relative_to(CORPORA).as_posix()
        try:
            feed = parse_feed(path.read_bytes(), url)
        except NotAFeedError:
            outcome["refused"] += 1
        else:
            outcome["entries" if feed.entries else "empty"] += 1
            outcome["warned"] += bool(feed.warning)
    return outcome


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_every_file_parses_or_is_refused_in_plain_words(source: str) -> None:
    files = corpus_files(source)
    if not files:
        pytest.skip(f"no feeds under corpora/{source}")
    started = time.monotonic()
    outcome = parse_all(files)  # any other exception fails the test
    assert time.monotonic() - started < 15
    feeds = outcome["entries"] + outcome["empty"]
    # Test suites hold expected-result JSON and deliberately broken cases next to their feeds,
    # but at least a third of every collection is a readable feed with entries.
    assert outcome["entries"] >= len(files) / 3 or (feeds and outcome["entries"] >= feeds / 2), (
        outcome
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "source",
    ["feed-rs/feed-rs/fixture", "prof18-rss-parser", "feeder"],
)
def test_real_feeds_give_titles_links_and_dates(source: str) -> None:
    files = [p for p in corpus_files(source) if p.suffix != ".json"]
    if not files:
        pytest.skip(f"no feeds under corpora/{source}")
    entries = links = dated = titled = 0
    for path in files:
        try:
            feed = parse_feed(path.read_bytes(), "https://feeds.example.org/" + path.name)
        except NotAFeedError:
            continue
        for entry in feed.entries:
            entries += 1
            links += bool(entry.link and entry.link.startswith(("http://", "https://")))
            dated += entry.published is not None
            titled += bool(entry.title)
    assert entries > 20
    assert links / entries > 0.8 and titled / entries > 0.8 and dated / entries > 0.6


def test_le_monde_in_french() -> None:
    matches = [p for p in corpus_files("feeder") if p.name == "rss_lemonde.xml"]
    if not matches:
        pytest.skip("rss_lemonde.xml is not in this copy of the corpus")
    feed = parse_feed(matches[0].read_bytes(), "https://www.lemonde.fr/rss/une.xml")
    assert feed.title.startswith("Le Monde")
    assert feed.entries and all(e.published is not None for e in feed.entries)
    assert all(e.link and e.link.startswith("http") for e in feed.entries)
    assert any("é" in e.title for e in feed.entries)


def test_json_feeds_from_other_suites() -> None:
    files = [
        p
        for source in ("feedparser", "gofeed", "lemon24-reader")
        for p in corpus_files(source)
        if p.suffix == ".json" and b"jsonfeed.org/version" in p.read_bytes()[:4000]
    ]
    if not files:
        pytest.skip("no JSON Feeds in this copy of the corpus")
    read = 0
    for path in files:
        try:
            feed = parse_feed(path.read_bytes(), "https://feeds.example.org/feed.json")
        except NotAFeedError:
            continue
        assert feed.kind == "json"
        read += bool(feed.entries)
    assert read >= len(files) / 2
