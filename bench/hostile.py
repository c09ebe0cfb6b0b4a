"""The worst hostile feeds, refreshed in a fresh home: elapsed time and peak memory growth.

    uv run python bench/hostile.py
    uv run python bench/hostile.py --total-timeout 60 --only trickle
    uv run python bench/hostile.py --only slowhosts

The attacks are served from 127.0.0.1 by the test suite's loopback server, in this process. Each
refresh runs in a child process with the default settings (16 MiB body cap) except the total
timeout, which defaults to 10 s here so that the trickle does not take a minute. The child first
refreshes one good feed, so every module is loaded, then reads its peak resident memory (VmHWM),
refreshes the attacking feed, and reports how far the peak rose.

`slowhosts` is the refresh of a morning when a few sites are in trouble: 21 feeds trickling one
byte a second from 7 host names (127.0.0.2 to 127.0.0.8) beside 50 good feeds on 5 others, all
refreshed at once with the default settings (its own timeouts included), as `veille refresh`
would. It reports when the last good feed was stored, the wall time of the whole refresh (full
text prefetch included) and what the refresh's report says of it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.httpserver import (  # the repository root was put on the path just above
    LocalServer,
    Response,
    brotli_bomb,
    endless,
    gzip_bomb,
    trickle,
)

MIB = 1024 * 1024
GB = 1024 * MIB

GOOD = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bon</title>'
    b"<item><title>Un</title><guid>1</guid><description>texte</description></item>"
    b"</channel></rss>"
)

CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path
from veille.core.ingest.refresh import refresh
from veille.core.library import open_library
from veille.core.settings import Settings

def hwm():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0

home, warm, url, total = sys.argv[1:5]
lib = open_library(Path(home) / "library.sqlite")
settings = Settings()
settings.full_text = "never"
settings.refresh.total_timeout = float(total)
lib.add_feed(warm)
asyncio.run(refresh(lib, settings))
base = hwm()
feed = lib.add_feed(url)
started = time.monotonic()
asyncio.run(refresh(lib, settings, [feed.id]))
elapsed = time.monotonic() - started
after = lib.feed(feed.id)
count = lib.conn.execute("SELECT count(*) FROM items WHERE feed_id = ?", (feed.id,)).fetchone()[0]
print(json.dumps({"elapsed": elapsed, "base_mb": base, "growth_mb": hwm() - base,
                  "error": after.last_error, "items": count}))
"""


def huge_feed(total: int) -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Gros</title>'
    block = b"".join(
        f"<item><title>T{n}</title><guid>g{n}</guid><description>{'x' * 900}</description>"
        f"</item>".encode()
        for n in range(64)
    )
    for _ in range(total // len(block)):
        yield block
    yield b"</channel></rss>"


def many_items(count: int) -> bytes:
    items = "".join(f"<item><title>n{n}</title><guid>{n}</guid></item>" for n in range(count))
    return f'<rss version="2.0"><channel><title>Beaucoup</title>{items}</channel></rss>'.encode()


def laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
        '<rss version="2.0"><channel><title>Rires</title><item><title>&l9;</title>'
        "<guid>x</guid><description>&l9;</description></item></channel></rss>"
    ).encode()


ATTACKS: dict[str, Callable[[LocalServer], None]] = {
    "gzip bomb (10 GB)": lambda s: s.handle(
        "/x",
        lambda r: Response(200, stream=gzip_bomb(10 * GB), headers={"Content-Encoding": "gzip"}),
    ),
    "brotli bomb (1 GB)": lambda s: s.add(
        "/x", brotli_bomb(GB), headers={"Content-Encoding": "br"}
    ),
    "endless body": lambda s: s.handle("/x", lambda r: Response(200, stream=endless())),
    "200 MB feed": lambda s: s.handle("/x", lambda r: Response(200, stream=huge_feed(200 * MIB))),
    "100,000 items (4.9 MB)": lambda s: s.add("/x", many_items(100_000)),
    "billion laughs": lambda s: s.add("/x", laughs()),
    "trickle 1 byte/s": lambda s: s.handle(
        "/x", lambda r: Response(200, stream=trickle(GOOD), chunk_delay=1.0)
    ),
}


