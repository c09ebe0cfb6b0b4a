"""The fake server answers as SYNC.md says FreshRSS and Miniflux do, quirks included: these are
the traps the client steps around, shown with plain requests."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from tests.greader_fake import LABEL, READ, STARRED, FakeReader, serve

API = "/reader/api/0"


@pytest.fixture(params=["freshrss-1.25", "freshrss-1.26"])
def fresh(request: pytest.FixtureRequest) -> Iterator[tuple[FakeReader, httpx.Client]]:
    with serve(request.param) as (fake, endpoint):
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        for k in range(4):
            fake.add_item(feed, f"T{k}", f"https://news.example.org/{k}", read=k == 0)
        fake.labels["cnil/sanctions"] = {min(fake.items)}
        with httpx.Client(base_url=endpoint) as http:
            answer = http.post("/accounts/ClientLogin",
                               data={"Email": "alice", "Passwd": "secret-pw"})  # fmt: skip
            auth = answer.text.split("Auth=")[1].strip()
            http.headers["Authorization"] = f"GoogleLogin auth={auth}"
            yield fake, http


def _ids(http: httpx.Client, **params: str) -> int:
    return len(
        http.get(API + "/stream/items/ids", params={"n": "100", **params}).json()["itemRefs"]
    )


def test_q1_a_slash_label_as_a_contents_stream(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, http = fresh
    answer = http.get(API + "/stream/contents/" + LABEL + "cnil/sanctions", params={"n": "100"})
    expected = 4 if fake.dialect == "freshrss-1.25" else 1
    assert len(answer.json()["items"]) == expected
    assert _ids(http, s=LABEL + "cnil/sanctions") == 1  # items/ids was always right


def test_q2_q3_unknown_labels_and_the_read_stream_answer_everything(fresh) -> None:  # type: ignore[no-untyped-def]
    _, http = fresh
    assert _ids(http, s=LABEL + "nope") == 4
    assert _ids(http, s=READ) == 4
    assert _ids(http, s="user/-/state/com.google/reading-list", it=READ) == 1


def test_q5_two_adds_in_one_edit(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, http = fresh
    item = max(fake.items)
    http.post(API + "/edit-tag", data={"T": "", "a": [STARRED, LABEL + "x"], "i": str(item)})
    starred = fake.items[item].starred
    assert starred == (fake.dialect != "freshrss-1.25")  # 1.25 kept the last `a` only
    assert fake.item_labels(item) == {"x"}


def test_q6_a_rename_onto_an_existing_label_does_nothing(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, http = fresh
    fake.labels["y"] = {max(fake.items)}
    answer = http.post(API + "/rename-tag", data={"T": "", "s": LABEL + "cnil/sanctions",
                                                  "dest": LABEL + "y"})  # fmt: skip
    assert answer.text == "OK" and "cnil/sanctions" in fake.labels


def test_q17_t_and_a_after_1000_ids_are_dropped(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, http = fresh
    ids = [("i", str(i)) for i in list(fake.items) * 300]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    late = urlencode([*ids, ("T", ""), ("a", STARRED)])
    answer = http.post(API + "/edit-tag", content=late, headers=form)
    assert answer.text == "OK" and not any(i.starred for i in fake.items.values())
    early = urlencode([("T", ""), ("a", STARRED), *ids])
    answer = http.post(API + "/edit-tag", content=early, headers=form)
    assert all(i.starred for i in fake.items.values())


def test_miniflux_refuses_labels_and_wants_t_on_posts() -> None:
    with serve("miniflux") as (fake, endpoint), httpx.Client(base_url=endpoint) as http:
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        item = fake.add_item(feed, "T", "https://news.example.org/t")
        auth = http.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": "secret-pw"})
        token = auth.text.split("Auth=")[1].strip().split("/", 1)[1]
        headers = {"Authorization": f"GoogleLogin auth=alice/{token}"}
        no_t = http.post(API + "/edit-tag", data={"a": STARRED, "i": str(item.id)}, headers=headers)
        assert no_t.status_code == 401  # the header is ignored on POST
        label = http.post(API + "/edit-tag", data={"T": token, "a": LABEL + "x", "i": str(item.id)})
        assert label.status_code == 400 and "unsupported" in label.text
        assert http.get("/reader/api/0/nowhere", headers=headers).json() == []
