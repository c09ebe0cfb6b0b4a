"""One sync of one account: log in, subscriptions, push, pull, push what the merge left.

Push first: local edits are the newest intent known (GReader keeps no times to do better), and
pushing before reading the id sets means the sets read next already hold them. The request count
does not grow with the library: tag/list, subscription/list, one `edit-tag` per kind of change
(per 1,000 ids), the id sets (every id, unread, starred, one per label), then contents only
for ids never seen. A dry run syncs a copy of the library with a client that sends no change,
and reports what the real one would do.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veille.core.library import Library, open_library
from veille.core.library._db import Database
from veille.core.sync import journal
from veille.core.sync.accounts import Account, check_address
from veille.core.sync.client import GReaderClient, SyncError
from veille.core.sync.feeds import sync_feeds
from veille.core.sync.incoming import add_unknown
from veille.core.sync.items import merge_known, read_sets
from veille.core.sync.names import DEFAULT_FOLDERS, LABEL

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class SyncReport:
    account: str
    kind: str
    dry_run: bool = False
    pushed: Counter[str] = field(default_factory=Counter)
    pulled: Counter[str] = field(default_factory=Counter)
    feeds: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    requests: int = 0
    elapsed: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "pushed": dict(self.pushed),
            "pulled": dict(self.pulled),
            "feeds": dict(self.feeds),
            "notes": list(self.notes),
            "requests": self.requests,
            "elapsed": round(self.elapsed, 3),
        }


def account_id(db: Database, account: Account) -> int:
    """The library's row of `account` (made on first use)."""
    conn = db.connection()
    row = conn.execute("SELECT id FROM accounts WHERE name = ?", (account.name,)).fetchone()
    if row is not None:
        return int(row[0])
    with db.write() as conn:
        cursor = conn.execute(
            "INSERT INTO accounts (name, kind, endpoint, username) VALUES (?, ?, ?, ?)",
            (account.name, account.kind, account.endpoint, account.user),
        )
        return int(cursor.lastrowid or 0)


def labels_synced(account: Account) -> bool:
    return account.kind == "freshrss"  # Miniflux has no labels on items


def sync_account(
    lib: Library,
    account: Account,
    *,
    dry_run: bool = False,
    on_progress: Progress | None = None,
    hook: journal.Hook | None = None,
    client: GReaderClient | None = None,
) -> SyncReport:
    if client is None:
        check_address(account.endpoint)  # accounts.toml may have been edited by hand
    if dry_run:
        return _dry_run(lib, account, on_progress)
    own = client is None
    if client is None:
        client = GReaderClient(account.endpoint, account.user, account.secret, kind=account.kind)
    ident = account_id(lib.db, account)
    try:
        report = _run(lib.db, ident, account, client, on_progress, hook)
    except SyncError as error:
        with lib.db.write() as conn:
            conn.execute("UPDATE accounts SET last_error = ? WHERE id = ?", (str(error), ident))
        raise
    finally:
        if own:
            client.close()
    return report


def _dry_run(lib: Library, account: Account, on_progress: Progress | None) -> SyncReport:
    folder = Path(tempfile.mkdtemp(prefix="veille-dry-run-"))
    try:
        copy = folder / "library.sqlite"
        lib.backup(copy)
        with (
            open_library(copy) as scratch,
            GReaderClient(
                account.endpoint, account.user, account.secret, kind=account.kind, write=False
            ) as client,
        ):
            report = sync_account(scratch, account, on_progress=on_progress, client=client)
        report.dry_run = True
        report.new_ids = []
        return report
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _cursor(db: Database, ident: int) -> dict[str, Any]:
    row = db.connection().execute("SELECT cursor FROM accounts WHERE id = ?", (ident,)).fetchone()
    try:
        found = json.loads(row[0]) if row else {}
    except ValueError:
        found = {}
    return found if isinstance(found, dict) else {}


