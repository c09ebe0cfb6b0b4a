"""Sync benchmark against the fake Google Reader server (FreshRSS dialect), in its own process.

    uv run python bench/sync.py [--dialect freshrss-1.26|freshrss-1.25|miniflux]

1. first sync of 200 feeds × 50 items (10,000) into an empty library: wall time, peak memory
   of the veille process (the server runs in another one);
2. incremental sync after 1,000 remote state changes, 100 new items, with 50 labels;
3. pushing 1,000 local read marks: the client's CPU time and the requests it took;
4. an idle sync.

Targets (issue 23): ≤ 10 s and ≤ 250 MB; ≤ 1.5 s; ≤ 1 s in ≤ 3 requests; ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

FEEDS, PER_FEED, LABELS = 200, 50, 50


def server_process(dialect: str, pipe: Connection) -> None:
    from tests.greader_fake import serve

    with serve(dialect) as (fake, endpoint):
        rng = random.Random(23)
        letters = "abcdefghijklmnopqrstuvwxyz"
        words = ["".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(20000)]

        def title() -> str:  # titles of different stories share few words, as in real feeds
            return " ".join(rng.sample(words, 7)).capitalize()

        for f in range(FEEDS):
            feed = fake.add_feed(f"https://site{f}.example.org/feed.xml", f"Site {f}",
                                 folder=f"Dossier {f % 10}")  # fmt: skip
            for k in range(PER_FEED):
                fake.add_item(feed, title() + " & sécurité",
                              f"https://site{f}.example.org/{k}", content="<p>" + "texte " * 80,
                              read=rng.random() < 0.5, starred=rng.random() < 0.05)  # fmt: skip
        ids = list(fake.items)
        if not fake.miniflux:
            for n in range(LABELS):
                fake.labels[f"label/{n}"] = set(rng.sample(ids, 40))
        pipe.send(endpoint)
        while True:
            command = pipe.recv()
            if command == "changes":
                with fake.lock:
                    for i in rng.sample(ids, 1000):
                        item = fake.items[i]
                        if rng.random() < 0.7:
                            item.read = not item.read
                        else:
                            item.starred = not item.starred
                    feeds = list(fake.feeds.values())
                    for k in range(100):
                        fake.add_item(feeds[k % len(feeds)], title(),
                                      f"https://new.example.org/{k}")  # fmt: skip
                pipe.send("ok")
            elif command == "edit-tags":
                pipe.send(len(fake.calls("/reader/api/0/edit-tag")))
            else:
                pipe.send("bye")
                return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dialect", default="freshrss-1.26")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=server_process, args=(args.dialect, theirs), daemon=True)
    child.start()
    endpoint = ours.recv()
    from veille.core import open_veille

    kind = "miniflux" if args.dialect == "miniflux" else "freshrss"
    with tempfile.TemporaryDirectory() as home:
        v = open_veille(Path(home))
        v.paths.ensure()
        v.add_account("bench", kind, endpoint, "alice", password="secret-pw")

        started = time.perf_counter()
        [first] = v.sync()
        took = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"first sync, {FEEDS} feeds × {PER_FEED} items: {took:.2f} s, "
              f"peak {peak:.0f} MB, {first.requests} requests "
              f"({first.pulled['new items']} new items)")  # fmt: skip

        ours.send("changes")
        ours.recv()
        stages: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            stages.setdefault(stage, time.perf_counter())

        started = time.perf_counter()
        [inc] = v.sync(on_progress=progress)
        took = time.perf_counter() - started
        marks = sorted(stages.items(), key=lambda kv: kv[1])
        print("  stages: " + ", ".join(
            f"{name} {(marks[k + 1][1] if k + 1 < len(marks) else started + took) - at:.2f}"
            for k, (name, at) in enumerate(marks)))  # fmt: skip
        changed = sum(inc.pulled[k] for k in ("read", "unread", "star", "unstar"))
        print(f"incremental, 1,000 remote changes + 100 new items, {LABELS} labels: "
              f"{took:.2f} s, {inc.requests} requests ({changed} changes pulled, "
              f"{inc.pulled['new items']} new)")  # fmt: skip

        unread = v.library.item_ids("is:unread")[:1000]
        v.library.set_read(unread)
        ours.send("edit-tags")
        before = ours.recv()
        cpu = time.process_time()
        started = time.perf_counter()
        [push] = v.sync()
        took = time.perf_counter() - started
        cpu = time.process_time() - cpu
        ours.send("edit-tags")
        edits = ours.recv() - before
        print(f"push 1,000 local read marks: {cpu:.2f} s of client CPU ({took:.2f} s wall), "
              f"{edits} edit-tag requests, {push.pushed['read']} pushed")  # fmt: skip

        started = time.perf_counter()
        [idle] = v.sync()
        took = time.perf_counter() - started
        print(f"idle sync: {took:.2f} s, {idle.requests} requests")
        v.close()
    ours.send("quit")
    ours.recv()
    child.join(5)


if __name__ == "__main__":
    main()
