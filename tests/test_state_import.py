"""`veille import-state` reads the whole file before it writes: a wrong value refuses all of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from veille.cli import main

FEED = "https://a.example/rss"


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def state(
    *,
    item: dict[str, Any] | None = None,
    feed: dict[str, Any] | None = None,
    searches: list[Any] | None = None,
    rules: list[Any] | None = None,
) -> dict[str, Any]:
    """A state file of two good items and one feed, `item` changing the third item."""
    good = [{"feed": FEED, "guid": f"g{n}", "title": f"good {n}", "starred": True} for n in (1, 2)]
    return {
        "format": "veille-state",
        "version": 2,
        "feeds": [{"url": FEED, "title": "A"}, *([feed] if feed is not None else [])],
        "items": [*good, {"feed": FEED, "guid": "g3", "title": "third", **(item or {})}],
        "saved_searches": searches or [{"name": "mine", "query": "is:starred"}],
        "rules": rules or [],
    }


def imported(capsys: pytest.CaptureFixture[str], path: Path, text: str) -> tuple[int, str]:
    path.write_text(text, encoding="utf-8")
    status, _, err = veille(capsys, "import-state", str(path))
    return status, err


def nothing_stored(capsys: pytest.CaptureFixture[str]) -> bool:
    items = json.loads(veille(capsys, "items", "--json")[1])
    feeds = veille(capsys, "feeds")[1]
    searches = veille(capsys, "search", "list")[1]
    return not items and FEED not in feeds and "mine" not in searches


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item": {"sort_ts": float("nan")}}, "item 3: `sort_ts` must be a date"),
        ({"item": {"sort_ts": "abc"}}, "item 3: `sort_ts` must be a date"),
        ({"item": {"first_seen": 1e300}}, "item 3: `first_seen` must be a date"),
        ({"item": {"tags": "abc"}}, "item 3: `tags` must be a list of tag names"),
        ({"item": {"tags": [1, None, {"a": 1}]}}, "item 3: `tags` must be a list of tag names"),
        ({"item": {"starred": "no"}}, "item 3: `starred` must be true or false"),
        ({"item": {"read": 1}}, "item 3: `read` must be true or false"),
        ({"item": {"note": 5}}, "item 3: `note` must be text"),
        ({"item": {"guid": None}}, "item 3: `guid` is missing"),
        ({"feed": {"url": 5}}, "feed 2: `url` must be text"),
        ({"feed": {"url": "javascript:alert(1)"}}, "feed 2: `url` is not a web address"),
        ({"feed": {"title": "no address"}}, "feed 2: `url` is missing"),
        ({"feed": "https://b.example/rss"}, "feed 2 must be an object with named fields"),
        (
            {"searches": [{"name": "broken", "query": "(a"}]},
            "saved search 'broken': its query cannot be read: this parenthesis is never closed",
        ),
        (
            {"rules": [{"name": "veille", "query": "since:xyz"}]},
            "rule 'veille': its query cannot be read: `since:` needs a date",
        ),
        ({"rules": [{"name": "r", "query": "a", "star": "yes"}]}, "rule 1: `star` must be true"),
    ],
)
def test_a_wrong_value_is_named_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    status, err = imported(capsys, tmp_path / "state.json", json.dumps(state(**change)))
    assert status == 1
    assert err.startswith("veille: " + message), err
    assert err.rstrip().endswith("nothing was imported")
    assert "Traceback" not in err and "unexpected error" not in err
    assert nothing_stored(capsys)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json at all", "is not a veille state file: it is not JSON (line 1, column 1)"),
        ('{"format": "veille-state", "version": 2, "feeds": ["x"]}', "feed 1 must be an object"),
        ('{"format": "veille-state", "version": 2, "items": {"a": 1}}', "`items` must be a list"),
        ('{"format": "veille-state", "version": 2, "items": [{"guid": "g"}]}', "`feed` is missing"),
    ],
)
def test_a_malformed_file_is_told_in_plain_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    status, err = imported(capsys, tmp_path / "state.json", text)
    assert status == 1 and message in err, err
    for raw in ("string indices", "Expecting value", "could not convert", "KeyError", "'url'"):
        assert raw not in err


def test_a_file_that_is_not_text_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"\xff\xfe{}")
    status, _, err = veille(capsys, "import-state", str(path))
    assert status == 1 and "is not a veille state file: it is not UTF-8 text" in err, err


def test_a_sound_file_is_imported_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = state(item={"tags": ["ai", "to read"], "note": "kept", "read": True, "sort_ts": 1.5e9})
    status, err = imported(capsys, tmp_path / "state.json", json.dumps(good))
    assert status == 0, err
    items = {i["title"]: i for i in json.loads(veille(capsys, "items", "--json")[1])}
    third = items["third"]
    assert (third["tags"], third["note"], third["read"], third["starred"]) == (
        ["ai", "to read"],
        "kept",
        True,
        False,
    )
    assert items["good 1"]["starred"] is True
