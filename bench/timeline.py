"""Where a cold refresh spends its time: the CPU of each of its processes and threads, over time.

    uv run python bench/timeline.py [--feeds 200] [--latency 0.1] [--corpus realistic]

Serves the feeds as `bench/refresh.py` does, imports them into a fresh home, then runs one cold
`veille refresh --json` and samples `/proc` every 10 ms (Linux only): which share of a core the
refresh's event loop, its other threads (the busiest is the writer) and its worker processes use
in each step of `--step` seconds, and when the workers are first and last busy. A refresh that
waits on nothing uses both cores all along; a step where one role alone works is time that only
that role can shorten.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from feedserver import host_of, start_servers
from refresh import _with_bytecode

TICKS = os.sysconf("SC_CLK_TCK")
# (process id, thread id) → seconds of CPU so far
Sample = dict[tuple[int, int], float]


def _family(pid: int) -> list[int]:
    """`pid` and its descendants, from `/proc`'s children lists."""
    found = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as children:
                for child in children.read().split():
                    found.extend(_family(int(child)))
    except OSError:
        pass  # it has just ended
    return found


def _sample(root: int) -> Sample:
    cpu: Sample = {}
    for pid in _family(root):
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                cpu[(pid, int(tid))] = (int(fields[11]) + int(fields[12])) / TICKS
        except OSError:
            continue
    return cpu


def _role(root: int, pid: int, tid: int, writer: int | None) -> str:
    if pid != root:
        return "workers"
    if tid == root:
        return "event loop"
    return "writer" if tid == writer else "other threads"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--corpus", choices=("plain", "realistic", "repeated"), default="realistic")
    parser.add_argument("--step", type=float, default=0.25)
    parser.add_argument("--port", type=int, default=18_900)
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("bench/timeline.py reads /proc: Linux only")
    hosts = min(args.feeds, 1000)
    servers = start_servers(args.port, args.feeds, hosts, args.latency, args.corpus)
    with tempfile.TemporaryDirectory(prefix="veille-timeline-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "config.toml").write_text('full_text = "never"\n[refresh]\ndeadline = 3600\n')
        urls = [f"http://{host_of(n, hosts)}:{args.port}/feed/{n}.xml" for n in range(args.feeds)]
        outlines = "".join(f"<outline text='f{n}' xmlUrl='{url}'/>" for n, url in enumerate(urls))
        subs = Path(tmp) / "subs.opml"
        subs.write_text(f"<opml version='2.0'><body>{outlines}</body></opml>")
        env = {**_with_bytecode(), "VEILLE_HOME": str(home)}
        subprocess.run(
            [sys.executable, "-m", "veille", "import", str(subs)],
            check=True,
            env=env,
            capture_output=True,
        )
        samples: list[tuple[float, Sample]] = []
        started = time.perf_counter()
        refresh = subprocess.Popen(
            [sys.executable, "-m", "veille", "refresh", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        while refresh.poll() is None:
            samples.append((time.perf_counter() - started, _sample(refresh.pid)))
            time.sleep(0.01)
        wall = time.perf_counter() - started
    for server in servers:
        server.terminate()
    report(refresh.pid, samples, wall, args.step)


def report(root: int, samples: list[tuple[float, Sample]], wall: float, step: float) -> None:
    last: Sample = {}
    for _, sample in samples:
        last.update(sample)  # a thread's last sample is its total (it may end before the rest)
    threads = {key: cpu for key, cpu in last.items() if key[0] == root and key[1] != root}
    writer = max(threads, key=threads.__getitem__)[1] if threads else None
    totals: dict[str, float] = {}
    for (pid, tid), cpu in last.items():
        role = _role(root, pid, tid, writer)
        totals[role] = totals.get(role, 0.0) + cpu
    print(f"wall {wall:.2f} s, CPU {sum(totals.values()):.2f} s:", end="")
    print(", ".join(f" {role} {cpu:.2f} s" for role, cpu in sorted(totals.items())))
    busy: list[float] = []
    before: tuple[float, Sample] = (0.0, {})
    end = step
    for moment, sample in samples:
        if moment < end:
            continue
        shares: dict[str, float] = {}
        for key, cpu in sample.items():
            role = _role(root, key[0], key[1], writer)
            used = cpu - before[1].get(key, 0.0)
            shares[role] = shares.get(role, 0.0) + used / max(moment - before[0], 1e-9)
        if shares.get("workers", 0.0) > 0.5:
            busy.append(before[0])
        line = "  ".join(f"{role} {share:4.2f}" for role, share in sorted(shares.items()) if share)
        print(f"{before[0]:5.2f}–{moment:5.2f} s  {line}")
        before = (moment, sample)
        end = moment + step
    if busy:
        print(f"workers busy (over half a core) from {busy[0]:.2f} s to {busy[-1]:.2f} s")


if __name__ == "__main__":
    main()
