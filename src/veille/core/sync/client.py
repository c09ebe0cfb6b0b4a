"""The Google Reader API client, and the servers' quirks it steps around (SYNC.md Q1–Q17).

- Secrets travel only in POST bodies and the Authorization header (Q16), never in a URL; no
  redirect is followed (it would carry them elsewhere); nothing here logs a request.
- Each `edit-tag` carries one tag change, `T` and `a`/`r` before the `i` list, at most 1,000
  ids (Q5, Q17: PHP cuts `$_POST` after 1,000 fields, and FreshRSS then answers OK having done
  nothing), and a long timeout (Q11: a SQLite FreshRSS marks read one id per transaction).
- `T` is sent with every POST and the header too (Q13: Miniflux authenticates POSTs by `T`).
- A 401 means a changed password or token: log in again, once.
- Label ids are asked through `items/ids`, never `stream/contents` (Q1), and only for labels
  the server lists as labels (Q2, the caller's part).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

import httpx

from veille.core.errors import VeilleError
from veille.core.sync.names import LONG_PREFIX, READING_LIST, short_id
from veille.core.translations import _

API = "/reader/api/0"
IDS_PER_EDIT = 1000
IDS_PER_CONTENTS = 250
IDS_PER_PAGE = 10000  # Miniflux's largest page; FreshRSS takes more, but pages cost little


class SyncError(VeilleError):
    """A sync that could not be done, in plain words (never with a secret in them)."""


class LoginRefused(SyncError):
    pass


def _fields(first: Sequence[tuple[str, str]], ids: Iterable[str]) -> list[tuple[str, str]]:
    return [*first, *(("i", i) for i in ids)]


class GReaderClient:
    """One account's connection: log in, read sets and contents, push changes."""

    def __init__(
        self,
        endpoint: str,
        user: str,
        password: Callable[[], str],
        *,
        kind: str = "freshrss",
        timeout: float = 30.0,
        write: bool = True,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.user = user
        self._password = password
        self.kind = kind
        self.write = write  # False: a dry run, writes are counted, not sent
        self.requests = 0
        self._counting = threading.Lock()  # label sets are read four at a time
        self.planned: list[tuple[str, list[tuple[str, str]]]] = []
        self._auth = ""
        self._token = ""
        from veille.core.ingest.client import tls_context

        verify = tls_context()  # one per process (loading the CA bundle costs ~0.1 s)
        # A POST leaves as two writes (headers, then body): without TCP_NODELAY the body waits
        # for the server's delayed acknowledgement, about 40 ms a request.
        transport = httpx.HTTPTransport(
            verify=verify, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        self._http = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": "veille (Google Reader API client)"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GReaderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Transport -----------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        data: Any = None,
        timeout: float | None = None,
        auth: bool = True,
    ) -> httpx.Response:
        headers = {"Authorization": f"GoogleLogin auth={self._auth}"} if auth else {}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = urlencode(data) if isinstance(data, list) else data
        with self._counting:
            self.requests += 1
        try:
            return self._http.request(
                method,
                self.endpoint + path,
                params=params,
                content=data,
                headers=headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException:
            raise SyncError(_("{url} did not answer in time").format(url=self.endpoint)) from None
        except httpx.HTTPError as error:
            raise SyncError(
                _("cannot reach {url}: {reason}").format(
                    url=self.endpoint, reason=type(error).__name__
                )
            ) from None

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.is_redirect:
            raise SyncError(
                _("{url} answered with a redirect: give the address it redirects to").format(
                    url=self.endpoint
                )
            )
        if response.status_code == 401:
            raise LoginRefused(
                _(
                    "the server refused the user name or API password of {user} (FreshRSS wants "
                    "the API password set in its profile, not the web password)"
                ).format(user=self.user)
            )
        if response.status_code >= 400:
            raise SyncError(
                _("{url} answered {status} to {what}").format(
                    url=self.endpoint,
                    status=response.status_code,
                    what=response.request.url.path.rsplit("/", 1)[-1],
                )
            )
        return response

    def login(self) -> None:
        """ClientLogin (POST only: a GET would put the password in access logs, Q16)."""
        data = [("Email", self.user), ("Passwd", self._password())]
        response = self._check(self._send("POST", "/accounts/ClientLogin", data=data, auth=False))
        for line in response.text.splitlines():
            if line.startswith("Auth="):
                self._auth = line[5:].strip()
        if not self._auth:
            raise SyncError(
                _("{url} is not a Google Reader API (no login token)").format(url=self.endpoint)
            )
        self._token = ""

    def _edit_token(self) -> str:
        if not self._token:
            self._token = self._check(self._send("GET", API + "/token")).text.strip()
        return self._token

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        fields: Sequence[tuple[str, str]] | None = None,
        timeout: float | None = None,
        ids: Sequence[str] = (),
    ) -> httpx.Response:
        if not self._auth:
            self.login()
        for attempt in (0, 1):
            data = None
            if method == "POST":
                data = _fields([("T", self._edit_token()), *(fields or [])], ids)
            response = self._send(method, API + path, params=params, data=data, timeout=timeout)
            if response.status_code == 401 and attempt == 0:
                self.login()  # the password or the token changed: once more
                continue
            return self._check(response)
        raise AssertionError("unreachable")

    def _json(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except ValueError:
            raise SyncError(
                _("{url} answered something that is not JSON").format(url=self.endpoint)
            ) from None

    # Reads ---------------------------------------------------------------------------------

    def tag_list(self) -> list[dict[str, Any]]:
        found = self._json(self._call("GET", "/tag/list", params={"output": "json"}))
        return [t for t in found.get("tags", []) if isinstance(t, dict)]

    def subscriptions(self) -> list[dict[str, Any]]:
        found = self._json(self._call("GET", "/subscription/list", params={"output": "json"}))
        return [s for s in found.get("subscriptions", []) if isinstance(s, dict)]

    def ids(
        self,
        stream: str = READING_LIST,
        *,
        exclude: str = "",
        include: str = "",
        oldest: bool = False,
        limit: int | None = None,
    ) -> list[str]:
        """Every id of `stream` (decimal), following continuations."""
        found: list[str] = []
        continuation = ""
        while True:
            params: list[tuple[str, str]] = [("s", stream), ("n", str(limit or IDS_PER_PAGE))]
            if exclude:
                params.append(("xt", exclude))
            if include:
                params.append(("it", include))
            if oldest:
                params.append(("r", "o"))
            if continuation:
                params.append(("c", continuation))
            page = self._json(self._call("GET", "/stream/items/ids", params=params))
            refs = page.get("itemRefs") or []
            found.extend(short_id(str(r["id"])) for r in refs if isinstance(r, dict) and "id" in r)
            continuation = str(page.get("continuation") or "")
            if not continuation or not refs or limit is not None:
                return found

    def contents(self, ids: Sequence[str]) -> Iterable[list[dict[str, Any]]]:
        """The items `ids`, in chunks (one request each)."""
        for start in range(0, len(ids), IDS_PER_CONTENTS):
            chunk = ids[start : start + IDS_PER_CONTENTS]
            answer = self._json(
                self._call("POST", "/stream/items/contents", params={"output": "json"}, ids=chunk)
            )
            yield [i for i in answer.get("items", []) if isinstance(i, dict)]

    # Writes --------------------------------------------------------------------------------

    def _write(
        self,
        path: str,
        fields: list[tuple[str, str]],
        ids: Sequence[str] = (),
        timeout: float | None = None,
    ) -> httpx.Response | None:
        if not self.write:
            self.planned.append((path, [*fields, *(("i", i) for i in ids)]))
            return None
        response = self._call("POST", path, fields=fields, ids=ids, timeout=timeout)
        if response.text.strip() != "OK" and path != "/subscription/quickadd":
            raise SyncError(_("{url} refused a change").format(url=self.endpoint))
        return response

    def edit_tag(
        self,
        ids: Sequence[str],
        *,
        add: str = "",
        remove: str = "",
        on_done: Callable[[list[str]], None] | None = None,
    ) -> None:
        """One tag change on `ids`, in requests of at most 1,000 ids; `on_done` after each
        answer, with the ids it covered."""
        change = [("a", add)] if add else [("r", remove)]
        for start in range(0, len(ids), IDS_PER_EDIT):
            chunk = [LONG_PREFIX + f"{int(i):016x}" for i in ids[start : start + IDS_PER_EDIT]]
            self._write("/edit-tag", change, chunk, timeout=60.0)
            if on_done is not None:
                on_done(list(ids[start : start + IDS_PER_EDIT]))

    def rename_tag(self, old: str, new: str) -> None:
        self._write("/rename-tag", [("s", old), ("dest", new)])

    def disable_tag(self, stream: str) -> None:
        self._write("/disable-tag", [("s", stream)])

    def quickadd(self, url: str) -> str:
        """Subscribe to `url`: its stream id (`feed/…`), or SyncError."""
        response = self._write("/subscription/quickadd", [("quickadd", url)], timeout=60.0)
        if response is None:
            return ""
        answer = self._json(response)
        stream = str(answer.get("streamId") or "") if isinstance(answer, dict) else ""
        if not stream:
            raise SyncError(_("the server could not subscribe to {url}").format(url=url))
        return stream

    def edit_subscription(
        self, stream: str, *, folder: str | None = None, old_folder: str = "", title: str = ""
    ) -> None:
        fields = [("ac", "edit"), ("s", stream)]
        if folder:
            fields.append(("a", "user/-/label/" + folder))
        elif folder == "" and old_folder:
            fields.append(("r", "user/-/label/" + old_folder))
        if title:
            fields.append(("t", title))
        self._write("/subscription/edit", fields)

    def unsubscribe(self, stream: str) -> None:
        self._write("/subscription/edit", [("ac", "unsubscribe"), ("s", stream)])
