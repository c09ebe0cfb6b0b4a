"""The veille workflow in the library: hierarchical tags, watch rules, one story from many feeds.

Watch rules run for real at refresh (a local server, the whole pipeline) and over the library on
demand; stories are grouped on crafted cases that must merge (tracking parameters, wire copy) and
cases that must not (two stories whose titles look alike).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from tests.httpserver import LocalServer
from tests.storing import ingest
from veille.core.ingest.entries import LEAD_CHARS, lead_hash
from veille.core.library import Library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.pipeline import refresh_all
from veille.core.settings import Settings, WatchSettings
from veille.core.text import fold

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def add(lib: Library, feed_title: str, entries: list[ParsedEntry]) -> list[int]:
    feed = lib.add_feed(f"https://{feed_title.lower().replace(' ', '-')}.example/rss")
    return ingest(lib, feed.id, ParsedFeed(title=feed_title, entries=entries), status=200).new_ids


def story(guid: str, title: str, *, link: str = "", text: str = "", hours: int = 0) -> ParsedEntry:
    return ParsedEntry(
        guid=guid,
        link=link or f"https://news.example/{guid}",
        title=title,
        content=f"<p>{text or title}</p>",
        published=DAY + timedelta(hours=hours),
    )


# --- tags ---------------------------------------------------------------------------------------


def test_tags_are_hierarchical_and_rename_merge_and_delete_everywhere(lib: Library) -> None:
    ids = add(lib, "Le Guetteur", [story(f"t{n}", f"Article {n}") for n in range(4)])
    lib.tag([ids[0]], add=["CNIL/Sanctions"])  # case folds: one tag whatever the spelling
    lib.tag([ids[1]], add=["cnil"])
    lib.tag([ids[2]], add=["E\u0301nergie"])  # decomposed « É »: the same tag as « Énergie »
    lib.tag([ids[3]], add=["Énergie", "ia"])
    lib.tag([ids[0]], add=["intelligence-artificielle"])
    counts = {t.name: t.items for t in lib.tags()}
    assert counts["cnil/sanctions"] == 1 and counts["énergie"] == 2
    assert {r.id for r in lib.rows("tag:cnil")} == {ids[0], ids[1]}  # the parent finds its child
    assert {r.id for r in lib.rows("tag:cnil/sanctions")} == {ids[0]}

    lib.rename_tag("cnil", "autorités/cnil")  # the children move with their parent
    assert {t.name for t in lib.tags()} >= {"autorités/cnil", "autorités/cnil/sanctions"}
    assert {r.id for r in lib.rows("tag:autorités")} == {ids[0], ids[1]}
    assert not lib.rows("tag:cnil")

    lib.rename_tag("ia", "intelligence-artificielle")  # onto an existing tag: a merge
    assert {r.id for r in lib.rows("tag:intelligence-artificielle")} == {ids[0], ids[3]}
    assert "ia" not in {t.name for t in lib.tags()}

    lib.delete_tag("énergie")
    assert not lib.rows("tag:énergie")
    assert lib.item(ids[3]).tags == ["intelligence-artificielle"]


# --- watch rules --------------------------------------------------------------------------------


def watch_feed(server: LocalServer, titles: list[str]) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>https://news.example/{n}</link><guid>w{n}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 0{n}:00:00 +0000</pubDate>"
        f"<description>{t}, compte rendu.</description></item>"
        for n, t in enumerate(titles)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Veille"
        f"</title>{items}</channel></rss>"
    )


def test_watch_rules_act_on_new_items_at_refresh_and_on_the_library_on_demand(
    lib: Library, local_server: LocalServer
) -> None:
    local_server.add(
        "/feed.xml",
        watch_feed(
            local_server,
            [
                "La reconnaissance faciale testée dans les gares",
                "Biométrie : un fichier national contesté",
                "Le budget de la culture adopté",
            ],
        ),
    )
    lib.add_feed(local_server.url("/feed.xml"))
    settings = Settings()
    settings.watch = [
        WatchSettings(
            "surveillance",
            '"reconnaissance faciale" OR biométrie',
            add_tags=("surveillance/biométrie",),
            star=True,
        ),
    ]
    report, _ = asyncio.run(refresh_all(lib, settings, None))
    assert report.new_items == 3
    tagged = {r.title for r in lib.rows("tag:surveillance")}
    assert tagged == {
        "La reconnaissance faciale testée dans les gares",
        "Biométrie : un fichier national contesté",
    }
    assert {r.title for r in lib.rows("is:starred")} == tagged
    assert lib.rows("tag:surveillance/biométrie") and not lib.rows("tag:culture")

    # A new rule, applied to everything already there, with the count of what it matched.
    lib.save_rule("culture lue", "culture", add_tags=["culture"], mark_read=True)
    assert lib.apply_rules(name="culture lue") == {"culture lue": 1}
    budget = lib.rows("tag:culture")[0]
    assert budget.read and budget.title == "Le budget de la culture adopté"
    lib.save_rule("masquer", "gares", hide=True)
    lib.apply_rules(name="masquer")
    assert "La reconnaissance faciale testée dans les gares" not in {r.title for r in lib.rows()}


# --- one story, many sources --------------------------------------------------------------------


WIRE = (
    "Le Parlement européen a adopté mercredi, par 412 voix contre 130, le règlement encadrant "
    "les systèmes d'intelligence artificielle jugés à haut risque, au terme de trois ans de "
    "négociations entre les États membres et les groupes politiques de l'assemblée."
)


@pytest.fixture(params=["look-ups", "one pass"])
def either_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shared links and openings are found by a look-up per value or by one pass over the
    column's index, depending on the refresh's size: both ways group the same."""
    from veille.core.library import _stories as clusters

    monkeypatch.setattr(clusters, "WHOLE_INDEX_SHARE", 0 if request.param == "look-ups" else 10**9)


