"""The front door, driven as a script would: `open_veille` on a home, a loopback feed, refresh,
open an item (its whole story read), export to a file, and the one family of errors."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import veille.core
from tests.httpserver import LocalServer
from veille.core import (
    FORMATS,
    LibraryError,
    NotFound,
    OutputError,
    QueryError,
    Veille,
    VeilleError,
    open_veille,
)

LINK = "https://site.example/loi?id=7"


def rss(title: str, guid: str, link: str, headline: str) -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title><item><title>{headline}</title><link>{link}</link>"
        f"<guid>{guid}</guid><pubDate>Fri, 20 Nov 2026 09:00:00 +0000</pubDate>"
        f"<description>{headline}, compte rendu.</description></item></channel></rss>"
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def v(home: Path) -> Iterator[Veille]:
    with open_veille(home) as door:
        yield door


@pytest.fixture
def two_sources(v: Veille, local_server: LocalServer) -> Veille:
    """One story told by two feeds (the same article behind links that differ by tracking
    parameters), refreshed through the production path."""
    local_server.add(
        "/a.xml", rss("Presse A", "a1", LINK + "&utm_source=rss", "Le Sénat vote la loi")
    )
    local_server.add("/b.xml", rss("Presse B", "b1", LINK + "&fbclid=XYZ", "Loi : le vote"))
    v.subscribe(local_server.url("/a.xml"))
    v.subscribe(local_server.url("/b.xml"))
    seen: list[int] = []
    done = v.refresh(on_progress=lambda p: seen.append(p.done))
    assert done.report.new_items == 2 and not done.report.errors
    assert sorted(seen) == [1, 2]
    return v


def test_nothing_is_opened_until_a_verb_needs_it(home: Path) -> None:
    door = open_veille(home)
    assert not door.opened and not home.exists()
    assert door.stats().items == 0
    assert door.opened
    door.close()
    assert not door.opened


def test_opening_an_item_marks_its_whole_story_read(two_sources: Veille) -> None:
    v = two_sources
    [row] = v.rows()  # the list shows the story once
    assert row.cluster_size == 2
    opened = v.open_item(row.id, remember="tui.item")
    assert opened.item.read and len(opened.others) == 1
    assert sorted(opened.marked_read) == sorted(v.item_ids())
    assert v.count("is:unread") == 0
    assert v.get_state("tui.item") == str(row.id)


def test_a_script_marks_a_story_read_or_unread_and_the_setting_is_honoured(
    two_sources: Veille,
) -> None:
    v = two_sources
    [row] = v.rows()
    assert v.mark_story_read(row.id) == 2
    assert v.mark_story_read(row.id, read=False) == 2
    v.settings.cluster_mark_read = False
    opened = v.open_item(row.id)
    assert opened.marked_read == [row.id] and len(v.item_ids("is:unread")) == 1


def test_opening_without_marking_and_marks_tags_notes(two_sources: Veille) -> None:
    v = two_sources
    ids = v.item_ids()
    assert v.open_item(ids[0], mark_read=False).marked_read == []
    assert v.set_marks(ids, starred=True) == 2
    [item, _] = v.tag(ids, add=["cnil/sanctions"])
    assert "cnil/sanctions" in item.tags
    assert v.set_note(ids[0], "à relire").note == "à relire"
    assert {t.name for t in v.tags()} >= {"cnil/sanctions"}
    marked = v.mark_view_read(query="tag:cnil")
    assert sorted(marked) == sorted(ids)


def test_saved_searches_are_found_by_name_in_one_place(v: Veille) -> None:
    v.save_search("lois", "loi")
    assert v.saved_search("lois").query == "loi"
    v.save_search("lois", "sénat")  # the same name replaces
    assert [s.query for s in v.saved_searches()] == ["sénat"]
    v.delete_search("lois")
    with pytest.raises(NotFound, match="no saved search named 'lois'"):
        v.saved_search("lois")


def test_export_to_a_file_is_whole_and_keeps_state_files_private(
    two_sources: Veille, tmp_path: Path
) -> None:
    v = two_sources
    out = tmp_path / "review.md"
    options = v.export_options(lang="en", query="")
    done = v.export("md", options, to=out)
    assert done.count == 2 and done.path == out
    assert out.read_text(encoding="utf-8") == v.export("md", options).text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left
    state = tmp_path / "state.json"
    v.export_state(to=state)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert set(FORMATS) >= {"md", "opml"}


def test_an_export_never_leaves_half_a_file(two_sources: Veille, tmp_path: Path) -> None:
    v = two_sources
    out = tmp_path / "review.md"
    out.write_text("the previous review", encoding="utf-8")
    with pytest.raises(OutputError, match="is a folder"):
        v.export("md", v.export_options(), to=tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        v.export("md", v.export_options(), to=tmp_path / "nowhere" / "x.md")
    assert not (tmp_path / "nowhere").exists()
    made = v.export("csv", v.export_options(), to=tmp_path / "new" / "x.csv", make_folder=True)
    assert made.path is not None and made.path.read_text(encoding="utf-8").count("\n") >= 3
    assert out.read_text(encoding="utf-8") == "the previous review"


def test_backup_and_restore_through_the_front_door(two_sources: Veille, tmp_path: Path) -> None:
    v = two_sources
    copy = v.backup(str(tmp_path / "copy.sqlite"))
    v.set_marks(v.item_ids(), starred=True)
    done = v.restore(copy)
    assert done.kept is not None and done.kept.exists()
    assert v.count("is:starred") == 0  # reopened on the backup
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a library")
    with pytest.raises(VeilleError, match="is not a veille library; nothing was changed"):
        v.restore(bad)


def test_the_library_changed_elsewhere_is_noticed(two_sources: Veille, home: Path) -> None:
    v = two_sources
    assert v.changed() is False  # the baseline
    assert v.changed() is False
    with open_veille(home) as other:
        other.set_marks(other.item_ids(), starred=True)
    assert v.changed() is True
    assert v.changed() is False


def test_verbs_may_be_called_from_worker_threads(two_sources: Veille) -> None:
    v = two_sources
    ids = v.item_ids()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for _ in range(20):
                v.set_marks(ids, starred=bool(n % 2))
                v.snapshot()
                v.open_item(ids[n % 2], mark_read=False)
        except BaseException as error:  # pragma: no cover - what the test looks for
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_offline_refuses_the_network_in_plain_words(home: Path) -> None:
    with open_veille(home, offline=True) as door:
        with pytest.raises(VeilleError, match="--offline: refresh needs the network"):
            door.refresh()
        found = door.discover("example.org")  # offline: subscribed to as typed
        assert found.url == "https://example.org" and found.candidates == []


def test_offline_fetches_no_page_to_extract(home: Path, local_server: LocalServer) -> None:
    local_server.add(
        "/page.html", "<html><body><p>Texte</p></body></html>", content_type="text/html"
    )
    refused = pytest.raises(VeilleError, match="--offline: fetching a page needs the network")
    with open_veille(home, offline=True) as door, refused:
        door.fetch_page(local_server.url("/page.html"))
    assert local_server.requests == []


def test_every_user_facing_error_is_a_veille_error(v: Veille) -> None:
    from veille.core import errors

    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type):
            assert issubclass(value, VeilleError), name
    assert issubclass(LibraryError, VeilleError) and issubclass(QueryError, ValueError)
    with pytest.raises(QueryError):
        v.items("since:someday")
    with pytest.raises(NotFound, match=r"no feed 'https://nowhere\.example/'"):
        v.feed("https://nowhere.example/")
    with pytest.raises(VeilleError, match="is not an id"):
        v.feed("99999999999999999999")
    assert VeilleError("x", status=2).status == 2 and NotFound("y").status == 1


def test_the_face_lists_what_it_offers() -> None:
    for name in veille.core.__all__:
        assert getattr(veille.core, name) is not None, name
    assert "Library" not in veille.core.__all__  # the storage stays behind the door


def test_a_count_is_given_up_once_its_stop_is_set(
    two_sources: Veille, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app counts each search typed; the count of one typed over is stopped, and the
    library's next reads on that thread are not stopped with it."""
    from veille.core import home as homes
    from veille.core.errors import Stopped

    monkeypatch.setattr(homes, "STOP_STEPS", 1)  # a tiny library counts in fewer steps
    stop = threading.Event()
    assert two_sources.count("", stop=stop) == 1  # one story told twice
    stop.set()
    with pytest.raises(Stopped):
        two_sources.count("", stop=stop)
    with pytest.raises(Stopped):
        two_sources.count("loi", stop=stop)
    assert two_sources.count("") == 1 and two_sources.count("loi", stop=threading.Event()) == 1


