"""Refresh benchmark: N generated feeds × 50 items served locally, cold then warm (all 304).

    uv run python bench/refresh.py --feeds 200 --latency 0.1
    uv run python bench/refresh.py --feeds 1000 --latency 0
    uv run python bench/refresh.py --feeds 1000 --latency 0 --corpus realistic --newsboat

`--corpus plain` (the default) makes feeds whose items share nothing; `realistic` and `repeated`
make outlets that carry each other's dispatches, summary-only on two feeds in three, with titles
from a shared vocabulary or from 92 headings (see bench/corpus.py). Those two refresh with full
text off (`full_text = "never"`), unless `--full-text`: then each item links to its article page,
served on its feed's host, and the refresh runs with the default policy (`auto`: the newest
truncated items of each new feed are fetched before the command ends). `--newsboat` then runs
newsboat (8 reload threads) on the same feeds from the same servers, cold then warm. `--home DIR`
refreshes into an existing library (a bench/biglib.py library) instead of an empty one, only the
benchmark's feeds, which it leaves there. `--rounds N` alternates newsboat and veille N times, each
round in fresh homes, and ends with the medians and the ratio round by round: on a shared machine
two runs of one command differ by a third, and a ratio from one run alone by up to half of itself. The refresh has no deadline (`deadline = 3600`), so that
the last feeds of a large run are measured rather than postponed.

The plain corpus's feeds are about 110 KB of RSS 2.0 with full-article content. They are served
with an emulated latency before each response by two separate processes (so that the server does
not share the refresh's interpreter), each one event loop answering all of its hosts, every
listening socket with a deep backlog: a thread per connection made the servers the bottleneck at
a few thousand feeds. The refresh runs as `veille --home TMP refresh --json` in a subprocess, from
compiled bytecode as an installed veille does: the figures are wall time, CPU time (user +
system, worker processes included) and the peak resident memory of the largest process.

Every feed lives on a host of its own, as a reader's subscriptions do (200 feeds are 200 sites,
not 200 paths on one server): feed n is served at 127.1.x.y, a distinct loopback address (Linux
routes all of 127.0.0.0/8 to the loopback interface, so no setup is needed). This matters because
the fetcher's per-host politeness limit is keyed by host name: with every feed on 127.0.0.1, the
limit of 4 requests per host would serialise the whole refresh behind one imaginary server (200
feeds × 100 ms / 4 ≥ 5 s) and measure nothing a user sees. Distinct hosts also cost what they
cost in life: a connection per site, no keep-alive reuse across feeds. `--hosts` caps how many
sites the feeds are spread over (several feeds per site beyond that).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from feedserver import host_of, start_servers


def _with_bytecode() -> dict[str, str]:
    """The environment for veille's processes, with Python's bytecode cache allowed.

    An installed veille runs from compiled bytecode. Some environments (containers, CI) set
    PYTHONDONTWRITEBYTECODE, which would make the refresh and each of its worker processes
    compile every module from source on every run: start-up cost no user pays.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _measured(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, int, int, str]:
    """Run `command`: (wall seconds, CPU seconds, peak resident KiB, exit status, its output, or
    the end of its error output when it failed).

    The CPU and the peak are the command's own, its worker processes included (what `wait4`
    reports of it), not the largest of every process this benchmark has started so far.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        if process.returncode not in (0, 1):
            text = err.read().decode("utf-8", "replace")[-2000:]
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, process.returncode, text


def run_refresh(
    home: Path, feeds: list[str] | None = None
) -> tuple[float, float, int, dict[str, object]]:
    """One `veille refresh --json` (of `feeds` only, when named), timed from outside."""
    elapsed, cpu, peak, status, output = _measured(
        [sys.executable, "-m", "veille", "--home", str(home), "refresh", "--json"]
        + [arg for url in feeds or () for arg in ("--feed", url)],
        _with_bytecode(),
    )
    if status not in (0, 1):
        raise SystemExit(f"refresh failed with status {status}: {output}")
    return elapsed, cpu, peak, json.loads(output)


def run_newsboat(home: Path, urls: list[str]) -> tuple[float, float]:
    """One `newsboat -x reload` with 8 reload threads over `urls`: (wall seconds, peak MB)."""
    (home / "urls").write_text("\n".join(urls) + "\n")
    (home / "newsboat.conf").write_text("reload-threads 8\nshow-read-feeds yes\n")
    files = ["-u", str(home / "urls"), "-c", str(home / "cache.db")]
    elapsed, _, peak, status, output = _measured(
        ["newsboat", *files, "-C", str(home / "newsboat.conf"), "-x", "reload"]
    )
    if status != 0:
        raise SystemExit(f"newsboat failed with status {status}: {output}")
    return elapsed, peak / 1024


def one_round(args: argparse.Namespace, hosts: int) -> tuple[float | None, float | None]:
    """One cold then warm refresh of each client asked for, in fresh homes (or `--home`): the
    cold wall times of newsboat-8 and veille (None for the one not run)."""
    nb_cold: float | None = None
    with tempfile.TemporaryDirectory(prefix="veille-bench-") as tmp:
        home = args.home or Path(tmp)
        urls = [f"http://{host_of(n, hosts)}:{args.port}/feed/{n}.xml" for n in range(args.feeds)]
        opml = ["<opml version='2.0'><body>"]
        opml.extend(f"<outline text='f{n}' xmlUrl='{url}'/>" for n, url in enumerate(urls))
        opml.append("</body></opml>")
        config = home / "config.toml"
        if not args.home or not config.exists():
            # The whole refresh is measured: no deadline postpones the last feeds.
            never = args.corpus != "plain" and not args.full_text
            config.write_text(
                ('full_text = "never"\n' if never else "") + "[refresh]\ndeadline = 3600\n"
            )
        subs = Path(tmp) / "subs.opml"
        subs.write_text("".join(opml))
        env = {**_with_bytecode(), "VEILLE_HOME": str(home)}
        import veille  # compiled once here, as installing veille would have done

        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(Path(veille.__file__).parent)],
            check=True,
            env=env,
        )
        subprocess.run(
            [sys.executable, "-m", "veille", "import", str(subs)],
            check=True,
            env=env,
            capture_output=True,
        )
        label = f"{args.feeds} feeds × 50 items ({args.corpus}) on {hosts} hosts, "
        label += f"latency {args.latency * 1000:.0f} ms"
        if args.newsboat:
            nb_home = Path(tmp) / "newsboat"
            nb_home.mkdir()
            nb_cold, nb_peak = run_newsboat(nb_home, urls)
            nb_warm, nb_peak = run_newsboat(nb_home, urls)
            print(f"newsboat-8, {label}")
            print(f"  cold: {nb_cold:6.2f} s  warm: {nb_warm:6.2f} s  peak {nb_peak:.0f} MB")
            if args.no_veille:
                return
        # Into an existing library, only the benchmark's feeds: its own may not be reachable.
        only = urls if args.home else None
        cold, cold_cpu, cold_peak, cold_report = run_refresh(home, only)
        warm, warm_cpu, warm_peak, warm_report = run_refresh(home, only)
        print(f"veille, {label}")
        print(
            f"  cold: {cold:6.2f} s  (cpu {cold_cpu:5.2f} s, {cold_cpu / args.feeds * 1000:.1f}"
            f" ms per feed)  new items {cold_report['new_items']}, "
            f"errors {len(cold_report['errors'])}, postponed {len(cold_report['postponed'])}"
        )  # type: ignore[arg-type]
        texts = cold_report["full_text"]
        if texts["fetched"] or texts["failed"]:  # type: ignore[index]
            print(
                f"        feeds stored in {cold_report['elapsed'] - texts['elapsed']:.2f} s, "
                f"then {texts['fetched']} articles in {texts['elapsed']:.2f} s "
                f"({texts['failed']} failed)"
            )  # type: ignore[index]
        print(
            f"  warm: {warm:6.2f} s  (cpu {warm_cpu:5.2f} s)  "
            f"not modified {warm_report['not_modified']}, "
            f"errors {len(warm_report['errors'])}"
        )  # type: ignore[arg-type]
        print(f"  peak memory: {max(cold_peak, warm_peak) / 1024:.0f} MB")
        if cold_report["errors"]:
            print("  first errors:", cold_report["errors"][:3])  # type: ignore[index]
        return nb_cold, cold


def summarize(cold_times: list[tuple[float | None, float | None]]) -> None:
    """Medians of the rounds' cold refreshes, and veille's to newsboat-8's round by round: on a
    shared machine one run's ratio moves by half of itself, the median of alternated ones less."""
    for name, at in (("newsboat-8", 0), ("veille", 1)):
        times = [time for pair in cold_times if (time := pair[at]) is not None]
        if times:
            listed = ", ".join(f"{t:.2f}" for t in times)
            median = statistics.median(times)
            print(f"{name} cold, median of {len(times)}: {median:.2f} s [{listed}]")
    ratios = [v / n for n, v in cold_times if n and v]
    if ratios:
        listed = ", ".join(f"{r:.2f}" for r in ratios)
        median = statistics.median(ratios)
        print(f"veille / newsboat-8 cold, round by round: median {median:.2f}× [{listed}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each reply")
    parser.add_argument(
        "--hosts",
        type=int,
        default=1000,
        help="sites the feeds are spread over, at most 62,500 (default 1000)",
    )
    parser.add_argument("--port", type=int, default=18_080)
    parser.add_argument("--corpus", choices=("plain", "realistic", "repeated"), default="plain")
    parser.add_argument("--newsboat", action="store_true", help="newsboat-8 on the same feeds")
    parser.add_argument(
        "--full-text",
        action="store_true",
        help="realistic or repeated corpus: serve each item's article page on its feed's host "
        "and refresh with the default full-text policy (off otherwise)",
    )
    parser.add_argument("--no-veille", action="store_true", help="with --newsboat: it alone")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="alternate newsboat-8 and veille this many times, each in fresh homes, and report "
        "medians (not with --home, which one round fills)",
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="refresh into this existing home (e.g. a bench/biglib.py library) instead of an "
        "empty one; its feeds are left in it (use another --port for each run)",
    )
    args = parser.parse_args()
    if args.home and args.rounds > 1:
        parser.error("--rounds needs fresh homes: not with --home")
    hosts = max(1, min(args.hosts, args.feeds, 62_500))

    processes = start_servers(
        args.port, args.feeds, hosts, args.latency, args.corpus, args.full_text
    )
    try:
        cold_times: list[tuple[float | None, float | None]] = []
        for round_no in range(args.rounds):
            if args.rounds > 1:
                print(f"== round {round_no + 1} of {args.rounds}")
            cold_times.append(one_round(args, hosts))
        if args.rounds > 1:
            summarize(cold_times)
    finally:
        for proc in processes:
            proc.terminate()


if __name__ == "__main__":
    main()
