"""What `veille sync status` tells: per account, its state and what stays local."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from veille.core.library._db import Database
from veille.core.sync import journal
from veille.core.sync.accounts import Account
from veille.core.sync.run import labels_synced
from veille.core.translations import _


def status(db: Database, accounts: dict[str, Account]) -> list[dict[str, Any]]:
    conn = db.connection()
    found = []
    for account in accounts.values():
        row = conn.execute(
            "SELECT id, last_sync, last_error FROM accounts WHERE name = ?", (account.name,)
        ).fetchone()
        ident, last, error = row if row else (0, None, "")

        def count(sql: str, ident: int = ident) -> int:
            return int(conn.execute(sql, (ident,)).fetchone()[0])

        notes = []
        if not labels_synced(account):
            notes.append(_("Miniflux has no labels: tags stay local"))
        notes.append(_("notes, watches and saved searches stay local"))
        for (remote,) in conn.execute(
            "SELECT remote_name FROM remote_labels WHERE account_id = ? AND remote_name LIKE '#%'",
            (ident,),
        ):
            notes.append(
                _("tag {tag} is the label {label} there: a folder has its name").format(
                    tag=remote[1:], label=remote
                )
            )
        gone = count("SELECT count(*) FROM remote_feeds WHERE account_id = ? AND gone = 1")
        if gone:
            notes.append(
                _("{count} feeds left the server: their items stay here, frozen").format(count=gone)
            )
        found.append(
            {
                **account.public(),
                "last_sync": (
                    datetime.fromtimestamp(last, UTC).isoformat(timespec="seconds")
                    if last
                    else None
                ),
                "last_error": error or "",
                "pending": journal.pending(conn, ident, tags=labels_synced(account))
                if ident
                else 0,
                "feeds": count(
                    "SELECT count(*) FROM remote_feeds WHERE account_id = ? "
                    "AND feed_id IS NOT NULL AND gone = 0"
                ),
                "items": count("SELECT count(*) FROM remote_items WHERE account_id = ?"),
                "tags_synced": labels_synced(account),
                "notes": notes,
            }
        )
    return found