def test_the_rows_of_a_search_typed_over_are_stopped_too(
    two_sources: Veille, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app reads the first rows of each search typed; those of one typed over are given
    up like its count, and the next reads on that thread are whole."""
    from veille.core import home as homes
    from veille.core.errors import Stopped

    monkeypatch.setattr(homes, "STOP_STEPS", 1)
    expected = [r.id for r in two_sources.rows("loi")]
    stop = threading.Event()
    stop.set()
    with pytest.raises(Stopped):
        two_sources.rows("loi", stop=stop)
    with pytest.raises(Stopped):
        two_sources.position(expected[0], "loi", stop=stop)
    assert [r.id for r in two_sources.rows("loi", stop=threading.Event())] == expected
    assert two_sources.position(expected[0], "loi") == 0


def test_a_count_asked_in_halves_is_stopped_too(
    two_sources: Veille, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large library the other half is asked on a helper thread: stopping the count
    stops this thread's half, and the next counts are whole and right."""
    from veille.core import home as homes
    from veille.core.errors import Stopped
    from veille.core.library import _halves

    monkeypatch.setattr(homes, "STOP_STEPS", 1)
    monkeypatch.setattr(_halves, "SPLIT_FROM", 0)
    expected = two_sources.count("loi")
    stop = threading.Event()
    stop.set()
    with pytest.raises(Stopped):
        two_sources.count("loi", stop=stop)
    assert two_sources.count("loi", stop=threading.Event()) == expected == 1


def test_closing_as_a_gentle_check_is_about_to_start_neither_fails_nor_checks(
    two_sources: Veille, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app quits (closing the library from its own thread) at any instant of a gentle
    check, the instant between the check's thread being made and being started included."""
    import threading

    start = threading.Thread.start

    def closed_first(thread: threading.Thread) -> None:
        if thread.name == "veille-check":
            two_sources.close()  # as the app's unmount would, right then
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", closed_first)
    assert two_sources.check(gently=True, idle=lambda: True) is None  # cut short, not checked


def test_a_gentle_check_waits_while_the_user_is_busy_and_close_cuts_it_short(
    two_sources: Veille,
) -> None:
    """At a million items the check reads gigabytes: the app's runs only while the user is
    idle, and quitting does not wait for it."""
    import time

    busy, asked = threading.Event(), threading.Event()

    def idle() -> bool:
        asked.set()
        return not busy.is_set()

    found: dict[str, str | None] = {}

    def check(name: str) -> threading.Thread:
        thread = threading.Thread(
            target=lambda: found.__setitem__(name, two_sources.check(gently=True, idle=idle))
        )
        thread.start()
        return thread

    busy.set()
    first = check("first")
    assert asked.wait(5)
    time.sleep(0.2)
    assert first.is_alive() and "first" not in found  # waiting for the user to be idle
    busy.clear()
    first.join(5)
    assert found["first"] is None  # idle: checked, and sound

    busy.set()
    asked.clear()
    second = check("second")
    assert asked.wait(5)
    two_sources.close()
    second.join(5)
    assert not second.is_alive() and found["second"] is None  # cut short, nothing said
