"""Two veille clients and the server (a third client edits it directly), edited and synced in
random orders, with kills between the server's answer and the local commit.

A model keeps, per client, the edits not yet pushed (a toggle back to the value last synced is
no edit) and checks after every completed sync that each of them reached the server and that
the client now shows exactly what the server holds; at the end all three agree. A kill is a
`Killed` raised where the journal would commit, then a new `Veille` on the same files.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.greader_fake import LABEL, READ, STARRED, FakeReader, serve
from veille.core import Veille, open_veille

TAGS = ("a", "b")
FIELDS = ("read", "starred", *(f"tag:{t}" for t in TAGS))
N_ITEMS = 2


class Killed(BaseException):
    """The process died here."""


Key = tuple[str, str]  # (item url, field)


def _local(v: Veille) -> dict[Key, bool]:
    found: dict[Key, bool] = {}
    for item in v.library.items():
        found[(item.url, "read")] = item.read
        found[(item.url, "starred")] = item.starred
        for t in TAGS:
            found[(item.url, f"tag:{t}")] = t in item.tags
    return found


def _server(fake: FakeReader) -> dict[Key, bool]:
    found: dict[Key, bool] = {}
    for item in fake.items.values():
        found[(item.url, "read")] = item.read
        found[(item.url, "starred")] = item.starred
        for t in TAGS:
            found[(item.url, f"tag:{t}")] = item.id in fake.labels.get(t, set())
    return found


def _field(change: tuple[str, str]) -> tuple[str, bool]:
    action, tag = change
    name = "read" if tag == READ else "starred" if tag == STARRED else "tag:" + tag[len(LABEL) :]
    return name, action == "a"


def _apply_local(v: Veille, url: str, field: str, value: bool) -> None:
    [item_id] = [i.id for i in v.library.items() if i.url == url]
    if field == "read":
        v.library.set_read([item_id], value)
    elif field == "starred":
        v.library.set_starred([item_id], value)
    elif value:
        v.library.tag([item_id], add=[field[4:]])
    else:
        v.library.tag([item_id], remove=[field[4:]])


def _apply_server(fake: FakeReader, url: str, field: str, value: bool) -> None:
    [item] = [i for i in fake.items.values() if i.url == url]
    if field == "read":
        item.read = value
    elif field == "starred":
        item.starred = value
    elif value:
        fake.labels.setdefault(field[4:], set()).add(item.id)
    else:
        fake.labels.get(field[4:], set()).discard(item.id)


class World:
    def __init__(self, fake: FakeReader, endpoint: str, root: Path) -> None:
        self.fake = fake
        self.homes = [root / "a", root / "b"]
        self.clients: list[Veille] = []
        for home in self.homes:
            v = open_veille(home)
            v.paths.ensure()
            v.add_account("home", "freshrss", endpoint, "alice", password="secret-pw")
            self.clients.append(v)
        self.pending: list[dict[Key, bool]] = [{}, {}]
        self.base: list[dict[Key, bool]] = [{}, {}]
        for c in (0, 1):
            self.sync(c, None)

    def close(self) -> None:
        for v in self.clients:
            v.close()

    def edit(self, c: int, url: str, field: str, value: bool) -> None:
        _apply_local(self.clients[c], url, field, value)
        key = (url, field)
        if self.base[c].get(key) == value:
            self.pending[c].pop(key, None)
        else:
            self.pending[c][key] = value

    def sync(self, c: int, kill_at: int | None) -> None:
        calls: list[tuple[tuple[str, str], list[str]]] = []

        def hook(change: tuple[str, str], ids: list[str]) -> None:
            if kill_at is not None and len(calls) == kill_at:
                raise Killed
            calls.append((change, ids))

        v = self.clients[c]
        from veille.core.sync.accounts import AccountBook, accounts_file
        from veille.core.sync.run import sync_account

        account = AccountBook(accounts_file(v.paths.config)).get("home")
        try:
            sync_account(v.library, account, hook=hook)
        except Killed:
            urls = {str(i.id): i.url for i in self.fake.items.values()}
            for change, ids in calls:  # these committed before the kill
                field, value = _field(change)
                for rid in ids:
                    key = (urls[rid], field)
                    if self.pending[c].get(key) == value:
                        del self.pending[c][key]
                    self.base[c][key] = value
            v.close()
            self.clients[c] = open_veille(self.homes[c])
            return
        server = _server(self.fake)
        for key, value in self.pending[c].items():
            assert server[key] == value, f"client {c}'s edit {key}={value} was lost"
        local = _local(self.clients[c])
        assert local == server, f"client {c} differs from the server after its sync"
        self.pending[c] = {}
        self.base[c] = local


steps = st.one_of(
    st.tuples(st.just("local"), st.integers(0, 1), st.integers(0, N_ITEMS - 1),
              st.sampled_from(FIELDS), st.booleans()),
    st.tuples(st.just("server"), st.integers(0, N_ITEMS - 1), st.sampled_from(FIELDS),
              st.booleans()),
    st.tuples(st.just("sync"), st.integers(0, 1), st.none() | st.integers(0, 3)),
)  # fmt: skip


def run_world(dialect: str, program: list[tuple[Any, ...]]) -> None:
    with serve(dialect) as (fake, endpoint), tempfile.TemporaryDirectory() as root:
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        urls = [f"https://news.example.org/{k}" for k in range(N_ITEMS)]
        for k, url in enumerate(urls):
            fake.add_item(feed, f"Item {k}", url, read=k == 0, starred=k == 1)
        fake.labels["a"] = {min(fake.items)}  # something to take back from the start
        world = World(fake, endpoint, Path(root))
        try:
            for step in program:
                if step[0] == "local":
                    _, c, k, field, value = step
                    world.edit(c, urls[k], field, value)
                elif step[0] == "server":
                    _, k, field, value = step
                    _apply_server(fake, urls[k], field, value)
                else:
                    world.sync(step[1], step[2])
            for c in (0, 1, 0):
                world.sync(c, None)
            assert _local(world.clients[0]) == _local(world.clients[1]) == _server(fake)
        finally:
            world.close()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(dialect=st.sampled_from(["freshrss-1.25", "freshrss-1.26"]),
       program=st.lists(steps, max_size=14))  # fmt: skip
def test_two_clients_and_the_server_agree_and_lose_nothing(
    dialect: str, program: list[tuple[Any, ...]]
) -> None:
    run_world(dialect, program)


def test_a_kill_after_the_answer_repeats_the_push_and_loses_nothing() -> None:
    run_world(
        "freshrss-1.25",
        [
            ("local", 0, 0, "read", True),
            ("local", 0, 1, "starred", True),
            ("local", 0, 0, "tag:a", False),
            ("sync", 0, 1),  # the first change committed, the second answered but not
            ("server", 1, "starred", False),  # the phone unstars meanwhile
            ("local", 1, 1, "tag:b", True),
            ("sync", 1, 0),
            ("sync", 0, None),
            ("local", 0, 0, "read", False),
            ("local", 0, 0, "read", True),  # toggled back: nothing to push
            ("server", 0, "read", False),
        ],
    )