def test_the_same_story_from_several_feeds_is_one_cluster(lib: Library, either_way: None) -> None:
    # The same article behind links that differ only by tracking parameters.
    [a] = add(
        lib,
        "Presse A",
        [
            story(
                "a1",
                "Le Sénat vote la loi sur les plateformes",
                link="https://site.example/loi?utm_source=rss&id=7",
            )
        ],
    )
    [b] = add(
        lib,
        "Presse B",
        [
            story(
                "b1",
                "Loi plateformes : le vote du Sénat",
                link="https://site.example/loi?id=7&fbclid=XYZ",
                hours=2,
            )
        ],
    )
    # The same wire copy under two different headlines.
    [c] = add(lib, "Agence C", [story("c1", "IA : le règlement adopté", text=WIRE, hours=1)])
    [d] = add(lib, "Journal D", [story("d1", "Strasbourg dit oui à l'AI Act", text=WIRE, hours=3)])
    lib.cluster([a, b, c, d])
    assert sorted(lib.cluster_members(a)) == sorted([a, b])
    assert sorted(lib.cluster_members(c)) == sorted([c, d])
    rows = {r.title: r for r in lib.rows()}
    assert len(rows) == 2  # the list shows each story once…
    assert all(r.cluster_size == 2 for r in rows.values())  # …with « +1 source »


def test_a_new_item_joins_the_story_already_told_and_the_oldest_heads_it(
    lib: Library, either_way: None
) -> None:
    [a] = add(lib, "Agence A", [story("a1", "IA : le règlement adopté", text=WIRE)])
    [b] = add(lib, "Journal B", [story("b1", "L'AI Act voté à Strasbourg", text=WIRE, hours=1)])
    lib.cluster([a, b])
    [c] = add(lib, "Radio C", [story("c1", "Le vote européen sur l'IA", text=WIRE, hours=2)])
    lib.cluster([c])
    assert lib.cluster_members(c) == sorted([a, b, c])
    [row] = lib.rows()
    assert row.id == min(a, b, c) and row.cluster_size == 3


