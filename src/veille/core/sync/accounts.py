"""Sync accounts: where they are, who the user is there, and the secret that opens them.

Secrets never enter the library (backups, `export-state` and state files carry the library):
they live in `accounts.toml` beside config.toml, a file private to the user (0600, refused when
others may read it), or come from a `password_command` run at each sync (as newsboat's
`passwordeval`, but without a shell). The API endpoint is kept as the server answers it; plain `http://` is refused
except on the loopback interface, where nothing crosses a network.
"""

from __future__ import annotations

import ipaddress
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from veille.core import loop
from veille.core.errors import UsageError, VeilleError
from veille.core.outfile import write_output
from veille.core.settings import RefreshSettings
from veille.core.translations import _

KINDS = ("freshrss", "miniflux")
FRESHRSS_API = "/api/greader.php"
COMMAND_TIMEOUT = RefreshSettings().total_timeout  # as a command feed's, by default
MAX_SECRET = 1024 * 1024  # bytes a password command may print


class AccountError(VeilleError):
    """An account that cannot be added, found or opened, in plain words."""


@dataclass(slots=True)
class Account:
    name: str
    kind: str
    endpoint: str  # the Google Reader API's root, e.g. https://rss.example.org/api/greader.php
    user: str
    password: str = field(default="", repr=False)
    password_command: str = field(default="", repr=False)

    def secret(self, timeout: float = COMMAND_TIMEOUT) -> str:
        """The API password: the stored one, else what `password_command` prints."""
        if self.password:
            return self.password
        if not self.password_command:
            raise AccountError(_("account {name} has no password").format(name=self.name))
        # Run as a command feed's is (split as a shell would, no shell, `~` expanded, stopped
        # at the same timeout), but private: what it prints or says is never shown.
        from veille.core.ingest.commands import CommandFailed, run_command

        try:
            out = loop.run(
                run_command(
                    self.password_command, timeout=timeout, max_bytes=MAX_SECRET, private=True
                )
            )
        except CommandFailed as failure:
            raise AccountError(
                _("the password command of account {name} failed: {why}").format(
                    name=self.name, why=failure.message
                )
            ) from None
        secret = out.decode("utf-8", "replace").rstrip("\r\n")
        if not secret.strip():
            raise AccountError(
                _("the password command of account {name} printed no password").format(
                    name=self.name
                )
            )
        return secret

    def public(self) -> dict[str, str]:
        """What may be shown or exported: everything but the secret."""
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.endpoint,
            "user": self.user,
            "password": _("(command)") if self.password_command else _("(set)"),
        }


def accounts_file(config: Path) -> Path:
    return config.parent / "accounts.toml"


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_address(url: str) -> str:
    """`url` cleaned, or UsageError: http(s) only, http only on loopback, no user in it."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        raise UsageError(_("{url} is not a web address").format(url=url)) from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(_("{url} is not a web address").format(url=url))
    if parts.username or parts.password:
        raise UsageError(_("give the user with --user, not in the address"))
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            _("{url}: a password would cross the network in clear; use https://").format(
                url=urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            )
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def endpoints(kind: str, url: str) -> list[str]:
    """The API endpoints worth trying for the address a user knows, best first.

    FreshRSS users know their site (`https://rss.example.org/`, or `…/i/`); its API is
    `/api/greader.php` under it. Miniflux serves the API at the root of its address.
    """
    base = check_address(url)
    if kind == "freshrss":
        if base.endswith(FRESHRSS_API):
            return [base]
        root = base.removesuffix("/i").removesuffix("/p")
        return [root + FRESHRSS_API, base]
    return [base.removesuffix("/v1")]


class AccountBook:
    """The accounts in `accounts.toml`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Account]:
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise AccountError(f"{self.path}: {error.strerror}") from None
        if mode & 0o077:
            raise AccountError(
                _("{path} may be read by others; run: chmod 600 {path}").format(path=self.path)
            )
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            raise AccountError(_("{path} cannot be read").format(path=self.path)) from None
        found: dict[str, Account] = {}
        for name, entry in (data.get("accounts") or {}).items():
            if not isinstance(entry, dict):
                continue
            found[name] = Account(
                name=name,
                kind=str(entry.get("kind", "")),
                endpoint=str(entry.get("url", "")),
                user=str(entry.get("user", "")),
                password=str(entry.get("password", "")),
                password_command=str(entry.get("password_command", "")),
            )
        return found

    def get(self, name: str) -> Account:
        accounts = self.load()
        if name not in accounts:
            raise AccountError(_("no account named {name}").format(name=name))
        return accounts[name]

    def save(self, accounts: dict[str, Account]) -> None:
        lines = ["# veille's sync accounts. Private: it holds passwords (keep it 0600)."]
        for account in accounts.values():
            lines.append(f"\n[accounts.{json.dumps(account.name)}]")
            lines.append(f"kind = {json.dumps(account.kind)}")
            lines.append(f"url = {json.dumps(account.endpoint)}")
            lines.append(f"user = {json.dumps(account.user)}")
            if account.password_command:
                lines.append(f"password_command = {json.dumps(account.password_command)}")
            else:
                lines.append(f"password = {json.dumps(account.password)}")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_output(self.path, "\n".join(lines) + "\n", private=True)
        os.chmod(self.path, 0o600)

    def add(self, account: Account) -> None:
        accounts = self.load()
        accounts[account.name] = account
        self.save(accounts)

    def remove(self, name: str) -> None:
        accounts = self.load()
        if accounts.pop(name, None) is None:
            raise AccountError(_("no account named {name}").format(name=name))
        self.save(accounts)
