"""Piping an item to a command of the user's (newsboat's pipe-to): its JSON or its text on the
command's standard input, what the command writes back shown to the user.

The command is a list of arguments from config.toml (`[pipe.NAME] command = [...]`), run
without a shell so no text of a feed can become a shell word, and stopped after `timeout`
seconds so a command waiting for a terminal cannot hang the reader.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from typing import Any

from veille.core.errors import VeilleError
from veille.core.model import Item
from veille.core.text import html_to_text

OUTPUT_LIMIT = 64 * 1024  # characters of a command's answer kept for the screen


class PipeFailed(VeilleError):
    """The command could not be run, or did not finish in time."""


@dataclass(frozen=True, slots=True)
class Piped:
    """What the command answered: its exit code and its output (stdout, then stderr)."""

    command: str
    code: int
    output: str


def item_record(item: Item) -> dict[str, Any]:
    """The item as a JSON object: what a script needs to file, share or read it."""
    return {
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "feed": item.feed_title,
        "feed_url": item.feed_url,
        "author": item.author,
        "published": item.published.isoformat() if item.published else None,
        "tags": list(item.tags),
        "starred": item.starred,
        "read": item.read,
        "note": item.note,
        "text": html_to_text(item.body, clean=True),
        "html": item.body,
    }


def item_text(item: Item) -> str:
    """The item as plain text: title, address, then its text."""
    head = [item.title, item.url] if item.url else [item.title]
    return "\n".join([*head, "", html_to_text(item.body, clean=True), ""])


def pipe_item(item: Item, command: tuple[str, ...], fmt: str, timeout: float) -> Piped:
    """Run `command` with `item` (as "json" or "text") on its standard input."""
    data = json.dumps(item_record(item), ensure_ascii=False) if fmt == "json" else item_text(item)
    shown = " ".join(command)
    try:
        done = subprocess.run(
            list(command),
            input=data.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise PipeFailed(f"the command {command[0]!r} was not found") from None
    except PermissionError:
        raise PipeFailed(f"the command {command[0]!r} may not be run") from None
    except subprocess.TimeoutExpired:
        raise PipeFailed(f"{shown!r} did not finish within {timeout:g} s and was stopped") from None
    except OSError as error:
        raise PipeFailed(f"{shown!r} could not be run: {error.strerror or error}") from None
    output = (done.stdout + done.stderr).decode("utf-8", errors="replace")[:OUTPUT_LIMIT]
    return Piped(shown, done.returncode, output)