def test_a_dispatch_stored_in_one_batch_is_one_story_in_the_list_and_in_search(
    lib: Library,
) -> None:
    """Outlets of other sites carrying one dispatch, stored together as a refresh stores them,
    are one story before the refresh's end: the search rows are written with it, so a search
    shows the story once too (a later rewrite of those rows was the first refresh's costliest
    step)."""
    from veille.core.ingest.entries import prepare_entries
    from veille.core.library import Fetched

    outcomes = []
    for n, site in enumerate(("agence.example", "quotidien.example", "radio.example")):
        feed = lib.add_feed(f"https://{site}/rss")
        parsed = ParsedFeed(
            title=site,
            entries=[
                ParsedEntry(
                    guid=f"{site}-1",
                    link=f"https://{site}/articles/ia-{n}",
                    title=f"Titre propre à {site} numéro {n}",
                    content=f"<p>{WIRE}</p>",
                    published=DAY + timedelta(hours=n),
                )
            ],
        )
        outcomes.append(Fetched(feed.id, ParsedFeed(title=site), prepare_entries(parsed), 200))
    results = lib.record_refresh(outcomes)
    ids = [i for result in results for i in result.new_ids]  # type: ignore[union-attr]
    assert lib.cluster_members(ids[0]) == sorted(ids)
    [row] = lib.rows()
    assert row.id == min(ids) and row.cluster_size == 3
    [found] = lib.rows("Parlement")
    assert found.id == min(ids) and found.cluster_size == 3
    # What a large library's searches read instead of the items: each search row's state.
    stale = lib.conn.execute(
        "SELECT s.rowid FROM items_fts s JOIN items_state v ON v.id = s.rowid"
        " WHERE s.state != v.state"
    ).fetchall()
    assert stale == []


def test_an_opening_shared_by_dozens_of_feeds_is_boilerplate_not_a_story(
    lib: Library, either_way: None
) -> None:
    """A cookie notice or a paywall teaser opens many items alike: past `MAX_SOURCES` other
    items, the same opening groups nothing (and costs no quadratic work)."""
    from veille.core.library._stories import MAX_SOURCES

    notice = (
        "Ce site utilise des cookies pour mesurer l'audience et proposer des contenus adaptés. "
        "En poursuivant votre navigation, vous acceptez leur utilisation dans les conditions "
        "prévues par notre politique de confidentialité."
    )
    ids = [
        add(
            lib,
            f"Titre {n}",
            [story(f"n{n}", f"Sujet numéro {n} sans rapport", text=notice, hours=n % 24)],
        )[0]
        for n in range(MAX_SOURCES + 2)
    ]
    lib.cluster(ids)
    assert all(lib.cluster_members(i) in ([], [i]) for i in ids)
    assert len(lib.rows()) == MAX_SOURCES + 2


def test_similar_titles_about_different_things_stay_apart(lib: Library) -> None:
    [a] = add(lib, "Presse A", [story("a1", "Le Sénat adopte le budget de la santé pour 2027")])
    [b] = add(
        lib,
        "Presse B",
        [story("b1", "Le Sénat rejette le budget de la culture pour 2027", hours=1)],
    )
    # A near-identical title, but a week later: another year's debate, another story.
    [c] = add(
        lib,
        "Presse C",
        [story("c1", "Le Sénat adopte le budget de la santé pour 2027", hours=24 * 7)],
    )
    # Two items of one feed are never one story told by several sources.
    e, f = add(
        lib,
        "Presse E",
        [
            story("e1", "Grève des contrôleurs aériens ce jeudi"),
            story("e2", "Grève des contrôleurs aériens ce jeudi (suite)", hours=1),
        ],
    )
    lib.cluster([a, b, c, e, f])
    for item in (a, b, c, e, f):
        assert lib.cluster_members(item) in ([], [item])
    assert len(lib.rows()) == 5


def test_near_identical_titles_in_two_feeds_within_days_merge(lib: Library) -> None:
    [a] = add(lib, "Presse A", [story("a1", "Incendie géant dans l'entrepôt logistique de Rungis")])
    [b] = add(
        lib,
        "Presse B",
        [story("b1", "Rungis : incendie géant dans un entrepôt logistique", hours=5)],
    )
    lib.cluster([a, b])
    assert sorted(lib.cluster_members(a)) == sorted([a, b])


