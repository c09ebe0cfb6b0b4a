"""Press review benchmark: 1,000 starred items exported in every format, as `veille export` does.

    uv run python bench/review.py [--items 1000] [--runs 5]

The library is built in a temporary home through the production write path: French and English
feeds, one item in ten part of a story told by three outlets, tags on every item, a note on one
in five, and a pinned full text of about 6 KB (with a caption, a cookie notice and a call to
subscribe) on half of them. Each format is timed from the query to the finished text (or DOCX
bytes), items read from SQLite included; the target is 1 s per format for 1,000 items.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from veille.core import FORMATS, open_veille
from veille.core.ingest.entries import prepare_entries
from veille.core.library import Fetched
from veille.core.model import ParsedEntry, ParsedFeed

TARGET = 1.0
WORDS = (  # noqa: SIM905
    "amende sanction opérateur données santé hôpital biométrie reconnaissance faciale cour "
    "tribunal décision recours conseil état ministre loi sénat vote budget énergie climat "
    "court ruling fine regulator privacy vendor breach cloud market merger union council "
    "parliament treaty election campaign satellite network fibre spectrum auction"
).split()
FULL_TEXT = (
    "<figure><img src='a.jpg'><figcaption>Generated with DALL·E 3</figcaption></figure>"
    "<p>Nous utilisons des cookies pour améliorer votre expérience.</p>"
    + "".join(
        f"<p>Paragraphe {n} : la formation restreinte a prononcé une amende de 14 000 € contre "
        "l'opérateur, qui « conteste » la décision ; il a deux mois pour faire appel !</p>"
        for n in range(40)
    )
    + "<p>Abonnez-vous à notre newsletter</p>"
)


def build(v: object, items: int) -> None:
    from veille.core import Veille

    assert isinstance(v, Veille)
    lib = v.library
    base = datetime(2026, 12, 1, 7, tzinfo=UTC)
    feeds = []
    for n in range(12):
        lang = "fr" if n < 8 else "en"
        feeds.append((lib.add_feed(f"https://outlet{n}.example/rss", title=f"Outlet {n}"), lang))
    made = 0
    new_ids: list[int] = []
    while made < items:
        feed, lang = feeds[made % len(feeds)]
        entries = []
        for k in range(50):
            n = made + k
            story = n % 10 == 0
            # Titles of words drawn at random: alike only where a story is meant.
            pick = random.Random(n // 30 if story else n).sample(WORDS, 6)
            title = " ".join(pick).capitalize() + (" ?" if lang == "fr" else "?")
            entries.append(
                ParsedEntry(
                    guid=f"g{n}",
                    link=f"https://outlet.example/{n}?utm_source=rss&utm_medium=feed&id={n}",
                    title=title,
                    author="Camille Martin",
                    summary=f"<p>Photo : AFP. Résumé de l'article {n} : il y a 3 500 personnes.</p>",
                    published=base - timedelta(minutes=n),
                    language=lang,
                )
            )
        parsed = ParsedFeed(title=f"Outlet {feed.id}", language=lang, entries=entries)
        prepared = prepare_entries(parsed, None)
        [result] = lib.record_refresh(
            [Fetched(feed.id, replace(parsed, entries=[]), prepared, 200)]
        )
        new_ids += result.new_ids  # type: ignore[union-attr]
        made += len(entries)
    lib.cluster(new_ids)
    lib.set_starred(new_ids)
    tags = ["cnil", "santé", "biométrie", "télécoms", "ue", "climat"]
    for n, item_id in enumerate(new_ids):
        lib.tag([item_id], add=[tags[n % len(tags)], tags[(n * 7 + 1) % len(tags)]])
        if n % 5 == 0:
            lib.set_note(item_id, "À citer : « important » pour la revue")
        if n % 2 == 0:
            lib.record_full_text(item_id, FULL_TEXT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, open_veille(Path(folder) / "home") as v:
        started = time.perf_counter()
        build(v, args.items)
        starred = v.count("is:starred")
        print(f"library: {starred} starred items, built in {time.perf_counter() - started:.1f} s")
        options = v.export_options(lang="fr", group_by="tag", query="is:starred")
        worst = 0.0
        for fmt in FORMATS:
            samples, cpu = [], []
            for _ in range(args.runs):
                began, began_cpu = time.perf_counter(), time.process_time()
                done = v.export(fmt, options, query="is:starred")
                samples.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
            median = statistics.median(samples)
            worst = max(worst, median)
            size = len(done.data) if done.data else len(done.text.encode())
            print(
                f"{fmt:>10}: {median * 1000:6.0f} ms median ({statistics.median(cpu) * 1000:4.0f}"
                f" ms CPU), {max(samples) * 1000:6.0f} ms max, {done.count} items,"
                f" {done.stories} stories, {size / 1024:.0f} KiB"
            )
        verdict = "within" if worst <= TARGET else "OVER"
        print(f"slowest format: {worst * 1000:.0f} ms ({verdict} the {TARGET:.0f} s target)")
        # On a shared machine the wall clock counts other processes' turns too.
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
