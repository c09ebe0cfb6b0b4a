"""Launch of `veille --demo` to a filled list: the demo home built, its page server started and
the app's list showing items, timed from the process's start.

    uv run python bench/demo.py            # five runs, each in a fresh interpreter
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUN = r"""
import time
started = time.perf_counter()
import asyncio
import veille.cli.command as command

marks = {}

def run_app(ctx):
    from veille.tui.app import make_app

    ctx.paths.ensure()
    app = make_app(ctx.paths, ctx.settings, offline=ctx.offline)
    marks["built"] = time.perf_counter() - started

    async def watch():
        async with app.run_test(size=(160, 48)) as pilot:
            while not getattr(getattr(app, "main", None), "item_list", None) or not app.main.item_list.count:
                await pilot.pause(0.005)
            marks["list"] = time.perf_counter() - started

    asyncio.run(watch())
    return 0

command.run_app = run_app
command.main(["--demo"])
print(f"{marks['built']:.3f} {marks['list']:.3f}")
"""


def main() -> None:
    built, listed = [], []
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
        out = subprocess.run(
            [sys.executable, "-c", RUN], capture_output=True, text=True, check=True
        )
        ready, filled = (float(x) for x in out.stdout.split()[-2:])
        built.append(ready)
        listed.append(filled)
    print(f"demo home ready + app built: median {statistics.median(built):.3f} s")
    print(
        f"list on screen:              median {statistics.median(listed):.3f} s "
        f"(min {min(listed):.3f}, max {max(listed):.3f})"
    )


if __name__ == "__main__":
    main()
