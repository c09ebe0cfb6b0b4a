"""The feeds pane: All, Unread, Starred, tags, saved searches, watches, then folders and feeds.

Each entry carries a `View` and a stable key ("feed:12", "tag:climat"…) that the app remembers
between runs. Labels are Rich `Text` built from literal strings: a feed title is data, never
markup. A failing feed shows a mark, and its error appears as the tooltip-like line in the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from veille.library import View
from veille.model import Feed, Rule, SavedSearch, TagCount
from veille.tui.display import literal


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    view: View
    title: str
    feed: Feed | None = None


@dataclass(slots=True)
class FeedsSnapshot:
    """Everything the pane shows, read from the library in one worker."""

    feeds: list[Feed]
    tags: list[TagCount]
    searches: list[SavedSearch]
    unread: int
    starred: int
    total: int
    watches: list[Rule] = field(default_factory=list)


def entry_from_key(key: str) -> Entry | None:
    """The entry a remembered key stands for, before the pane has read the library.

    The app starts by showing the list of the remembered view; the pane's counts come a moment
    later. The title here is provisional: the pane's own entry replaces it once it is filled.
    """
    kind, _, value = key.partition(":")
    fixed = {
        "all": Entry("all", View(), "All"),
        "unread": Entry("unread", View(unread_only=True), "Unread"),
        "starred": Entry("starred", View(starred_only=True), "Starred"),
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


def _label(title: str, unread: int, *, failing: bool = False, bold: bool = False) -> Text:
    text = literal(title, "bold" if bold else "")
    if unread:
        text.append(f" {unread}", "bold")
    if failing:
        text.append(" ⚠", "bold red")
    return text


class FeedTree(Tree[Entry]):
    """A tree of views; posts `ViewSelected` when one is chosen."""

    @dataclass
    class ViewSelected(Message):
        tree: FeedTree
        entry: Entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("veille"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.selected_key = "all"
        self._by_key: dict[str, TreeNode[Entry]] = {}
        self.feed_order: list[Entry] = []

    def fill(self, snap: FeedsSnapshot, select: str | None = None) -> None:
        """Rebuild the tree from `snap`, keeping the selection (or moving it to `select`)."""
        if select is not None:
            self.selected_key = select
        self.clear()
        self._by_key.clear()
        self.feed_order = []
        root = self.root

        def leaf(parent: TreeNode[Entry], entry: Entry, label: Text) -> None:
            self._by_key[entry.key] = parent.add_leaf(label, data=entry)

        leaf(root, Entry("all", View(), "All"), _label("All", snap.unread, bold=True))
        leaf(
            root,
            Entry("unread", View(unread_only=True), "Unread"),
            _label("Unread", snap.unread, bold=True),
        )
        leaf(
            root,
            Entry("starred", View(starred_only=True), "Starred"),
            _label("Starred", snap.starred, bold=True),
        )
        if snap.tags:
            tags = root.add(Text("Tags", "bold"), expand=True)
            for tag in snap.tags:
                entry = Entry(f"tag:{tag.name}", View(tag=tag.name), f"#{tag.name}")
                leaf(tags, entry, _label(f"#{tag.name}", tag.unread))
        if snap.searches:
            searches = root.add(Text("Saved searches", "bold"), expand=True)
            for search in snap.searches:
                entry = Entry(f"search:{search.id}", View(saved_search_id=search.id), search.name)
                leaf(searches, entry, _label(search.name, search.unread))
        if snap.watches:
            watches = root.add(Text("Watches", "bold"), expand=True)
            for rule in snap.watches:
                entry = Entry(f"watch:{rule.id}", View(rule_id=rule.id), rule.name)
                leaf(watches, entry, _label(rule.name, rule.unread))
        folders: dict[str, TreeNode[Entry]] = {}
        unread_by_folder: dict[str, int] = {}
        for feed in snap.feeds:
            parts = feed.folder.split("/") if feed.folder else []
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                unread_by_folder[path] = unread_by_folder.get(path, 0) + feed.unread
        for feed in snap.feeds:
            parent = root
            if feed.folder:
                parts = feed.folder.split("/")
                for depth in range(1, len(parts) + 1):
                    path = "/".join(parts[:depth])
                    if path not in folders:
                        entry = Entry(f"folder:{path}", View(folder=path), parts[depth - 1])
                        node = parent.add(
                            _label(parts[depth - 1], unread_by_folder[path], bold=True),
                            data=entry,
                            expand=True,
                        )
                        folders[path] = node
                        self._by_key[entry.key] = node
                    parent = folders[path]
            entry = Entry(f"feed:{feed.id}", View(feed_id=feed.id), feed.display_title, feed)
            self.feed_order.append(entry)
            leaf(parent, entry, _label(feed.display_title, feed.unread, failing=feed.failing))
        node = self._by_key.get(self.selected_key) or self._by_key["all"]
        self.move_cursor(node, animate=False)

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
