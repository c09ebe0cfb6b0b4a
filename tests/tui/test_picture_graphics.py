"""Pictures through the terminal's own graphics: Kitty's protocol, Sixel, iTerm2's inline
images, chosen by `images = …` or found from the environment; half blocks under tmux and by
default (the tests' terminal says nothing)."""

from __future__ import annotations

import io
import os
import re
import termios
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta

import pytest
from PIL import Image
from textual.drivers.headless_driver import HeadlessDriver

from tests.httpserver import LocalServer
from tests.storing import ingest
from tests.tui.conftest import BASE, entry
from tests.tui.helpers import ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import ConfigError, Paths, Settings, parse_settings
from veille.tui.app import VeilleApp
from veille.tui.graphics.detect import Probe, Terminal, detect, from_environment, parse_answers
from veille.tui.widgets.article import ArticleText

Factory = Callable[..., VeilleApp]
PLACEHOLDER = "\U0010eeee"
HOUR = timedelta(hours=1)


def _png(width: int = 100, height: int = 60) -> bytes:
    picture = Image.new("RGB", (width, height), (200, 30, 30))
    for x in range(width):
        picture.putpixel((x, height - 1), (20, 40, 220))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _library(home: Paths, server: LocalServer, picture: bytes | None = None) -> int:
    server.add("/carte.png", picture or _png(), content_type="image/png")
    html = (
        "<p>Avant la carte.</p>"
        f'<img src="{server.url("/carte.png")}" alt="Carte des sols">'
        "<p>Après la carte.</p>" + "".join(f"<p>Ligne {n}.</p>" for n in range(60))
    )
    with open_library(home.library) as lib:
        feed = lib.add_feed(server.url("/rss.xml"), title="Gazette")
        items = [
            entry(400, "Sécheresse", content=html, link=server.url("/a"), published=BASE),
            entry(401, "Sans image", content="<p>Rien à voir.</p>", published=BASE - HOUR),
        ]
        ingest(lib, feed.id, ParsedFeed(title="Gazette", entries=items), status=200)
    return feed.id


async def _read(app: VeilleApp, pilot: object, feed_id: int) -> None:
    await ready(pilot)  # type: ignore[arg-type]
    app.main.feed_tree.select_key(f"feed:{feed_id}")
    await until(pilot, lambda: app.main.item_list.count == 2)  # type: ignore[arg-type]
    app.main.item_list.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: "Avant la carte" in static_text(app, "#reader-body"))  # type: ignore[arg-type]


def _frame(app: VeilleApp) -> str:
    """What a full repaint of the screen writes to the terminal."""
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    return str(update.render_segments(app.console))  # type: ignore[attr-defined]


