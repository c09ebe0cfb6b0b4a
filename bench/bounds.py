"""What bounds a cold refresh: the same refresh again with one of its parts made free.

    uv run python bench/bounds.py [--feeds 200] [--latency 0.1] [--corpus realistic] [--rounds 5]

Serves the feeds as `bench/refresh.py` does, imports them into fresh homes, and refreshes them
cold (`veille refresh --json`, full text off) `--rounds` times in each of these ways, alternated:

- `as is`;
- `free parsing`: the parser processes hand back each feed's parsed and prepared items, made
  before the run and read from a file (the document is still fetched and sent to them);
- `free parsing and grouping`: that, and no story grouping once the feeds are stored;
- `free storing`: the writer stores nothing and there is no grouping (fetching and parsing).

The medians say how far a faster part could take the refresh: if parsing cost nothing, the
refresh would still take what `free parsing` takes, and so on. The parts are replaced inside the
refresh's own process (`--child`), so everything else is the real code: the fetcher, the
in-flight window, the worker processes (forked, as the command line's are: from 40 feeds up)
and the writer's batches.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
from pathlib import Path

WAYS = ("as is", "free parsing", "free parsing and grouping", "free storing")


def _answer_file(folder: str, url: str) -> Path:
    return Path(folder) / (hashlib.sha1(url.encode()).hexdigest() + ".pickle")


def _prepare_answers(folder: Path, urls: list[str], corpus: str) -> None:
    """Each feed's parsed and prepared items, as its parser process would return them."""
    from corpus import make_feed as realistic_feed
    from feedserver import make_feed as plain_feed

    from veille.core.ingest.prepare import parse_and_prepare

    for n, url in enumerate(urls):
        document = plain_feed(n) if corpus == "plain" else realistic_feed(n, corpus)
        answer = parse_and_prepare(document, url, "application/rss+xml")
        _answer_file(str(folder), url).write_bytes(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))


def _answered(body: bytes, url: str, content_type: str) -> object:
    """In a parser process, instead of parsing `body`: the answer made before the run."""
    return pickle.loads(_answer_file(os.environ["BOUNDS_ANSWERS"], url).read_bytes())


def child(way: str, home: str) -> None:
    """Run `veille --home HOME refresh --json` in this process, with the part `way` names free."""
    import veille.core.ingest.workers as workers
    from veille.cli import launch
    from veille.core.library import Library, StoreResult

    if way in ("free parsing", "free parsing and grouping"):
        # Looked up by the refresh at each document, pickled by name for the forked workers.
        workers.in_worker = _answered  # type: ignore[assignment]
    if way in ("free parsing and grouping", "free storing"):
        Library.cluster = lambda self, new_ids: 0  # type: ignore[method-assign]
    if way == "free storing":
        numbered = iter(range(1, 10**9))

        def record_refresh(self: Library, outcomes: list[object]) -> list[object]:
            return [
                StoreResult(new_ids=[next(numbered) for _ in getattr(o, "prepared", ())])
                for o in outcomes
            ]

        Library.record_refresh = record_refresh  # type: ignore[method-assign,assignment]
    sys.argv = ["veille", "--home", home, "refresh", "--json"]
    launch()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--corpus", choices=("plain", "realistic", "repeated"), default="realistic")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=18_950)
    parser.add_argument("--child", nargs=2, metavar=("WAY", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    # Imported here, not at the top: the refresh measured (`--child`) loads only what the
    # command itself would.
    import statistics
    import tempfile

    from feedserver import host_of, start_servers
    from refresh import _measured, _with_bytecode

    if args.feeds < 40:
        raise SystemExit("--feeds: at least 40, where the refresh parses in worker processes")
    hosts = min(args.feeds, 1000)
    urls = [f"http://{host_of(n, hosts)}:{args.port}/feed/{n}.xml" for n in range(args.feeds)]
    servers = start_servers(args.port, args.feeds, hosts, args.latency, args.corpus)
    walls: dict[str, list[float]] = {way: [] for way in WAYS}
    cpus: dict[str, list[float]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory(prefix="veille-bounds-") as tmp:
        answers = Path(tmp) / "answers"
        answers.mkdir()
        _prepare_answers(answers, urls, args.corpus)
        outlines = "".join(f"<outline text='f{n}' xmlUrl='{url}'/>" for n, url in enumerate(urls))
        subscriptions = Path(tmp) / "subs.opml"
        subscriptions.write_text(f"<opml version='2.0'><body>{outlines}</body></opml>")
        env = {**_with_bytecode(), "BOUNDS_ANSWERS": str(answers)}
        for round_ in range(args.rounds):
            for n, way in enumerate(WAYS):
                home = Path(tmp) / f"home-{round_}-{n}"
                home.mkdir()
                (home / "config.toml").write_text(
                    'full_text = "never"\n[refresh]\ndeadline = 3600\n'
                )
                command = [sys.executable, "-m", "veille", "--home", str(home)]
                _, _, _, status, output = _measured([*command, "import", str(subscriptions)], env)
                if status != 0:
                    raise SystemExit(f"import failed: {output}")
                wall, cpu, _, status, output = _measured(
                    [sys.executable, __file__, "--child", way, str(home)], env
                )
                if status not in (0, 1):
                    raise SystemExit(f"refresh ({way}) failed with status {status}: {output}")
                walls[way].append(wall)
                cpus[way].append(cpu)
                print(f"round {round_ + 1}, {way}: {wall:.2f} s (CPU {cpu:.2f} s)", flush=True)
    for server in servers:
        server.terminate()
    print(f"{args.feeds} feeds ({args.corpus}), latency {args.latency * 1000:.0f} ms, medians:")
    for way in WAYS:
        listed = ", ".join(f"{w:.2f}" for w in walls[way])
        print(
            f"  {way:27} {statistics.median(walls[way]):5.2f} s"
            f" (CPU {statistics.median(cpus[way]):.2f} s) [{listed}]"
        )


if __name__ == "__main__":
    main()
