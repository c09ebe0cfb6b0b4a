"""The reading app on a large library: launch in a real terminal, then keys, open, search.

    uv run python bench/tui.py [--home DIR] [--launches 3]

1. In tmux (when installed): time from launching `veille` to a first screen whose list is filled,
   then to one whose feeds pane (left of the list) lists feeds too, and the app's resident memory
   once it is idle; the median of a few launches. The modules' bytecode is written once before,
   as an installer does; where the environment forbids writing bytecode
   (PYTHONDONTWRITEBYTECODE), launches that compile every module are timed too.
2. Under Textual's pilot, at 160×48: a burst of 200 `j` actions (the pilot's own per-key
   round trip would dominate a key-by-key measurement) until the cursor is on the 201st row,
   opening an item until the reader shows it, switching feed (`J`) until the list is
   refilled, and a search typed in the box until its first rows are listed, then until they are
   counted (both without the deliberate pause the box waits for the typing to stop), and Enter
   from the box to the list; then a word typed at a reader's pace, each prefix searched in turn,
   until the last letter's rows and count. Each is the median of a few runs. The
   pilot spends tens of milliseconds on every key press of its own (waiting for the app to be
   idle); that cost, measured on a key nothing is bound to, is also reported and subtracted.
   Beside each wall time, the CPU time the process spent meanwhile (all its threads: the app's
   workers too) and the event loop's own share: on a loaded machine they move less than wall
   time does.

Without --home, a 100,000-item library is built by bench/biglib.py (once); a library of a
million items is built with `bench/biglib.py DIR --items 1000000` and measured with --home DIR.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from biglib import build

from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp, make_app
from veille.tui.search import SEARCH_DELAY


def forget_app_state(paths: Paths) -> None:
    """Start each measurement from the "All" view, not wherever the last run left the app."""
    with sqlite3.connect(paths.library) as conn:
        conn.execute("DELETE FROM state WHERE key LIKE 'tui.%'")


def feeds_filled(screen: str) -> bool:
    """Whether the feeds pane (left of the first column rule) lists feeds: the list's own rows
    carry feed names too, so only the pane's side of the screen tells."""
    return any("Source " in line.split("│", 1)[0] for line in screen.splitlines() if "│" in line)


