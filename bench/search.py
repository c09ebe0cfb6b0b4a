"""Search, watch-rule and export benchmark on a 100,000-item library.

    uv run python bench/search.py [--home DIR] [--queries-only]

For each query: the first window of the list (100 rows) and the count, as the app asks for them,
timed over 20 runs (p50 and p95), then each of the two alone (p95), and the second window as the
app reads it when the reader scrolls on (from the first one's last row; p95). Then a watch rule applied to
the whole library, and exports of 10,000 items in every format. The library is built by
bench/biglib.py (once per --home).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from biglib import build

from veille.core.library import open_library

QUERIES = [
    "",
    "securite",
    "123",
    '"reconnaissance faciale"',
    "biométrie OR surveillance",
    "algo*",
    "tag:cnil",
    "is:starred",
    "is:unread tag:ue",
    "since:30d",
    "folder:Presse is:unread",
    "securite -climat",
    "feed:source -données",
    "feed:site1",
    "has:note",
    "(climat OR énergie) -tag:à-lire since:90d",
    "lang:en transparence",
    "sécurités",  # stemmed: every form of « sécurité » the index holds
    "surveillances -données",
]


def timed(fn: object, runs: int = 20) -> tuple[float, float]:
    return timed_cpu(fn, runs)[:2]


def timed_cpu(fn: object, runs: int = 20) -> tuple[float, float, float]:
    """p50 and p95 wall milliseconds, and the p50 of CPU milliseconds (on a loaded machine,
    wall times wait for the processor; CPU times do not)."""
    samples = []
    cpu = []
    for _ in range(runs):
        started = time.perf_counter()
        began = time.process_time()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument(
        "--queries-only", action="store_true", help="skip the watch rule and the exports"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.gettempdir()) / "veille-bench-100k"
    paths = build(home)
    with open_library(paths.library, backups=paths.backups) as lib:
        print(
            f"{'query':<45} {'p50 ms':>8} {'p95 ms':>8} {'window':>8} {'count':>8} {'matches':>8}"
            f" {'cpu p50':>8} {'page 2':>8}"
        )
        worst = 0.0
        for query in QUERIES:
            p50, p95, cpu = timed_cpu(lambda q=query: (lib.rows(q, limit=100), lib.count(q)))
            # The app asks for the window first and shows it before the count arrives.
            _, window = timed(lambda q=query: lib.rows(q, limit=100))
            _, count = timed(lambda q=query: lib.count(q))
            first = lib.rows(query, limit=100)
            after = first[-1].id if len(first) == 100 else None
            page2 = (
                f"{timed(lambda q=query, a=after: lib.rows(q, offset=100, limit=100, after=a))[1]:8.1f}"
                if after is not None
                else f"{'-':>8}"
            )
            worst = max(worst, p95)
            print(
                f"{query or '(all)':<45} {p50:8.1f} {p95:8.1f} {window:8.1f} {count:8.1f} "
                f"{lib.count(query):8d} {cpu:8.1f} {page2}"
            )
        print(f"worst p95: {worst:.1f} ms (window and count: p95 of each alone)")
        if args.queries_only:
            return

        lib.save_rule(
            "bench", '"reconnaissance faciale" OR biométrie', add_tags=["surveillance/biométrie"]
        )
        started = time.perf_counter()
        counts = lib.apply_rules(name="bench")
        print(
            f"watch apply over the library: {time.perf_counter() - started:.2f} s "
            f"({counts['bench']} items matched)"
        )

        from veille.core.export import FORMATS, ExportOptions, export_items

        started = time.perf_counter()
        items = lib.items("", limit=10_000)
        load = time.perf_counter() - started
        feeds = lib.feeds()
        print(f"load 10,000 items: {load:.2f} s")
        for fmt in FORMATS:
            started = time.perf_counter()
            text = export_items(
                items,
                fmt,
                ExportOptions(
                    lang="fr",
                    group_by="tag" if fmt in ("md", "html") else "none",
                    generated=datetime(2026, 11, 22, tzinfo=UTC),
                ),
                feeds,
            )
            print(
                f"export {fmt:<9} {time.perf_counter() - started + load:6.2f} s "
                f"(with loading), {len(text) / 1e6:.1f} MB"
            )


if __name__ == "__main__":
    main()
