"""Black-box smoke test: the real `veille` command in a real terminal (tmux), driven by keys.

The library holds a hostile feed title that tries to rename the terminal (an OSC 2 sequence) and
markup that would be live in a careless widget; the screen must show the text and the pane title
must stay ours.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Guetteur \x1b]2;pwned\x07</title>
<link>https://example.org/</link>
<item><title>Première nouvelle [@click=app.quit] a[/i]</title><guid>a</guid>
<link>https://example.org/a</link><pubDate>Sat, 21 Nov 2026 08:00:00 +0000</pubDate>
<description>Texte de la première nouvelle.</description></item>
<item><title>Seconde nouvelle</title><guid>b</guid><link>https://example.org/b</link>
<pubDate>Fri, 20 Nov 2026 08:00:00 +0000</pubDate>
<description>Texte de la seconde.</description></item>
</channel></rss>"""


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    socket = f"veille-test-{uuid.uuid4().hex[:8]}"
    base = ["tmux", "-L", socket, "-f", "/dev/null"]

    def run(*args: str) -> str:
        return subprocess.run([*base, *args], capture_output=True, text=True, check=True).stdout

    yield run
    subprocess.run([*base, "kill-server"], capture_output=True, check=False)


def wait_for(read: Callable[[], str], text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = read()
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_app_in_a_real_terminal(tmp_path: Path, tmux: Callable[..., str]) -> None:
    home = tmp_path / "home"
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED.encode())
    env = {**os.environ, "VEILLE_HOME": str(home)}
    veille = [sys.executable, "-m", "veille"]
    subprocess.run([*veille, "add", feed.as_uri()], env=env, check=True, capture_output=True)
    subprocess.run([*veille, "refresh"], env=env, check=True, capture_output=True)

    command = " ".join(shlex.quote(part) for part in [*veille, "--home", str(home)])
    tmux(
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "120",
        "-y",
        "36",
        f"env TERM=xterm-256color {command}",
    )
    tmux("set-option", "-t", "t", "allow-rename", "on")
    tmux("select-pane", "-t", "t", "-T", "veille-smoke")

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "t")

    shown = wait_for(screen, "Seconde nouvelle")
    assert "[@click=app.qui" in shown  # markup shown literally (the list may cut the title)
    tmux("send-keys", "-t", "t", "Enter")  # open the first item
    opened = wait_for(screen, "Texte de la première nouvelle")
    assert "[@click=app.quit] a[/i]" in opened  # whole in the reader, still not run
    tmux("send-keys", "-t", "t", "s")  # star it
    time.sleep(0.8)
    title = tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()
    assert "pwned" not in title
    tmux("send-keys", "-t", "t", "q")
    tmux("send-keys", "-t", "t", "q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the session ends with the app
        try:
            tmux("has-session", "-t", "t")
        except subprocess.CalledProcessError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("veille did not quit on q")
    starred = subprocess.run(
        [*veille, "items", "is:starred"], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert "Première nouvelle" in starred


def morning_feed(name: str, titles: list[str], day: int) -> str:
    items = "".join(
        f"<item><title>{t}</title><guid>{name}-{n}</guid><link>https://example.org/{name}/{n}</link>"
        f"<pubDate>{['Sat', 'Fri', 'Thu'][n]}, {day - n} Nov 2026 08:00:00 +0000</pubDate>"
        f"<description>Texte de {t}.</description></item>"
        for n, t in enumerate(titles)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>https://example.org/{name}</link>{items}</channel></rss>"
    )


def test_a_morning_read_from_the_screen(tmp_path: Path, tmux: Callable[..., str]) -> None:
    """n across feeds, a star, a tag chosen from the completion list, hide read, an export."""
    home = tmp_path / "home"
    env = {**os.environ, "VEILLE_HOME": str(home), "HOME": str(tmp_path)}
    veille = [sys.executable, "-m", "veille"]
    for name, titles, day in (
        ("Alpha", ["Alpha un", "Alpha deux"], 21),
        ("Beta", ["Beta un", "Beta deux"], 21),
    ):
        feed = tmp_path / f"{name}.xml"
        feed.write_text(morning_feed(name, titles, day), encoding="utf-8")
        subprocess.run([*veille, "add", feed.as_uri()], env=env, check=True, capture_output=True)
    subprocess.run([*veille, "refresh"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*veille, "tag", "--query", "Alpha deux", "+cnil/sanctions", "+cnil/avis"],
        env=env,
        check=True,
        capture_output=True,
    )
    (home / "config.toml").write_text('lang = "en"\n', encoding="utf-8")
    command = " ".join(shlex.quote(part) for part in [*veille, "--home", str(home)])
    tmux(
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "160",
        "-y",
        "40",
        f"env TERM=xterm-256color HOME={shlex.quote(str(tmp_path))} {command}",
    )

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "t")

    def keys(*pressed: str) -> None:
        for key in pressed:
            tmux("send-keys", "-t", "t", key)
            time.sleep(0.15)

    wait_for(screen, "Beta deux")
    keys("J")  # the first feed
    wait_for(screen, "Alpha  2 unread")
    keys("n")
    wait_for(screen, "Texte de Alpha un")
    keys("n")
    wait_for(screen, "Texte de Alpha deux")
    keys("n")  # nothing left in Alpha: on to Beta
    shown = wait_for(screen, "Texte de Beta un")
    assert "Next feed: Beta" in shown
    keys("s")
    wait_for(screen, "★")
    keys("t")
    wait_for(screen, "new tags")
    keys("c", "n", "i")
    wait_for(screen, "cnil/sanctions")
    keys("Down", "Down", "Enter")  # cnil/avis, cnil/sanctions: the second
    wait_for(screen, "#cnil/sanctions")
    keys("h")
    shown = wait_for(screen, "Read items hidden here")
    keys("E")
    wait_for(screen, "Export")
    keys("C-s")
    shown = wait_for(screen, "Exported")
    tmux("send-keys", "-t", "t", "q")
    tmux("send-keys", "-t", "t", "q")
    exported = list(tmp_path.rglob("veille-*.md"))
    deadline = time.monotonic() + 10
    while not exported and time.monotonic() < deadline:
        time.sleep(0.2)
        exported = list(tmp_path.rglob("veille-*.md"))
    assert exported and "Beta" in exported[0].read_text(encoding="utf-8")
    starred = subprocess.run(
        [*veille, "items", "is:starred tag:cnil/sanctions"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Beta un" in starred
