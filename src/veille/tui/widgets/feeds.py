"""The feeds pane: All, Unread, Starred, tags, saved searches, watches, then folders and feeds.

Each entry carries a `View` and a stable key ("feed:12", "tag:climat"…) that the app remembers
between runs. Labels are Rich `Text` built from literal strings: a feed title is data, never
markup. A failing feed shows a mark, and its error appears as the tooltip-like line in the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from veille.core import Feed, Snapshot, View
from veille.core.translations import _
from veille.tui.display import literal


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    view: View
    title: str
    feed: Feed | None = None


def entry_from_key(key: str) -> Entry | None:
    """The entry a remembered key stands for, before the pane has read the library.

    The app starts by showing the list of the remembered view; the pane's counts come a moment
    later. The title here is provisional: the pane's own entry replaces it once it is filled.
    """
    kind, _sep, value = key.partition(":")
    fixed = {
        "all": Entry("all", View(), _("All")),
        "unread": Entry("unread", View(unread_only=True), _("Unread")),
        "starred": Entry("starred", View(starred_only=True), _("Starred")),
    }
    if key in fixed:
        return fixed[key]
    if kind == "tag" and value:
        return Entry(key, View(tag=value), f"#{value}")
    if kind == "folder" and value:
        return Entry(key, View(folder=value), value.rsplit("/", 1)[-1])
    if kind in ("feed", "search", "watch") and value.isdigit():
        number = int(value)
        view = (
            View(feed_id=number)
            if kind == "feed"
            else View(saved_search_id=number)
            if kind == "search"
            else View(rule_id=number)
        )
        return Entry(key, view, "…")
    return None


def _label(
    title: str, unread: int, *, failing: bool = False, bold: bool = False, room: int = 0
) -> Text:
    """An entry's label; with `room` (columns), a long title gives way before its count."""
    tail = (f" {unread}" if unread else "") + (" ⚠" if failing else "")
    text = literal(title, "bold" if bold else "")
    if room and text.cell_len + len(tail) > room:
        text.truncate(max(room - len(tail), 2) - 1)
        text.append("…")
    if unread:
        text.append(f" {unread}", "bold")
    if failing:
        text.append(" ⚠", "bold red")
    return text


# (parent key or None for the top, key, entry or None for a section heading, label), in order.
_Planned = tuple[str | None, str, Entry | None, Text]


def _room(width: int, depth: int) -> int:
    """Columns a label has at `depth` in a pane `width` wide (guides and scrollbar aside)."""
    return max(width - 2 * depth - 2, 6) if width else 0


def _tag_plan(snap: Snapshot, width: int) -> list[_Planned]:
    """Tags nested by `/`: `surveillance` over `surveillance/vsa`, counting its children's
    unread items with its own (a tag's view shows its children's items too)."""
    unread: dict[str, int] = {}
    for tag in snap.tags:
        parts = tag.name.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            unread[path] = unread.get(path, 0) + tag.unread
    plan: list[_Planned] = []
    for path in sorted(unread, key=lambda p: p.split("/")):
        parts = path.split("/")
        parent = "section:tags" if len(parts) == 1 else "tag:" + "/".join(parts[:-1])
        entry = Entry(f"tag:{path}", View(tag=path), f"#{path}")
        shown = f"#{parts[-1]}" if len(parts) == 1 else parts[-1]
        label = _label(shown, unread[path], room=_room(width, len(parts)))
        plan.append((parent, entry.key, entry, label))
    return plan


def _plan(snap: Snapshot, width: int = 0) -> list[_Planned]:
    """The pane's nodes for `snap`, parents before their children, labels fitted to `width`."""
    plan: list[_Planned] = [
        (None, "all", Entry("all", View(), _("All")), _label(_("All"), snap.unread, bold=True)),
        (
            None,
            "unread",
            Entry("unread", View(unread_only=True), _("Unread")),
            _label(_("Unread"), snap.unread, bold=True),
        ),
        (
            None,
            "starred",
            Entry("starred", View(starred_only=True), _("Starred")),
            _label(_("Starred"), snap.starred, bold=True),
        ),
    ]
    if snap.tags:
        plan.append((None, "section:tags", None, Text(_("Tags"), "bold")))
        plan.extend(_tag_plan(snap, width))
    if snap.searches:
        plan.append((None, "section:searches", None, Text(_("Saved searches"), "bold")))
        for search in snap.searches:
            entry = Entry(f"search:{search.id}", View(saved_search_id=search.id), search.name)
            label = _label(search.name, search.unread, room=_room(width, 1))
            plan.append(("section:searches", entry.key, entry, label))
    if snap.watches:
        plan.append((None, "section:watches", None, Text(_("Watches"), "bold")))
        for rule in snap.watches:
            entry = Entry(f"watch:{rule.id}", View(rule_id=rule.id), rule.name)
            label = _label(rule.name, rule.unread, room=_room(width, 1))
            plan.append(("section:watches", entry.key, entry, label))
    unread_by_folder: dict[str, int] = {}
    for feed in snap.feeds:
        parts = feed.folder.split("/") if feed.folder else []
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            unread_by_folder[path] = unread_by_folder.get(path, 0) + feed.unread
    placed: set[str] = set()
    for feed in snap.feeds:
        parent: str | None = None
        if feed.folder:
            parts = feed.folder.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                key = f"folder:{path}"
                if key not in placed:
                    placed.add(key)
                    entry = Entry(key, View(folder=path), parts[depth - 1])
                    label = _label(
                        parts[depth - 1],
                        unread_by_folder[path],
                        bold=True,
                        room=_room(width, depth - 1),
                    )
                    plan.append((parent, key, entry, label))
                parent = key
        entry = Entry(f"feed:{feed.id}", View(feed_id=feed.id), feed.display_title, feed)
        depth = len(feed.folder.split("/")) if feed.folder else 0
        label = _label(
            feed.display_title, feed.unread, failing=feed.failing, room=_room(width, depth)
        )
        plan.append((parent, entry.key, entry, label))
    return plan


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """A snapshot with the pane's nodes planned for a width. Planning the labels of a thousand
    feeds costs tens of milliseconds: the worker that read the snapshot does it, not the loop
    that answers the keys."""

    snap: Snapshot
    width: int
    nodes: list[_Planned]