def test_titles_alike_but_naming_other_places_or_people_are_two_stories(lib: Library) -> None:
    # Word for word the same but the city, the company or the person: two events. A title that
    # names neither could be either, and must not make them one.
    pairs = [
        (
            "Incendie géant dans l'entrepôt logistique de la zone nord à Lyon",
            "Incendie géant dans l'entrepôt logistique de la zone nord à Lille",
        ),
        (
            "La CNIL inflige une amende record à Google pour ses cookies publicitaires",
            "La CNIL inflige une amende record à Amazon pour ses cookies publicitaires",
        ),
        (
            "Fire guts a huge logistics warehouse in the north of Leeds overnight",
            "Fire guts a huge logistics warehouse in the north of Sheffield overnight",
        ),
    ]
    apart = []
    for n, (first, second) in enumerate(pairs):
        [a] = add(lib, f"Presse A{n}", [story(f"a{n}", first)])
        [b] = add(lib, f"Presse B{n}", [story(f"b{n}", second, hours=2)])
        apart += [a, b]
    [c] = add(
        lib,
        "Presse C",
        [story("c1", "Incendie géant dans l'entrepôt logistique de la zone nord", hours=3)],
    )
    lib.cluster([*apart, c])
    for item in (*apart, c):
        assert lib.cluster_members(item) in ([], [item])
    assert len(lib.rows()) == 7


def test_a_title_naming_fewer_of_the_same_people_tells_their_story(lib: Library) -> None:
    # Stored and grouped an hour before: the visit, without its city.
    [earlier] = add(
        lib,
        "Presse A",
        [story("a1", "Le président reçoit le chancelier Scholz pour un sommet sur la défense")],
    )
    lib.cluster([earlier])
    # Then the same visit with its city, and another chancellor's in that city.
    [visit] = add(
        lib,
        "Presse B",
        [
            story(
                "b1",
                "Le président reçoit le chancelier Scholz à Berlin pour un sommet sur la défense",
                hours=1,
            )
        ],
    )
    [other] = add(
        lib,
        "Presse C",
        [
            story(
                "c1",
                "Le président reçoit le chancelier Merz à Berlin pour un sommet sur la défense",
                hours=1,
            )
        ],
    )
    lib.cluster([visit, other])
    assert sorted(lib.cluster_members(visit)) == sorted([earlier, visit])
    assert lib.cluster_members(other) in ([], [other])


def test_a_lookalike_title_days_away_from_the_new_item_is_another_story(lib: Library) -> None:
    """New items from a whole week arrive at once: each is compared with what surrounds its own
    date, not with everything between the oldest and the newest of them."""
    [old] = add(
        lib,
        "Presse A",
        [story("a1", "Incendie géant dans l'entrepôt logistique de Rungis", hours=24 * 9)],
    )
    [fresh] = add(
        lib, "Presse B", [story("b1", "Rungis : incendie géant dans un entrepôt logistique")]
    )
    [later] = add(
        lib, "Presse C", [story("c1", "Le conseil municipal vote son budget", hours=24 * 10)]
    )
    lib.cluster([fresh, later])
    assert lib.cluster_members(fresh) in ([], [fresh])
    assert lib.cluster_members(old) in ([], [old])


@given(
    st.text(alphabet=st.sampled_from("aeé É\u0301ﬁßİıſK'’«».,-\n0123456789x"), max_size=1200)
    | st.lists(
        st.sampled_from(["mot", "é", "sécurité", "x" * 33, "!!", "l'État", "ﬁn"]), max_size=220
    ).map(" ".join)
)
@hyp_settings(max_examples=300, deadline=None)
def test_a_stories_fingerprint_reads_the_opening_as_it_always_did(text: str) -> None:
    # Stored items keep the fingerprint computed when they arrived: new ones must agree with
    # it for the same text, whichever part of the opening the computation reads first.
    words = " ".join(re.findall(r"\w+", fold(text[: LEAD_CHARS * 3])))[:LEAD_CHARS]
    expected = hashlib.sha1(words.encode()).hexdigest()[:20] if len(words) >= 160 else ""
    assert lead_hash(text) == expected