def _run(
    db: Database,
    ident: int,
    account: Account,
    client: GReaderClient,
    on_progress: Progress | None,
    hook: journal.Hook | None,
) -> SyncReport:
    started = time.monotonic()
    report = SyncReport(account.name, account.kind)
    step = on_progress or (lambda stage, done, total: None)
    labels_on = labels_synced(account)
    step("login", 0, 0)
    client.login()
    tags = client.tag_list()
    folders = {
        t["id"][len(LABEL) :]
        for t in tags
        if t.get("type") == "folder" and str(t.get("id", "")).startswith(LABEL)
    }
    label_names = sorted(
        t["id"][len(LABEL) :]
        for t in tags
        if t.get("type") == "tag" and str(t.get("id", "")).startswith(LABEL)
    )
    cursor = _cursor(db, ident)
    default = str(cursor.get("default_folder") or "")
    default = default or next((f for f in sorted(folders) if f in DEFAULT_FOLDERS), "")
    with db.write() as conn:
        labels = journal.load_labels(conn, ident)
        labels.folders = folders
        for name in label_names if labels_on else ():
            labels.by_remote.setdefault(name, labels.tag(name))
        journal.save_labels(conn, ident, labels)
    emptied = _labels_in_use(db, ident)

    step("subscriptions", 0, 0)
    report.feeds, report.notes = sync_feeds(
        db, ident, client, default=default, push_subscriptions=True
    )
    step("push", 0, 0)
    report.pushed, pushed = journal.push(
        db, ident, client, tags=labels_on, hook=hook, folders=folders
    )
    step("state", 0, 0)
    sets = read_sets(client, label_names if labels_on else None)
    report.pulled = merge_known(db, ident, sets, pushed=pushed)
    conn = db.connection()
    known = {
        r[0]
        for r in conn.execute("SELECT remote_id FROM remote_items WHERE account_id = ?", (ident,))
    }
    feed_of = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT remote_id, feed_id FROM remote_feeds WHERE account_id = ? AND feed_id IS NOT NULL "
            "AND gone = 0",
            (ident,),
        )
    }
    unknown = sorted(sets.every - known, key=int)
    if unknown:
        step("items", 0, len(unknown))
        added = add_unknown(
            db,
            ident,
            client,
            unknown,
            feed_of,
            labels_on,
            folders,
            lambda done, total: step("items", done, total),
        )
        report.pulled.update(added.counts)
        report.new_ids = added.new_ids
    if journal.pending(db.connection(), ident, tags=labels_on):
        step("push", 0, 0)  # what the first sync's union left for the server
        more, _ = journal.push(db, ident, client, tags=labels_on, hook=hook, folders=folders)
        report.pushed.update(more)
    if labels_on:
        _drop_emptied_labels(db, ident, client, emptied, report)
    report.requests = client.requests
    report.elapsed = time.monotonic() - started
    with db.write() as conn:
        cursor["default_folder"] = default
        conn.execute(
            "UPDATE accounts SET last_sync = ?, last_error = '', cursor = ? WHERE id = ?",
            (time.time(), json.dumps(cursor), ident),
        )
    step("done", 0, 0)
    return report


def _labels_in_use(db: Database, ident: int) -> set[str]:
    return {
        r[0]
        for r in db.connection().execute(
            "SELECT DISTINCT remote_name FROM remote_item_labels WHERE account_id = ?", (ident,)
        )
    }


def _drop_emptied_labels(
    db: Database, ident: int, client: GReaderClient, before: set[str], report: SyncReport
) -> None:
    """A label this sync emptied and whose tag is gone here (renamed, merged or deleted) is
    deleted on the server too; an empty label the server had before is left alone."""
    conn = db.connection()
    labels = journal.load_labels(conn, ident)
    local = {r[0] for r in conn.execute("SELECT name FROM tags")}
    for name in sorted(before - _labels_in_use(db, ident)):
        if labels.tag(name) in local:
            continue
        client.disable_tag(LABEL + name)
        report.pushed["label deleted"] += 1
        with db.write() as conn:
            conn.execute(
                "DELETE FROM remote_labels WHERE account_id = ? AND remote_name = ?",
                (ident, name),
            )
