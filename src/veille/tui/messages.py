"""Messages shared by several panes and screens (each pane's own messages live in its class).

A worker that fails never takes the app down: it posts `TaskFailed`, which bubbles to the app, and
the app shows it in one place (a notification).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class TaskFailed(Message):
    """Background work `what` failed with `error`; shown once, as a notification."""

    what: str
    error: str


@dataclass
class LibraryChanged(Message):
    """Items changed (marks, tags, a refresh): panes reload what they show, keeping position."""

    feeds: bool = True