def plan_feeds(snap: Snapshot, width: int) -> FeedPlan:
    """The pane's nodes for `snap` at `width` columns (pure: may run in a worker thread)."""
    return FeedPlan(snap, width, _plan(snap, width))


class FeedTree(Tree[Entry]):
    """A tree of views; posts `ViewSelected` when one is chosen."""

    # The list's movement keys move whichever pane has the focus, as in newsboat.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
        Binding("home", "scroll_home", show=False),
        Binding("end", "scroll_end", show=False),
    ]

    @dataclass
    class ViewSelected(Message):
        tree: FeedTree
        entry: Entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("veille"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.selected_key = "all"
        self._by_key: dict[str, TreeNode[Entry]] = {}  # entries (views) by key
        self._node_by_key: dict[str, TreeNode[Entry]] = {}  # every node, headings included
        self._labels: dict[str, Text] = {}
        self._shape: list[tuple[str | None, str]] = []  # (parent key, key), in order
        self.feed_order: list[Entry] = []
        self._snap: Snapshot | None = None
        self._fitted_width = 0

    def fill(self, snap: Snapshot | FeedPlan, select: str | None = None) -> None:
        """Show `snap`, keeping the selection (or moving it to `select`).

        Counts change after nearly every read mark while the entries stay the same: then only
        the labels that changed are redrawn. Rebuilding a tree of a thousand feeds costs the
        app a tenth of a second, which would land on whatever key the reader presses next.
        """
        if select is not None:
            self.selected_key = select
        width = self.size.width
        if isinstance(snap, FeedPlan):
            planned, snap = snap, snap.snap
            plan = planned.nodes if planned.width == width else _plan(snap, width)
        else:
            plan = _plan(snap, width)
        self._snap = snap
        shape = [(parent, key) for parent, key, _, _ in plan]
        if shape == self._shape:
            for _, key, entry, label in plan:
                node = self._node_by_key[key]
                node.data = entry  # a feed's entry carries its latest state (its error, say)
                if label != self._labels[key]:
                    self._labels[key] = label
                    node.set_label(label)
            self.feed_order = [e for _, _, e, _ in plan if e is not None and e.feed is not None]
            if select is not None:
                self.move_cursor(self._by_key.get(select) or self._by_key["all"], animate=False)
            return
        self.clear()
        self._by_key.clear()
        self._node_by_key.clear()
        self._labels.clear()
        parents = {parent for parent, _, _, _ in plan}
        for parent, key, entry, label in plan:
            under = self._node_by_key[parent] if parent else self.root
            branch = key in parents or key.startswith(("folder:", "section:"))
            node = (
                under.add(label, data=entry, expand=True)
                if branch
                else under.add_leaf(label, data=entry)
            )
            self._node_by_key[key] = node
            self._labels[key] = label
            if entry is not None:
                self._by_key[key] = node
        self._shape = shape
        self.feed_order = [e for _, _, e, _ in plan if e is not None and e.feed is not None]
        node = self._by_key.get(self.selected_key) or self._by_key["all"]
        self.move_cursor(node, animate=False)

    def on_resize(self, event: Resize) -> None:
        """Labels are fitted to the pane's width: fit them again (the shape stays)."""
        if event.size.width != self._fitted_width and self._snap is not None:
            self._fitted_width = event.size.width
            self.fill(self._snap)

    def unread_of(self, key: str) -> int | None:
        """The unread count the pane shows beside entry `key` (None before it is filled)."""
        snap = self._snap
        if snap is None:
            return None
        kind, _, value = key.partition(":")
        if key in ("all", "unread"):
            return snap.unread
        if kind == "feed":
            return next((f.unread for f in snap.feeds if str(f.id) == value), None)
        if kind == "tag":
            tags = [t for t in snap.tags if t.name == value or t.name.startswith(value + "/")]
            return sum(t.unread for t in tags) if tags else None
        if kind == "folder":
            inside = [
                f for f in snap.feeds if f.folder == value or f.folder.startswith(value + "/")
            ]
            return sum(f.unread for f in inside)
        return None

    def entry_for(self, key: str) -> Entry | None:
        node = self._by_key.get(key)
        return node.data if node is not None else None

    def select_key(self, key: str) -> Entry | None:
        """Move to the entry `key` and announce it."""
        node = self._by_key.get(key)
        if node is None or node.data is None:
            return None
        self.move_cursor(node, animate=False)
        self.selected_key = key
        self.post_message(self.ViewSelected(self, node.data))
        return node.data

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        event.stop()
        if event.node.data is not None:
            self.selected_key = event.node.data.key
            self.post_message(self.ViewSelected(self, event.node.data))

    def step_feed(self, delta: int) -> Entry | None:
        """The next (or previous) feed after the selected entry, selected."""
        if not self.feed_order:
            return None
        keys = [e.key for e in self.feed_order]
        if self.selected_key in keys:
            index = (keys.index(self.selected_key) + delta) % len(keys)
        else:
            index = 0 if delta > 0 else len(keys) - 1
        return self.select_key(keys[index])