def tmux_launch(paths: Paths, home: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds to a first screen whose list is filled, then to one whose feeds pane is filled
    too (its unread counts take a query per kind of entry), and RSS in MB when idle."""
    socket = f"veille-bench-{os.getpid()}-{time.monotonic_ns()}"
    base = ["tmux", "-L", socket, "-f", "/dev/null"]
    # tmux passes its own environment to the pane, not ours: say it on the command line.
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    unset = " ".join(f"-u {k}" for k in ("PYTHONDONTWRITEBYTECODE",) if k not in env)
    command = f"env {unset} {settings} {sys.executable} -m veille --home {shlex.quote(str(home))}"
    forget_app_state(paths)
    started = time.perf_counter()
    subprocess.run(
        [*base, "new-session", "-d", "-s", "b", "-x", "160", "-y", "48", command],
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    try:
        listed = whole = None
        screen = ""
        while time.perf_counter() - started < 30:
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            # The status bar's count and the list's column rule; then the feeds pane's names.
            if listed is None and " items" in screen and "│" in screen:
                listed = time.perf_counter() - started
            if listed is not None and feeds_filled(screen):
                whole = time.perf_counter() - started
                break
            time.sleep(0.01)
        if whole is None:  # say what was on screen instead (a crash, a terminal too small…)
            print(f"launch not measured; the screen after 30 s:\n{screen}", file=sys.stderr)
        time.sleep(2)
        pid = subprocess.run(
            [*base, "display-message", "-p", "-t", "b", "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        rss = 0.0
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1]) / 1024
        return (listed or float("nan")), (whole or float("nan")), rss
    finally:
        subprocess.run([*base, "kill-server"], check=False, capture_output=True)


def launches(paths: Paths, home: Path, runs: int) -> None:
    """The median of `runs` launches, as an installed veille starts: its modules compiled once
    (an installer writes their bytecode). Where the environment forbids writing bytecode, every
    launch compiles them all again (about 0.4 s); that launch is measured too, for comparison."""
    if shutil.which("tmux") is None:
        print("tmux is not installed: launch time not measured")
        return
    with tempfile.TemporaryDirectory(prefix="veille-bench-pyc-") as pyc:
        kinds = [("", {"PYTHONPYCACHEPREFIX": pyc})]
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            kinds.append((" (compiling every module)", {"PYTHONDONTWRITEBYTECODE": "1"}))
        tmux_launch(paths, home, kinds[0][1])  # writes the bytecode; not counted
        for label, env in kinds:
            found = [tmux_launch(paths, home, env) for _ in range(runs)]
            listed, whole, rss = (statistics.median(f[n] for f in found) for n in range(3))
            print(
                f"launch{label}, median of {runs}: to the list filled (tmux) {listed:.2f} s "
                f"[{', '.join(f'{f[0]:.2f}' for f in found)}]; to the feeds pane filled "
                f"{whole:.2f} s; peak RSS {rss:.0f} MB"
            )
    forget_app_state(paths)


async def until(
    pilot: object, condition: object, timeout: float = 30.0, what: object = None
) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            detail = what() if callable(what) else ""
            raise SystemExit(f"the app never reached the expected state {detail}")
        # A plain sleep, not the pilot's pause: that one waits on every widget of the screen,
        # which every millisecond kept a core busy (and the interpreter) beside the app's own
        # threads, as no terminal does.
        await asyncio.sleep(0.002)


class Clock:
    """Wall time, and CPU time beside it (the machine may be loaded: CPU time moves less): the
    whole process's (the app's threads too) and the event loop's own (this thread's)."""

    def __init__(self) -> None:
        self.taken: dict[str, list[tuple[float, float, float]]] = {}

    def start(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), time.thread_time()

    def took(self, name: str, started: tuple[float, float, float], less: float = 0.0) -> None:
        wall, cpu, loop = started
        self.taken.setdefault(name, []).append(
            (
                time.perf_counter() - wall - less,
                time.process_time() - cpu,
                time.thread_time() - loop,
            )
        )

    def medians(self) -> dict[str, tuple[float, float, float]]:
        """Milliseconds: (wall, process CPU, loop CPU), each the median of its runs."""
        return {
            name: tuple(statistics.median(t[n] for t in runs) * 1000 for n in range(3))  # type: ignore[misc]
            for name, runs in self.taken.items()
        }


async def pilot_figures(paths: Paths) -> dict[str, tuple[float, float, float]]:
    app: VeilleApp = make_app(paths, Settings(lang="fr"))
    clock = Clock()
    async with app.run_test(size=(160, 48)) as pilot:
        main = app.main
        items = main.item_list
        await until(
            pilot,
            lambda: (
                items.count
                and items.current_row is not None
                and main.snapshot is not None
                and not items.fetching
            ),
        )
        await pilot.pause(1.0)  # the remembered item reopens; let the first screen settle
        for _ in range(5):  # what the pilot itself spends on a key no binding uses
            started = clock.start()
            await pilot.press("ctrl+underscore")
            clock.took("pilot key", started)
        for _ in range(3):
            start_row = items.cursor
            started = clock.start()
            for _ in range(200):  # the key's action, as a burst of key events would run it
                await main.run_action("cursor(1)")
            await pilot.pause()
            await until(
                pilot,
                lambda s=start_row: items.cursor == s + 200,
                what=lambda s=start_row: f"cursor {items.cursor}, wanted {s + 200}",
            )
            clock.took("200 j", started)
        for _ in range(5):
            row = items.current_row
            started = clock.start()
            await pilot.press("enter")
            await until(
                pilot, lambda r=row: (i := main.reader_pane.item) is not None and i.id == r.id
            )
            clock.took("open", started)
            await pilot.press("j")
        for _ in range(5):
            before = items.generation
            started = clock.start()
            await pilot.press("J")
            await until(pilot, lambda b=before: items.generation != b and not items.fetching)
            clock.took("switch feed", started)
        for word in ("securite", "climat", "cnil"):
            await pilot.press("slash", *word[:-1])
            # A slow key can let the box's timer run on the letters typed so far: that search
            # is left to end, so that only the last letter's is timed.
            await pilot.pause(SEARCH_DELAY + 0.1)
            await until(pilot, lambda: not items.fetching)
            before = items.generation
            started = clock.start()
            await pilot.press(word[-1])  # the list follows the box once the typing stops
            await until(pilot, lambda b=before: items.shown_generation > b)
            clock.took("search rows", started, SEARCH_DELAY)
            await until(pilot, lambda: not items.fetching)
            clock.took("search count", started, SEARCH_DELAY)
            started = clock.start()
            await pilot.press("enter")
            clock.took("enter to list", started)
            await pilot.press("escape")
            await until(pilot, lambda: not items.fetching and not main.search_text)
        for word in ("securite", "climat", "cnil"):
            # Typed at a reader's pace, each prefix searched in turn: the last letter's rows
            # and count, while the searches typed over are given up.
            await pilot.press("slash")
            for letter in word[:-1]:
                await pilot.press(letter)
                await pilot.pause(SEARCH_DELAY + 0.05)
            before = items.generation
            started = clock.start()
            await pilot.press(word[-1])
            await until(pilot, lambda b=before: items.shown_generation > b)
            clock.took("typed, rows", started, SEARCH_DELAY)
            await until(pilot, lambda: not items.fetching)
            clock.took("typed, count", started, SEARCH_DELAY)
            await pilot.press("escape")
            await until(pilot, lambda: not items.fetching and not main.search_text)
    return clock.medians()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--launches", type=int, default=3, help="launches timed (median)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.gettempdir()) / "veille-bench-100k"
    paths = build(home)
    forget_app_state(paths)
    launches(paths, home, args.launches)
    figures = asyncio.run(pilot_figures(paths))
    overhead = figures.pop("pilot key")[0]
    print(f"(the pilot's own cost of pressing a key: {overhead:.0f} ms; 'net' removes it)")
    for name, (ms, cpu, loop) in figures.items():
        # The search figures run on the box's own timer, which the pilot's key cost overlaps:
        # nothing to remove from them.
        plain = name in ("200 j", "search rows", "search count", "typed, rows", "typed, count")
        net = "" if plain else f", net {ms - overhead:6.1f} ms"
        print(
            f"{name:<12} {ms:7.1f} ms (median{net}); CPU {cpu:6.1f} ms, of which the loop {loop:6.1f}"
        )


if __name__ == "__main__":
    main()
