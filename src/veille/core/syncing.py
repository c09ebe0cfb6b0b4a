"""The verbs of sync: accounts on FreshRSS or Miniflux servers, and syncing with them.

Accounts' secrets live in `accounts.toml` beside config.toml (see `veille.core.sync.accounts`);
the library keeps only what the merge needs. Sync verbs use the network, synchronously: call
them from a worker thread in the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from veille.core.errors import UsageError
from veille.core.home import Home
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.sync.accounts import AccountBook
    from veille.core.sync.run import SyncReport


class Syncing(Home):
    """Accounts and sync."""

    def _account_book(self) -> AccountBook:
        from veille.core.sync.accounts import AccountBook, accounts_file

        return AccountBook(accounts_file(self.paths.config))

    def add_account(
        self,
        name: str,
        kind: str,
        url: str,
        user: str,
        *,
        password: str = "",
        password_command: str = "",
    ) -> dict[str, str]:
        """Check the account by logging in, then keep it; what `account list` shows of it."""
        from veille.core.sync.accounts import KINDS, Account, AccountError, endpoints
        from veille.core.sync.client import GReaderClient, LoginRefused, SyncError
        from veille.core.sync.run import account_id

        name = name.strip()
        if not name or any(c in name for c in "\"'[]\n\r\t"):
            raise UsageError(_("an account name is a word, without quotes or brackets"))
        if kind not in KINDS:
            raise UsageError(_("the kind of account is freshrss or miniflux"))
        if not user.strip():
            raise UsageError(_("give the user name with --user"))
        book = self._account_book()
        if name in book.load():
            raise AccountError(_("an account named {name} exists already").format(name=name))
        account = Account(name, kind, "", user.strip(), password, password_command)
        problem: Exception | None = None
        for endpoint in endpoints(kind, url):
            account.endpoint = endpoint
            if self.offline:
                break
            try:
                with GReaderClient(endpoint, account.user, account.secret, kind=kind) as client:
                    client.login()
                problem = None
                break
            except LoginRefused as refused:
                problem = refused
                break
            except SyncError as error:
                problem = error
        if problem is not None:
            raise problem
        book.add(account)
        account_id(self.library.db, account)
        return account.public()

    def remove_account(self, name: str) -> None:
        """Forget the account: its secret, and what the library knew of its server."""
        self._account_book().remove(name)
        with self.library.db.write() as conn:
            row = conn.execute("SELECT id FROM accounts WHERE name = ?", (name,)).fetchone()
            if row is not None:
                for table in ("sync_dirty", "remote_item_labels"):
                    conn.execute(f"DELETE FROM {table} WHERE account_id = ?", (row[0],))
                conn.execute("DELETE FROM accounts WHERE id = ?", (row[0],))

    def accounts(self) -> list[dict[str, str]]:
        return [a.public() for a in self._account_book().load().values()]

    def sync(
        self,
        name: str | None = None,
        *,
        dry_run: bool = False,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> list[SyncReport]:
        """Sync every account (or `name`); with `dry_run`, only say what would change."""
        from veille.core.sync.run import sync_account

        if self.offline:
            raise UsageError(_("--offline: sync needs the network"))
        accounts = self._account_book().load()
        if name is not None:
            accounts = {name: self._account_book().get(name)}
        reports = []
        for account in accounts.values():
            report = sync_account(self.library, account, dry_run=dry_run, on_progress=on_progress)
            if report.new_ids:
                self.library.apply_rules(report.new_ids)
                self.library.cluster(report.new_ids)
                self._prefetch_new(report.new_ids)
            reports.append(report)
        return reports

    def _prefetch_new(self, ids: list[int]) -> None:
        """The server fetched the feed; the article's full text is still veille's to fetch,
        as the feeds' policies ask (never raises: a page that fails is the item's state)."""
        from veille.core import loop
        from veille.core.fulltext.service import FullTextService
        from veille.core.ingest.refresh import make_fetcher

        cache = self.usable_cache()
        if cache is None:
            return

        async def fetch() -> None:
            service = FullTextService(self.library, cache, self.settings)
            try:
                feeds = [f.url for f in self.library.feeds(counts=False)]
                async with make_fetcher(self.settings, feeds) as fetcher:
                    await service.prefetch(ids, fetcher)
            finally:
                service.close()

        loop.run(fetch())

    def sync_status(self) -> list[dict[str, Any]]:
        """Per account: when it last synced, its last error, what waits to be pushed, what
        stays local."""
        from veille.core.sync.status import status

        return status(self.library.db, self._account_book().load())