SLOW_CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path
from veille.core.library import open_library
from veille.core.pipeline import refresh_all
from veille.core.fulltext.cache import open_cache
from veille.core.settings import Settings, resolve_paths

home, urls = sys.argv[1], json.loads(sys.argv[2])
paths = resolve_paths(home)
paths.ensure()
settings = Settings()
lib = open_library(paths.library)
good = {lib.add_feed(url).id for url in urls["good"]}
for url in urls["slow"]:
    lib.add_feed(url)
stored = {}
started = time.monotonic()

def progress(p):
    if p.feed_id in good and not p.error:
        stored[p.feed_id] = time.monotonic() - started

report, fetched = asyncio.run(refresh_all(lib, settings, open_cache(paths, settings),
                                          on_progress=progress))
wall = time.monotonic() - started
print(json.dumps({
    "goods_stored": len(stored), "goods": len(good),
    "last_good": max(stored.values(), default=None), "wall": wall,
    "reported": report.elapsed, "errors": len(report.errors),
    "timed_out": len(getattr(report, "timed_out", {})),
    "postponed": len(getattr(report, "postponed", {})),
}))
"""

SLOW_HOSTS = [f"127.0.0.{n}" for n in range(2, 9)]
GOOD_HOSTS = ["127.0.0.1", *(f"127.0.0.{n}" for n in range(9, 13))]


def run_slow_hosts() -> dict[str, object]:
    servers = [LocalServer(host) for host in (*SLOW_HOSTS, *GOOD_HOSTS)]
    urls: dict[str, list[str]] = {"slow": [], "good": []}
    try:
        for server in servers:
            server.start()
            if server.host in SLOW_HOSTS:
                for n in range(3):
                    server.handle(
                        f"/slow-{n}.xml",
                        lambda r: Response(200, stream=trickle(GOOD), chunk_delay=1.0),
                    )
                    urls["slow"].append(server.url(f"/slow-{n}.xml"))
            else:
                for n in range(10):
                    server.add(f"/good-{n}.xml", GOOD.replace(b"<guid>1", f"<guid>{n}".encode()))
                    urls["good"].append(server.url(f"/good-{n}.xml"))
        with tempfile.TemporaryDirectory() as home:
            done = subprocess.run(
                [sys.executable, "-c", SLOW_CHILD, home, json.dumps(urls)],
                capture_output=True,
                text=True,
                timeout=900,
            )
    finally:
        for server in servers:
            server.stop()
    if done.returncode != 0:
        raise SystemExit(f"slowhosts: the child failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def run(name: str, total_timeout: float) -> dict[str, object]:
    with LocalServer() as server, tempfile.TemporaryDirectory() as home:
        server.add("/good.xml", GOOD)
        ATTACKS[name](server)
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                home,
                server.url("/good.xml"),
                server.url("/x"),
                str(total_timeout),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise SystemExit(f"{name}: the child failed:\n{done.stderr}")
        result: dict[str, object] = json.loads(done.stdout)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total-timeout", type=float, default=10.0)
    parser.add_argument("--only", help="run only the attacks whose name contains this")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for name in ATTACKS:
        if args.only and args.only not in name:
            continue
        results[name] = run(name, args.total_timeout)
        if not args.json:
            r = results[name]
            outcome = r["error"] or f"{r['items']} items stored"
            print(
                f"{name:<24} {r['elapsed']:>6.2f} s  {r['growth_mb']:>+7.1f} MB  "
                f"(base {r['base_mb']:.0f} MB)  {outcome}",
                flush=True,
            )
    if not args.only or args.only in "slowhosts":
        results["slowhosts"] = r = run_slow_hosts()
        if not args.json:
            print(
                f"{'slowhosts':<24} {r['goods_stored']}/{r['goods']} good feeds stored after "
                f"{r['last_good']:.2f} s; refresh {r['wall']:.2f} s wall, "
                f"{r['reported']:.2f} s reported; {r['errors']} errors "
                f"({r['timed_out']} timed out, {r['postponed']} postponed)",
                flush=True,
            )
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
