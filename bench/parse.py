"""Feed parsing speed: veille's lxml path against feedparser on the same generated feed.

    uv run python bench/parse.py [--items 50] [--runs 50]

The feed is RSS 2.0 with French HTML descriptions and content:encoded bodies, about 123 KB for 50
items, which is what a busy news site serves. Prints the median time of each parser.
"""

from __future__ import annotations

import argparse
import statistics
import time

import feedparser

from veille.core.ingest.parse import parse_feed

PARAGRAPH = (
    "<p>La Commission nationale de l'informatique et des libertés a publié jeudi une "
    "délibération qui précise les obligations des opérateurs de <em>vidéoprotection</em> "
    "algorithmique. Les collectivités disposent d'un délai de six mois pour se conformer.</p>"
)


def make_feed(items: int) -> bytes:
    entries = []
    for n in range(items):
        body = PARAGRAPH * 7
        entries.append(
            f"<item><title>Article numéro {n} : la régulation avance</title>"
            f"<link>https://www.example.fr/articles/{n}</link><guid>https://www.example.fr/a/{n}</guid>"
            f"<pubDate>Thu, 05 Feb 2026 {n % 24:02d}:20:00 +0100</pubDate>"
            f"<dc:creator>Rédaction</dc:creator><category>Numérique</category>"
            f"<description><![CDATA[{PARAGRAPH}]]></description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Le Quotidien</title>'
        "<link>https://www.example.fr/</link>" + "".join(entries) + "</channel></rss>"
    ).encode()


def median_ms(work: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    body = make_feed(args.items)
    url = "https://www.example.fr/rss.xml"
    ours = median_ms(lambda: parse_feed(body, url), args.runs)
    theirs = median_ms(lambda: feedparser.parse(body), args.runs)
    print(f"feed: {len(body) / 1000:.0f} KB, {args.items} items")
    print(f"veille parse_feed (lxml path): {ours:7.2f} ms")
    print(f"feedparser.parse:              {theirs:7.2f} ms  ({theirs / ours:.0f}× slower)")


if __name__ == "__main__":
    main()
