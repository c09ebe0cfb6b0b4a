"""Build a large generated library for the benchmarks: 100,000 items over 1,000 feeds.

    uv run python bench/biglib.py DIR [--items 100000 --feeds 1000]

Items are written through the real schema (migrations included) with the search index filled,
tags on one item in twenty, stars on one in fifty and notes on one in a hundred, dates spread over
a year. The library is built once per folder and reused.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from veille.core.library import open_library
from veille.core.pipeline import TEXTS_HOME
from veille.core.query.statewords import state
from veille.core.settings import Paths, resolve_paths

WORDS = [
    "données",
    "sécurité",
    "régulation",
    "ville",
    "climat",
    "énergie",
    "marché",
    "santé",
    "justice",
    "école",
    "réseau",
    "public",
    "analyse",
    "rapport",
    "commission",
    "projet",
    "budget",
    "transport",
    "culture",
    "recherche",
    "numérique",
    "loi",
    "vote",
    "accord",
    "biométrie",
    "reconnaissance",
    "faciale",
    "surveillance",
    "intelligence",
    "artificielle",
    "cnil",
    "europe",
    "parlement",
    "sénat",
    "décret",
    "amende",
    "plateforme",
    "algorithme",
    "transparence",
    "citoyen",
    "données",
    "personnelles",
]
TAGS = ["cnil/sanctions", "ue/ai-act", "surveillance/biométrie", "climat", "à-lire", "ia"]
FOLDERS = ["Presse", "Presse/Climat", "Institutions", "Tech & société", ""]


def build(home: Path, *, items: int = 100_000, feeds: int = 1_000, seed: int = 7) -> Paths:
    paths = resolve_paths(home)
    if paths.library.exists():
        return paths
    paths.ensure()
    rng = random.Random(seed)
    started = time.perf_counter()
    with open_library(paths.library, backups=paths.backups) as lib:
        conn = lib.conn
        conn.execute("BEGIN")
        for path in FOLDERS[:-1]:
            conn.execute("INSERT INTO folders (path) VALUES (?)", (path,))
        folder_ids = [r[0] for r in conn.execute("SELECT id FROM folders")] + [None]
        conn.executemany(
            "INSERT INTO feeds (id, url, title, folder_id, added, language) VALUES (?,?,?,?,?,?)",
            [
                (
                    n + 1,
                    f"https://site{n}.example/feed.xml",
                    f"Source {n} — {WORDS[n % len(WORDS)]}",
                    folder_ids[n % len(folder_ids)],
                    0.0,
                    "fr" if n % 3 else "en",
                )
                for n in range(feeds)
            ],
        )
        now = 1_795_000_000.0
        rows = []
        fts = []
        # Items carry their feed's language, as a refresh stores an entry that names none.
        for i in range(1, items + 1):
            feed_id = rng.randrange(1, feeds + 1)
            title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            text = " ".join(rng.choice(WORDS) for _ in range(120))
            ts = now - rng.random() * 365 * 86400
            language = "fr" if (feed_id - 1) % 3 else "en"
            rows.append(
                (
                    i,
                    feed_id,
                    f"g{i}",
                    f"https://site{feed_id}.example/a/{i}",
                    title,
                    "Rédaction",
                    f"<p>{text}</p>",
                    ts,
                    ts,
                    ts,
                    int(rng.random() < 0.7),
                    int(rng.random() < 0.02),
                    language,
                )
            )
            fts.append(
                (
                    i,
                    title,
                    text,
                    "Rédaction",
                    f"Source {feed_id - 1}",
                    "",
                    state(hidden=False, head=True, language=language),
                )
            )
        conn.executemany(
            "INSERT INTO items (id, feed_id, guid, url, title, author, content, published, "
            "first_seen, sort_ts, read, starred, language) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO items_fts (rowid, title, text, author, feed, note, state) "
            "VALUES (?,?,?,?,?,?,?)",
            fts,
        )
        for n, tag in enumerate(TAGS, 1):
            conn.execute("INSERT INTO tags (id, name) VALUES (?, ?)", (n, tag))
        conn.executemany(
            "INSERT INTO item_tags (item_id, tag_id) VALUES (?, ?)",
            [(i, rng.randrange(1, len(TAGS) + 1)) for i in range(1, items + 1, 20)],
        )
        conn.executemany(
            "INSERT INTO notes (item_id, body, updated) VALUES (?, ?, 0)",
            [(i, "Note : chiffres à vérifier") for i in range(1, items + 1, 100)],
        )
        # A library in use has had its cache-only articles brought home at its first refresh;
        # without the mark, every refresh into a fresh copy would pay that one-time scan.
        conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, '1')", (TEXTS_HOME,))
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    print(
        f"built {items} items over {feeds} feeds in {time.perf_counter() - started:.1f} s "
        f"at {paths.library}",
        file=sys.stderr,
    )
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    args = parser.parse_args()
    build(args.home, items=args.items, feeds=args.feeds)


if __name__ == "__main__":
    main()
