"""The front door's exports: a selection, the subscriptions, the whole state; and state imports.

One rule for every file veille writes on request: its target is checked before any work (a
folder, or a folder that is missing, is told at once), then it is written whole or not at all
(`veille.core.outfile`). Files that may hold keys (a state file, subscriptions with their
secrets) are private from their first byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille.core.errors import VeilleError
from veille.core.library import View
from veille.core.model import Item
from veille.core.outcomes import Exported
from veille.core.outfile import OutputError, check_target, describe, write_output
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.export import ExportOptions
    from veille.core.home import Home


def export(
    v: Home,
    fmt: str,
    options: ExportOptions,
    query: str,
    view: View | None,
    ids: Sequence[int] | None,
    to: Path | None,
    make_folder: bool,
) -> Exported:
    from veille.core.export import export_items

    if to is not None and not make_folder:
        check_target(to)  # before the work
    lib = v.library
    items = lib.items_by_id(list(ids)) if ids else lib.items(query, view=view)
    # Only the OPML of the items' feeds reads the feeds; only a review names a story's sources.
    feeds = lib.feeds() if fmt == "opml" else []
    companions = story_companions(v, items) if fmt in REVIEW_FORMATS else []
    out = export_items(items, fmt, options, feeds, companions)
    stories = count_stories(items)
    text, data = (out, b"") if isinstance(out, str) else ("", out)
    if to is None:
        return Exported(len(items), text, data=data, stories=stories)
    if make_folder:
        try:
            to.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(
                _("{error}; nothing was written").format(error=describe(error, to.parent))
            ) from None
    write_output(to, out)
    return Exported(len(items), path=to, stories=stories)


# The formats that lay items out as a press review, one entry per story.
REVIEW_FORMATS = frozenset({"md", "html", "docx", "csl", "ris", "text"})


def count_stories(items: Sequence[Item]) -> int:
    """How many entries a review of `items` holds: items of one story count once."""
    return len({i.cluster_id if i.cluster_id is not None else -i.id for i in items})


def story_companions(v: Home, items: Sequence[Item]) -> list[Item]:
    """The other items of the stories `items` belong to, that the selection does not hold and
    the user has not hidden."""
    chosen = {i.id for i in items}
    clusters = {i.cluster_id for i in items if i.cluster_id is not None and i.cluster_size > 1}
    if not clusters:
        return []
    wanted = sorted(v.library.story_members(sorted(clusters)) - chosen)
    # An outlet the user hid is not one they want named.
    return [item for item in v.library.items_by_id(wanted) if not item.hidden]


def subscriptions(v: Home, include_secrets: bool, to: Path | None) -> str:
    from veille.core.export import export_opml

    if to is not None:
        check_target(to)
    text = export_opml(v.library.feeds(), include_secrets=include_secrets)
    if to is not None:
        write_output(to, text, private=include_secrets)
    return text


def state(v: Home, include_secrets: bool, to: Path | None) -> str:
    from veille.core.library import dumps_state

    if to is not None:
        check_target(to)
    text = dumps_state(v.library, include_secrets=include_secrets)
    if to is not None:
        write_output(to, text, private=True)  # feed URLs may carry keys
    return text


def import_state(v: Home, file: Path) -> dict[str, int]:
    from veille.core.library import import_state as merge

    too_deep = f"{file} is nested too deeply to be a state file; nothing was imported"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except RecursionError:
        raise VeilleError(too_deep) from None
    except OSError as error:
        raise VeilleError(
            _("cannot read {file}: {strerror}").format(file=file, strerror=error.strerror)
        ) from None
    except UnicodeDecodeError:
        raise VeilleError(
            _("{file} is not a veille state file: it is not UTF-8 text").format(file=file)
        ) from None
    except json.JSONDecodeError as error:
        raise VeilleError(
            _(
                "{file} is not a veille state file: it is not JSON (line {line}, column {column})"
            ).format(file=file, line=error.lineno, column=error.colno)
        ) from None
    try:
        return merge(v.library, data)
    except RecursionError:
        raise VeilleError(too_deep) from None
