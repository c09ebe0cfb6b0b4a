"""A fake Google Reader server, as FreshRSS and Miniflux answer it, on a real loopback socket.

veille's sync is tested against this server rather than a mocked transport: the client's
requests cross a real HTTP connection, are parsed the way PHP and Go parse them, and meet the
servers' quirks (see `../shared/SYNC.md`, Q1–Q17). Dialects:

- `freshrss-1.25`: one `a` and one `r` per `edit-tag` (Q5), label streams split on `/` in
  `stream/contents` (Q1), unknown labels answer the whole reading list (Q2), `s=…/read` answers
  everything (Q3), `rename-tag` onto an existing label does nothing (Q6), unsubscribing deletes
  the feed's items with their stars and labels (Q7), a localised default folder (Q8), titles with
  full-width look-alikes (Q10), `$_POST` cut after 1,000 fields while `i` is read from the raw
  body (Q17), an empty `T` accepted (Q13), ClientLogin by GET accepted (Q16).
- `freshrss-1.26`: the same with Q1 and Q5 fixed.
- `miniflux`: no labels (`edit-tag` with a label is an error), POSTs authenticated by `T` alone,
  no `stream/contents`, `items/ids` capped at 10,000 with a numeric offset as continuation,
  unknown endpoints answering `[]`.

State is plain Python (`FakeReader`), changed by the handlers and by tests (`add_feed`,
`add_item`, `purge`, `set_password`); every request is kept in `requests`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
KEPT_UNREAD = "user/-/state/com.google/kept-unread"
LABEL = "user/-/label/"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
DEFAULT_FOLDER = {"en": "Uncategorized", "fr": "Sans catégorie"}
FULL_WIDTH_FEED = str.maketrans({"&": "＆", "<": "＜", ">": "＞", ",": "，", "/": "／", "?": "？",
                                 "\\": "＼", ";": "；"})  # fmt: skip
FULL_WIDTH_ITEM = str.maketrans({"&": "＆", "<": "＜", ">": "＞"})
MAX_INPUT_VARS = 1000  # PHP's max_input_vars


@dataclass
class FakeFeed:
    id: int
    url: str
    title: str
    category: int


@dataclass
class FakeItem:
    id: int
    feed: int
    title: str
    url: str
    published: int
    content: str = ""
    read: bool = False
    starred: bool = False
    categories: list[str] = field(default_factory=list)


@dataclass
class Logged:
    method: str
    path: str  # after the endpoint, e.g. "/reader/api/0/edit-tag"
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    headers: dict[str, str]
    raw_path: str


class FakeReader:
    """The server's state and its answers, by dialect."""

    def __init__(self, dialect: str = "freshrss-1.26", *, lang: str = "en") -> None:
        if dialect not in ("freshrss-1.25", "freshrss-1.26", "miniflux"):
            raise ValueError(dialect)
        self.dialect = dialect
        self.lock = threading.RLock()
        self.users: dict[str, str] = {}
        self.categories: dict[int, str] = {
            1: "All" if self.miniflux else DEFAULT_FOLDER.get(lang, "Uncategorized")
        }
        self.feeds: dict[int, FakeFeed] = {}
        self.items: dict[int, FakeItem] = {}
        self.labels: dict[str, set[int]] = {}
        self.requests: list[Logged] = []
        self.next_id = 1796147659530512
        self.fail_next: list[int] = []  # statuses to answer the next requests with
        self.salt = "salt"  # changed by `rotate`: every token given so far stops working

    @property
    def miniflux(self) -> bool:
        return self.dialect == "miniflux"

    @property
    def prefix(self) -> str:
        return "" if self.miniflux else "/api/greader.php"

    # Set-up by tests ---------------------------------------------------------------------

    def add_user(self, user: str, password: str) -> None:
        self.users[user] = password

    set_password = add_user

    def token(self, user: str) -> str:
        return hashlib.sha1(f"{self.salt}{user}{self.users[user]}".encode()).hexdigest()

    def rotate(self) -> None:
        self.salt += "!"

    def category(self, name: str) -> int:
        for cid, known in self.categories.items():
            if known == name:
                return cid
        cid = max(self.categories) + 1
        self.categories[cid] = name
        return cid

    def add_feed(self, url: str, title: str = "", folder: str = "") -> FakeFeed:
        with self.lock:
            fid = max(self.feeds, default=0) + 1
            feed = FakeFeed(fid, url, title or url, self.category(folder) if folder else 1)
            self.feeds[fid] = feed
            return feed

    def add_item(self, feed: FakeFeed, title: str, url: str, published: int = 1795161600,
                 **state: object) -> FakeItem:  # fmt: skip
        with self.lock:
            self.next_id += 1
            item = FakeItem(self.next_id, feed.id, title, url, published, **state)  # type: ignore[arg-type]
            self.items[item.id] = item
            return item

    def purge(self, ids: list[int]) -> None:
        with self.lock:
            for i in ids:
                self.items.pop(i, None)
                for members in self.labels.values():
                    members.discard(i)

    def feed_by_url(self, url: str) -> FakeFeed | None:
        return next((f for f in self.feeds.values() if f.url == url), None)

    def item_labels(self, item_id: int) -> set[str]:
        return {name for name, members in self.labels.items() if item_id in members}

    def calls(self, path: str) -> list[Logged]:
        return [r for r in self.requests if r.path == path]

    # Answers -----------------------------------------------------------------------------

    def folder_of(self, name: str) -> int | None:
        for cid, known in self.categories.items():
            if known == name:
                return cid
        return None

    def stream(self, s: str, *, contents: bool = False) -> list[FakeItem] | None:
        """The items of stream `s`, or None when the dialect refuses it."""
        every = list(self.items.values())
        if s in (READING_LIST, "reading-list"):
            return every
        if s == STARRED:
            return [i for i in every if i.starred]
        if s == READ:
            # Q3 on FreshRSS: the state stream is not a filter; Miniflux knows it.
            return [i for i in every if i.read] if self.miniflux else every
        if s.startswith("feed/"):
            ref = s[5:]
            return [i for i in every if str(i.feed) == ref]
        if s.startswith(LABEL):
            if self.miniflux:
                return None
            name = s[len(LABEL) :]
            if contents and self.dialect == "freshrss-1.25":
                name = name.split("/")[0]  # Q1
            cid = self.folder_of(name)
            if cid is not None:
                return [i for i in every if self.feeds[i.feed].category == cid]
            if name in self.labels:
                return [self.items[i] for i in self.labels[name] if i in self.items]
            return every  # Q2
        return None

    def item_json(self, item: FakeItem) -> dict[str, object]:
        feed = self.feeds[item.feed]
        cats = [READING_LIST]
        if not self.miniflux or feed.category:
            cats.append(LABEL + self.categories[feed.category])
        if item.read:
            cats.append(READ)
        if item.starred:
            cats.append(STARRED)
        cats += [LABEL + name for name in sorted(self.item_labels(item.id))]
        cats += item.categories
        mapped = not self.miniflux
        return {
            "id": f"{LONG_PREFIX}{item.id:016x}",
            "crawlTimeMsec": str(item.id // 1000),
            "timestampUsec": str(item.id),
            "published": item.published,
            "title": item.title.translate(FULL_WIDTH_ITEM) if mapped else item.title,
            "canonical": [{"href": item.url}],
            "alternate": [{"href": item.url}],
            "categories": cats,
            "origin": {
                "streamId": f"feed/{feed.id}",
                "htmlUrl": feed.url,
                "title": feed.title.translate(FULL_WIDTH_FEED) if mapped else feed.title,
            },
            "summary": {"content": item.content},
        }


def decode_id(value: str) -> int | None:
    value = value.strip()
    if value.startswith(LONG_PREFIX):
        value = value[len(LONG_PREFIX) :]
    try:
        if value.isdigit() and not value.startswith("0"):
            return int(value)
        return int(value, 16)
    except ValueError:
        return None


class Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, as from a real server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _answer(self, status: int, body: str | dict[str, object] | list[object],
                headers: dict[str, str] | None = None) -> None:  # fmt: skip
        if isinstance(body, str):
            data, kind = body.encode(), "text/plain; charset=UTF-8"
        else:
            data, kind = json.dumps(body).encode(), "application/json; charset=UTF-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _serve(self, method: str) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        query = parse_qsl(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        every_field = parse_qsl(raw, keep_blank_values=True)
        if not fake.prefix or url.path.startswith(fake.prefix):
            path = url.path[len(fake.prefix) :]
        else:
            self._answer(404, "Not found")
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        with fake.lock:
            fake.requests.append(Logged(method, path, query, every_field, headers, self.path))
            if fake.fail_next:
                self._answer(fake.fail_next.pop(0), "Service Unavailable")
                return
            status, body, extra = route(fake, method, path, query, every_field, headers)
        self._answer(status, body, extra)


Answer = tuple[int, "str | dict[str, object] | list[object]", dict[str, str]]
UNAUTHORIZED: Answer = (401, "Unauthorized!", {"Google-Bad-Token": "true"})


def _user(fake: FakeReader, method: str, headers: dict[str, str],
          query: list[tuple[str, str]], post: dict[str, list[str]]) -> str | None:  # fmt: skip
    if fake.miniflux and method == "POST":
        given = (post.get("T") or [""])[-1] or dict(query).get("T", "")
        return next((u for u in fake.users if fake.token(u) == given), None)
    auth = headers.get("authorization", "")
    if not auth.startswith("GoogleLogin auth="):
        return None
    user, _, token = auth[len("GoogleLogin auth=") :].partition("/")
    if user in fake.users and token == fake.token(user):
        return user
    return None


def _edit_token_ok(fake: FakeReader, user: str, post: dict[str, list[str]]) -> bool:
    given = (post.get("T") or [""])[-1]
    if not fake.miniflux and given in ("", "x"):
        return True  # Q13
    return given.rstrip("Z") == fake.token(user)


def route(fake: FakeReader, method: str, path: str, query: list[tuple[str, str]],
          fields: list[tuple[str, str]], headers: dict[str, str]) -> Answer:  # fmt: skip
    # PHP keeps the first max_input_vars fields in $_POST (Q17); Go keeps them all.
    kept = fields if fake.miniflux else fields[:MAX_INPUT_VARS]
    post: dict[str, list[str]] = {}
    for k, v in kept:
        post.setdefault(k, []).append(v)
    ids = [v for k, v in fields if k == "i"]  # FreshRSS reads `i` from the raw body
    q = dict(query)
    if path == "/accounts/ClientLogin":
        if method == "GET" and fake.miniflux:
            return 405, "Method Not Allowed", {}
        given = post if method == "POST" else {k: [v] for k, v in query}
        user = (given.get("Email") or [""])[-1]
        password = (given.get("Passwd") or [""])[-1]
        if fake.users.get(user) != password or not user:
            return UNAUTHORIZED
        auth = f"{user}/{fake.token(user)}"
        return 200, f"SID={auth}\nLSID=null\nAuth={auth}\n", {}
    user = _user(fake, method, headers, query, post)
    if user is None:
        return UNAUTHORIZED
    head = "/reader/api/0/stream/contents/"
    if path.startswith(head) and not fake.miniflux:
        return h_stream_contents(fake, user, method, q, post, ids, unquote(path[len(head) :]))
    handler = HANDLERS.get(path)
    if handler is None:
        return (200, [], {}) if fake.miniflux else (400, "Bad Request!", {})
    return handler(fake, user, method, q, post, ids)


def h_token(fake: FakeReader, user: str, method: str, q: dict[str, str],
            post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    token = fake.token(user)
    return 200, (token if fake.miniflux else token.ljust(57, "Z")) + "\n", {}


def h_user_info(fake: FakeReader, user: str, method: str, q: dict[str, str],
                post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    return 200, {"userId": "1", "userName": user, "userEmail": ""}, {}


def h_tag_list(fake: FakeReader, user: str, method: str, q: dict[str, str],
               post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    if q.get("output") != "json" and not fake.miniflux:
        return 501, "Not Implemented!", {}
    tags: list[object] = [{"id": STARRED}]
    used = {f.category for f in fake.feeds.values()}
    for cid, name in fake.categories.items():
        if fake.miniflux or cid in used:  # Q9: FreshRSS lists no empty folder
            tags.append({"id": LABEL + name, "type": "folder"})
    if not fake.miniflux:
        for name, members in sorted(fake.labels.items()):
            unread = sum(1 for i in members if i in fake.items and not fake.items[i].read)
            tags.append({"id": LABEL + name, "type": "tag", "unread_count": unread})
    return 200, {"tags": tags}, {}


def h_subscriptions(fake: FakeReader, user: str, method: str, q: dict[str, str],
                    post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    subs: list[object] = []
    for feed in fake.feeds.values():
        name = fake.categories[feed.category]
        title = feed.title if fake.miniflux else feed.title.translate(FULL_WIDTH_FEED)
        subs.append({"id": f"feed/{feed.id}", "title": title, "url": feed.url,
                     "htmlUrl": feed.url, "iconUrl": "",
                     "categories": [{"id": LABEL + name, "label": name}]})  # fmt: skip
    return 200, {"subscriptions": subs}, {}


def _filtered(fake: FakeReader, items: list[FakeItem], q: dict[str, str]) -> list[FakeItem]:
    if q.get("xt") == READ:
        items = [i for i in items if not i.read]
    elif q.get("xt") == STARRED:
        items = [i for i in items if not i.starred]
    if not fake.miniflux:  # Miniflux parses `it` and ignores it
        if q.get("it") == READ:
            items = [i for i in items if i.read]
        elif q.get("it") == STARRED:
            items = [i for i in items if i.starred]
    if q.get("ot"):
        since = int(q["ot"])
        items = [i for i in items if (i.published if fake.miniflux else i.id // 10**6) >= since]
    return sorted(items, key=lambda i: i.id, reverse=q.get("r") != "o")


def _page(fake: FakeReader, items: list[FakeItem], q: dict[str, str]) -> tuple[list[FakeItem], str]:
    n = int(q.get("n") or 20)
    if fake.miniflux:
        n = min(n, 10000)
        offset = int(q.get("c") or 0)
        page = items[offset : offset + n]
        return page, str(offset + n) if offset + n < len(items) else ""
    start = 0
    if q.get("c"):
        after = int(q["c"])
        start = next((k + 1 for k, i in enumerate(items) if i.id == after), len(items))
    page = items[start : start + n]
    more = start + n < len(items)
    return page, str(page[-1].id) if more and page else ""


def h_ids(fake: FakeReader, user: str, method: str, q: dict[str, str],
          post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    found = fake.stream(q.get("s", READING_LIST))
    if found is None:
        return 400, "Bad Request!", {}
    page, more = _page(fake, _filtered(fake, found, q), q)
    body: dict[str, object] = {"itemRefs": [{"id": str(i.id)} for i in page]}
    if more:
        body["continuation"] = more
    return 200, body, {}


def h_contents(fake: FakeReader, user: str, method: str, q: dict[str, str],
               post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    wanted = [decode_id(v) for v in ids]
    found = [fake.items[i] for i in wanted if i is not None and i in fake.items]
    return 200, {"id": READING_LIST, "items": [fake.item_json(i) for i in found]}, {}


def h_stream_contents(fake: FakeReader, user: str, method: str, q: dict[str, str],
                      post: dict[str, list[str]], ids: list[str], s: str) -> Answer:  # fmt: skip
    found = fake.stream(s, contents=True)
    if found is None:
        return 400, "Bad Request!", {}
    page, more = _page(fake, _filtered(fake, found, q), q)
    body: dict[str, object] = {"items": [fake.item_json(i) for i in page]}
    if more:
        body["continuation"] = more
    return 200, body, {}


def h_edit_tag(fake: FakeReader, user: str, method: str, q: dict[str, str],
               post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    if method != "POST" or not _edit_token_ok(fake, user, post):
        return UNAUTHORIZED
    adds, removes = post.get("a", []), post.get("r", [])
    if fake.dialect == "freshrss-1.25":  # Q5: PHP keeps the last of repeated names
        adds, removes = adds[-1:], removes[-1:]
    if fake.miniflux:
        for tag in adds + removes:
            if tag not in (READ, STARRED, KEPT_UNREAD):
                return 400, {"error": "unsupported tag type"}, {}
    targets = [fake.items[i] for i in map(decode_id, ids) if i is not None and i in fake.items]
    for tag, on in [(t, True) for t in adds] + [(t, False) for t in removes]:
        for item in targets:
            if tag == READ:
                item.read = on
            elif tag == KEPT_UNREAD:
                item.read = not on and item.read
            elif tag == STARRED:
                item.starred = on
            elif tag.startswith(LABEL):
                name = tag[len(LABEL) :]
                if on:
                    fake.labels.setdefault(name, set()).add(item.id)
                elif name in fake.labels:
                    fake.labels[name].discard(item.id)
    return 200, "OK", {}


def h_rename_tag(fake: FakeReader, user: str, method: str, q: dict[str, str],
                 post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    if method != "POST" or not _edit_token_ok(fake, user, post):
        return UNAUTHORIZED
    old = (post.get("s") or [""])[-1].removeprefix(LABEL)
    new = (post.get("dest") or [""])[-1].removeprefix(LABEL)
    cid = fake.folder_of(old)
    if cid is not None:
        fake.categories[cid] = new
    elif old in fake.labels and new not in fake.labels:  # Q6: onto an existing one, nothing
        fake.labels[new] = fake.labels.pop(old)
    return 200, "OK", {}


def h_disable_tag(fake: FakeReader, user: str, method: str, q: dict[str, str],
                  post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    if method != "POST" or not _edit_token_ok(fake, user, post):
        return UNAUTHORIZED
    for s in post.get("s", []):
        name = s.removeprefix(LABEL)
        cid = fake.folder_of(name)
        if cid is not None and cid != 1:
            for feed in fake.feeds.values():
                if feed.category == cid:
                    feed.category = 1
            del fake.categories[cid]
        else:
            fake.labels.pop(name, None)
    return 200, "OK", {}


def h_quickadd(fake: FakeReader, user: str, method: str, q: dict[str, str],
               post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    if method != "POST":
        return 405, "Method Not Allowed", {}
    url = (post.get("quickadd") or [""])[-1].removeprefix("feed/")
    if not url.startswith(("http://", "https://")):
        return 200, {"numResults": 0, "error": "bad url"}, {}
    feed = fake.feed_by_url(url) or fake.add_feed(url)
    return 200, {"numResults": 1, "query": url, "streamId": f"feed/{feed.id}",
                 "streamName": feed.title}, {}  # fmt: skip


def h_subscription_edit(fake: FakeReader, user: str, method: str, q: dict[str, str],
                        post: dict[str, list[str]], ids: list[str]) -> Answer:  # fmt: skip
    if method != "POST":
        return 405, "Method Not Allowed", {}
    action = (post.get("ac") or ["edit"])[-1]
    add = (post.get("a") or [""])[-1].removeprefix(LABEL)
    title = (post.get("t") or [""])[-1]
    for s in post.get("s", []):
        ref = s.removeprefix("feed/")
        feed = next((f for f in fake.feeds.values() if str(f.id) == ref or f.url == ref), None)
        if action == "subscribe":
            if feed is not None or not ref.startswith(("http://", "https://")):
                return 400, "Bad Request!", {}
            feed = fake.add_feed(ref, title)
        if feed is None:
            return 400, "Bad Request!", {}
        if action == "unsubscribe":
            # Q7: the feed's items go with it, stars and labels included.
            fake.purge([i.id for i in fake.items.values() if i.feed == feed.id])
            del fake.feeds[feed.id]
            continue
        if add:
            feed.category = fake.category(add)
        elif post.get("r"):
            feed.category = 1
        if title:
            feed.title = title
    return 200, "OK", {}


HANDLERS = {
    "/reader/api/0/token": h_token,
    "/reader/api/0/user-info": h_user_info,
    "/reader/api/0/tag/list": h_tag_list,
    "/reader/api/0/subscription/list": h_subscriptions,
    "/reader/api/0/stream/items/ids": h_ids,
    "/reader/api/0/stream/items/contents": h_contents,
    "/reader/api/0/edit-tag": h_edit_tag,
    "/reader/api/0/rename-tag": h_rename_tag,
    "/reader/api/0/disable-tag": h_disable_tag,
    "/reader/api/0/subscription/quickadd": h_quickadd,
    "/reader/api/0/subscription/edit": h_subscription_edit,
}


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeReader) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.fake = fake

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.fake.prefix}"


@contextlib.contextmanager
def serve(dialect: str = "freshrss-1.26", *, lang: str = "en") -> Iterator[tuple[FakeReader, str]]:
    """A running fake server: (its state, its API endpoint). One user, alice / secret-pw."""
    fake = FakeReader(dialect, lang=lang)
    fake.add_user("alice", "secret-pw")
    server = FakeServer(fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, server.endpoint
    finally:
        server.shutdown()
        server.server_close()