def _writes(app: VeilleApp) -> list[str]:
    """What each screen update from now on writes to the terminal (the headless driver
    writes nothing, so each update is rendered here as a real driver would)."""
    written: list[str] = []
    display = app._display

    def rendered(screen: object, update: object) -> None:
        if update is not None and hasattr(update, "render_segments"):
            written.append(str(update.render_segments(app.console)))
        display(screen, update)  # type: ignore[arg-type]

    app._display = rendered  # type: ignore[method-assign]
    return written


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app writes to the terminal outside its screen updates."""
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    return written


def _kitty(sent: list[str]) -> str:
    return "".join(s for s in sent if "\x1b_G" in s)


@pytest.mark.slow
async def test_kitty_sends_the_picture_once_and_the_text_holds_its_placeholders(
    app_factory: Factory, home: Paths, local_server: LocalServer, sent: list[str]
) -> None:
    feed_id = _library(home, local_server)
    app = app_factory(Settings(lang="en", images="kitty"))
    async with app.run_test(size=(160, 48)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: PLACEHOLDER in static_text(app, "#reader-body"))
        body = static_text(app, "#reader-body")
        assert "▀" not in body and "[image: Carte des sols]" not in body
        assert body.index("Avant") < body.index(PLACEHOLDER) < body.index("Après")
        sending = _kitty(sent)
        head = re.match(r"\x1b_Ga=t,f=100,t=d,q=2,i=(\d+),m=[01];", sending)
        assert head, sending[:200]
        image_id = int(head.group(1))
        assert "m=0;" in sending  # the last chunk
        placed = re.search(r"\x1b_Ga=p,U=1,q=2,i=(\d+),c=(\d+),r=(\d+)\x1b\\$", sending)
        assert placed, sending[-200:]
        assert tuple(map(int, placed.groups())) == (image_id, 10, 3)  # 100 × 60 px, 10 × 20 cells
        # Each placeholder's colour names the picture: that is how the terminal finds it.
        drawn = app.main.reader_pane.query_one("#reader-body").render()
        colours = {
            str(span.style)
            for span in getattr(drawn, "spans", [])
            if PLACEHOLDER in str(drawn)[span.start : span.end]
        }
        red, green, blue = image_id >> 16 & 255, image_id >> 8 & 255, image_id & 255
        assert colours == {f"rgb({red},{green},{blue})"}, colours
        assert body.count(PLACEHOLDER) == 10 * 3

        # Keys and repaints send nothing again; leaving the article frees the picture.
        before = len(sent)
        await pilot.press("j", "k")
        _frame(app)
        assert _kitty(sent[before:]) == ""
        await pilot.press("j", "enter")
        await until(pilot, lambda: "Rien à voir" in static_text(app, "#reader-body"))
        assert f"\x1b_Ga=d,d=I,i={image_id},q=2\x1b\\" in "".join(sent[before:])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sixel", "iterm"])
async def test_sixel_and_iterm_draw_each_row_over_its_half_blocks_when_it_is_painted(
    app_factory: Factory, home: Paths, local_server: LocalServer, kind: str
) -> None:
    feed_id = _library(home, local_server)
    app = app_factory(Settings(lang="en", images=kind))  # type: ignore[arg-type]
    start = "\x1bP0;1;0q" if kind == "sixel" else "\x1b]1337;File=inline=1;"
    async with app.run_test(size=(160, 48)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: "▀" in static_text(app, "#reader-body"))
        frame = _frame(app)
        assert frame.count(start) == 3  # one per row of the 10 × 3 cells
        # Each drawn right after its row's cells, at that row's place, the cursor kept.
        lines = screen_text(app).splitlines()
        y = next(n for n, line in enumerate(lines) if "▀" in line)
        x = lines[y].index("▀")
        row = re.search(r"\x1b7\x1b\[(\d+);(\d+)H" + re.escape(start), frame)
        assert row, frame
        assert (int(row.group(1)), int(row.group(2))) == (y + 1, x + 1)  # counted from 1
        assert frame.index("▀") < row.start()
        if kind == "iterm":
            assert "width=10;height=1;preserveAspectRatio=0;doNotMoveCursor=1:" in frame
        else:  # the two colours of the picture, in percent
            assert "#0;2;78;11;11" in frame or ";2;78;11;11" in frame
        assert frame.count("\x1b8") >= 3

        # Scrolled, the rows are drawn where their cells went, in what is written.
        written = _writes(app)
        app.main.reader_pane.scroll_relative(y=2, animate=False)
        moved = f"\x1b7\x1b[{y + 1 - 2};{x + 1}H{start}"
        await until(pilot, lambda: moved in "".join(written))

        # Keys that leave the reader alone write no picture row.
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        written.clear()
        await pilot.press("j", "k", "j", "k")
        await pilot.pause(0.3)
        assert written and start not in "".join(written)  # the list was repainted, not it

        # Under a dialog the picture is not drawn over it (the half blocks stay beneath).
        await pilot.press("question_mark")
        await until(pilot, lambda: app.screen is not app.main)
        await pilot.pause()
        assert start not in _frame(app)


@pytest.mark.slow
async def test_the_environment_chooses_and_tmux_keeps_half_blocks(
    app_factory: Factory, home: Paths, local_server: LocalServer, sent: list[str]
) -> None:
    feed_id = _library(home, local_server)
    kitty = app_factory()
    kitty.terminal = detect({"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"})
    async with kitty.run_test(size=(120, 40)) as pilot:
        await _read(kitty, pilot, feed_id)
        await until(pilot, lambda: PLACEHOLDER in static_text(kitty, "#reader-body"))
        assert "\x1b_Ga=p,U=1" in _kitty(sent)

    sent.clear()
    tmux = app_factory()
    tmux.terminal = detect({"KITTY_WINDOW_ID": "1", "TMUX": "/tmp/tmux-1/default,1,0"})
    async with tmux.run_test(size=(120, 40)) as pilot:
        await _read(tmux, pilot, feed_id)
        await until(pilot, lambda: "▀" in static_text(tmux, "#reader-body"))
        assert PLACEHOLDER not in static_text(tmux, "#reader-body")
        assert _kitty(sent) == ""
        assert "\x1bP" not in _frame(tmux) and "\x1b]1337" not in _frame(tmux)

    # Forced under tmux, Kitty's data is wrapped for tmux to pass it on.
    forced = app_factory(Settings(lang="en", images="kitty"))
    forced.terminal = detect({"TMUX": "/tmp/tmux-1/default,1,0", "TERM": "tmux-256color"})
    async with forced.run_test(size=(120, 40)) as pilot:
        await _read(forced, pilot, feed_id)
        await until(pilot, lambda: PLACEHOLDER in static_text(forced, "#reader-body"))
        assert _kitty(sent).startswith("\x1bPtmux;\x1b\x1b_Ga=t,f=100")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["kitty", "sixel", "iterm"])
async def test_a_broken_picture_keeps_its_label(
    app_factory: Factory, home: Paths, local_server: LocalServer, kind: str
) -> None:
    feed_id = _library(home, local_server, picture=_png()[:80])  # cut short
    app = app_factory(Settings(lang="en", images=kind))  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: "/carte.png" in [r.path for r in local_server.requests])
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert "[image: Carte des sols]" in static_text(app, "#reader-body")
        assert app.return_code is None


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"KITTY_WINDOW_ID": "2", "TERM": "xterm-kitty"}, "kitty"),
        ({"TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"}, "kitty"),
        ({"TERM_PROGRAM": "iTerm.app"}, "iterm"),
        ({"TERM_PROGRAM": "WezTerm", "WEZTERM_PANE": "0"}, "iterm"),
        ({"TERM": "foot"}, "sixel"),
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-1/default,1,0"}, "halfblock"),
        ({"TERM": "screen-256color", "TERM_PROGRAM": "WezTerm"}, "halfblock"),
        ({"TERM": "linux"}, "halfblock"),
        ({"TERM": "xterm-256color"}, None),  # only asking the terminal can tell
    ],
)
def test_the_environment_tells_most_terminals(env: Mapping[str, str], kind: str | None) -> None:
    assert from_environment(env) == kind


def test_the_answers_say_sixel_and_the_cell_size() -> None:
    assert parse_answers("\x1b[6;18;9t\x1b[?62;4;6;22c") == Terminal("sixel", (9, 18))
    assert parse_answers("\x1b[?65;1;9c") == Terminal("halfblock", (10, 20))
    assert parse_answers("") == Terminal("halfblock", (10, 20))
    # Placeholders came with kitty 0.28: an older one would show boxes.
    assert parse_answers("\x1bP>|kitty(0.35.2)\x1b\\\x1b[?62;c").kind == "kitty"
    assert parse_answers("\x1bP>|kitty(0.26.5)\x1b\\\x1b[?62;c").kind == "halfblock"


def test_kitty_is_asked_its_version_and_an_old_one_gets_half_blocks() -> None:
    master, slave = os.openpty()
    try:
        probe = Probe({"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"}, tty=(slave, slave))
        probe.start()
        assert os.read(master, 64) == b"\x1b[>q\x1b[c"
        os.write(master, b"\x1bP>|kitty(0.26.5)\x1b\\\x1b[?62;c")
        assert probe.finish().kind == "halfblock"
        silent = Probe({"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"}, tty=(slave, slave))
        silent.start()
        assert silent.finish().kind == "kitty"  # no answer in time: the environment's word
    finally:
        os.close(master)
        os.close(slave)


def _echoes(fd: int) -> bool:
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


def test_a_terminal_that_answers_is_heard_and_keys_after_it_stay_for_the_app() -> None:
    master, slave = os.openpty()
    try:
        probe = Probe({"TERM": "xterm-256color"}, tty=(slave, slave))
        probe.start()
        assert os.read(master, 64) == b"\x1b[16t\x1b[c"
        assert not _echoes(slave)  # the answer is not shown on the screen
        os.write(master, b"\x1b[6;18;9t\x1b[?62;4;22cj")
        assert probe.finish() == Terminal("sixel", (9, 18))
        assert _echoes(slave)  # the terminal as it was
        assert os.read(slave, 8) == b"j"
    finally:
        os.close(master)
        os.close(slave)


def test_an_answer_late_over_ssh_is_waited_for_not_typed_into_the_app() -> None:
    master, slave = os.openpty()
    try:
        env = {"TERM": "xterm-256color", "SSH_CONNECTION": "192.0.2.1 50000 192.0.2.2 22"}
        probe = Probe(env, tty=(slave, slave))
        probe.start()
        assert os.read(master, 64) == b"\x1b[16t\x1b[c"
        timer = threading.Timer(0.1, os.write, (master, b"\x1b[6;18;9t\x1b[?62;4;22c"))
        timer.start()  # a round trip of 100 ms, longer than the start-up here
        assert probe.finish() == Terminal("sixel", (9, 18))
        timer.join()
        os.set_blocking(slave, False)
        with pytest.raises(BlockingIOError):
            os.read(slave, 64)  # nothing of the answer is left for the app to read
    finally:
        os.close(master)
        os.close(slave)


def test_a_terminal_that_never_answers_delays_nothing() -> None:
    master, slave = os.openpty()
    try:
        probe = Probe({"TERM": "xterm-256color"}, tty=(slave, slave))
        probe.start()
        began = time.monotonic()
        assert probe.finish() == Terminal("halfblock", (10, 20))
        assert time.monotonic() - began < 0.5  # a few milliseconds; generous on a busy machine
        assert _echoes(slave)
    finally:
        os.close(master)
        os.close(slave)


def test_nothing_is_asked_when_the_environment_tells_or_there_is_no_terminal() -> None:
    master, slave = os.openpty()
    try:
        probe = Probe({"TERM": "foot"}, tty=(slave, slave))
        probe.start()
        assert probe.finish().kind == "sixel"
        os.set_blocking(master, False)
        with pytest.raises(BlockingIOError):
            os.read(master, 64)  # no question was written
    finally:
        os.close(master)
        os.close(slave)
    read, write = os.pipe()
    try:
        probe = Probe({"TERM": "xterm-256color"}, tty=(read, write))
        probe.start()
        assert probe.finish().kind == "halfblock"
    finally:
        os.close(read)
        os.close(write)


def test_the_images_setting_is_checked_with_its_line() -> None:
    assert parse_settings('images = "sixel"').images == "sixel"
    assert parse_settings("images = false").images == "off"
    assert parse_settings("images = true").images == "auto"
    assert parse_settings("").images == "auto"
    with pytest.raises(ConfigError, match=r"images \(line 2\): must be one of auto, kitty"):
        parse_settings('lang = "en"\nimages = "retina"')


def _decode_sixel(sequence: str) -> dict[tuple[int, int], tuple[int, int, int]]:
    """The pixels a terminal would paint for `sequence` (a decoder kept to what the encoder
    writes: palette, colour choice, repeats, carriage return, next band)."""
    assert sequence.startswith("\x1bP0;1;0q") and sequence.endswith("\x1b\\")
    body = re.sub(r'^"[0-9;]+', "", sequence[len("\x1bP0;1;0q") : -2])
    colours: dict[int, tuple[int, int, int]] = {}
    painted: dict[tuple[int, int], tuple[int, int, int]] = {}
    x = top = current = 0
    for token in re.finditer(r"#(\d+);2;(\d+);(\d+);(\d+)|#(\d+)|!(\d+)(.)|([?-~])|(\$)|(-)", body):
        define, red, green, blue, choose, count, repeated, char, back, down = token.groups()
        if define:
            colours[int(define)] = (int(red), int(green), int(blue))
        elif choose:
            current = int(choose)
        elif count or char:
            bits = ord(repeated or char) - 63
            for _ in range(int(count or 1)):
                for shift in range(6):
                    if bits >> shift & 1:
                        painted[(x, top + shift)] = colours[current]
                x += 1
        elif back:
            x = 0
        elif down:
            x, top = 0, top + 6
    return painted


def test_sixel_paints_each_pixel_in_its_colour_and_leaves_the_rest_alone() -> None:
    from veille.tui.graphics import sixel

    picture = Image.new("RGB", (23, 14), (0, 0, 0))
    for x in range(23):
        for y in range(14):
            picture.putpixel((x, y), ((x * 11) % 256, (y * 18) % 256, 128 if x > y else 0))
    reduced = sixel.quantized(picture)
    palette = reduced.getpalette() or []
    painted = _decode_sixel(sixel.encode(reduced))
    assert len(painted) == 23 * 14  # every pixel, none beyond the picture (14 is not 6 × n)
    for (x, y), colour in painted.items():
        index = reduced.getpixel((x, y))
        assert isinstance(index, int)
        red, green, blue = palette[3 * index : 3 * index + 3]
        assert colour == (red * 100 // 255, green * 100 // 255, blue * 100 // 255)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["halfblock", "sixel"])
async def test_a_picture_wider_than_a_narrow_reader_keeps_its_rows_whole(
    app_factory: Factory, home: Paths, local_server: LocalServer, kind: str
) -> None:
    feed_id = _library(home, local_server, picture=_png(400, 240))
    app = app_factory(Settings(lang="en", images=kind))  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: "▀" in static_text(app, "#reader-body"))
        await pilot.pause()
        body = app.main.reader_pane.query_one("#reader-body", ArticleText)
        assert app.main.reader_pane.show_vertical_scrollbar  # the article is taller than the pane
        rows = [line for line in static_text(app, "#reader-body").splitlines() if "▀" in line]
        widths = {len(line) for line in rows}
        assert len(widths) == 1 and widths.pop() <= body.content_size.width, widths
        if kind == "sixel":
            assert "\x1bP0;1;0q" in _frame(app)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["halfblock", "kitty"])
async def test_pictures_are_drawn_again_to_fit_a_reader_made_narrower(
    app_factory: Factory, home: Paths, local_server: LocalServer, kind: str
) -> None:
    feed_id = _library(home, local_server, picture=_png(800, 480))
    app = app_factory(Settings(lang="en", images=kind))  # type: ignore[arg-type]
    mark = "▀" if kind == "halfblock" else PLACEHOLDER

    def widths() -> set[int]:
        lines = static_text(app, "#reader-body").splitlines()
        return {line.count(mark) for line in lines if mark in line}

    async with app.run_test(size=(200, 48)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: bool(widths()))
        (wide,) = widths()
        await pilot.resize_terminal(90, 30)
        body = app.main.reader_pane.query_one("#reader-body", ArticleText)
        await until(pilot, lambda: len(widths()) == 1 and max(widths()) <= body.content_size.width)
        (narrow,) = widths()
        assert narrow < wide


@pytest.mark.slow
async def test_no_color_keeps_kitty_to_half_blocks(
    app_factory: Factory,
    home: Paths,
    local_server: LocalServer,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # the placeholders' colour would be greyed
    feed_id = _library(home, local_server)
    app = app_factory(Settings(lang="en", images="kitty"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: "▀" in static_text(app, "#reader-body"))
        assert PLACEHOLDER not in static_text(app, "#reader-body")
        assert _kitty(sent) == ""
