"""Stories at the scale outlets repeat each other: one dispatch in 500 outlets, a rubric's title
in 10,000 items.

What the user sees is asserted (how many rows the list shows, how many sources each story has),
and beside it how many titles were compared: grouping must stay linear in the new items however
many of them look alike.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from veille.core.ingest.entries import prepare_entries
from veille.core.library import Fetched, Library
from veille.core.library import _titles as titles
from veille.core.model import ParsedEntry, ParsedFeed

DAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
DISPATCH = (
    "Le tribunal administratif de Lyon a suspendu jeudi l'arrêté municipal qui interdisait la "
    "circulation des trottinettes électriques en location dans le centre-ville, estimant que la "
    "mesure portait une atteinte disproportionnée à la liberté du commerce et de l'industrie. "
    "La métropole dispose de quinze jours pour faire appel de cette décision."
)
HEADLINES = (
    "Trottinettes : le tribunal suspend l'interdiction à Lyon",
    "Lyon : la justice suspend l'arrêté anti-trottinettes",
    "Le tribunal administratif de Lyon suspend l'arrêté sur les trottinettes électriques",
    "Trottinettes électriques en location : revers pour la mairie de Lyon",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SUBJECTS = (
    "la réforme des retraites",
    "le budget de l'État",
    "la sécheresse dans le Sud",
    "les élections municipales",
    "la grève des contrôleurs",
    "le prix de l'énergie",
    "la rentrée scolaire",
    "le plan vélo",
)


def store(lib: Library, feeds: list[tuple[str, list[ParsedEntry]]]) -> list[int]:
    """Store each (feed name, entries) as one feed's first refresh, all in one transaction."""
    outcomes = []
    for name, entries in feeds:
        feed = lib.add_feed(f"https://{name}.example/rss")
        parsed = ParsedFeed(title=name, entries=entries)
        outcomes.append(Fetched(feed.id, replace(parsed, entries=[]), prepare_entries(parsed), 200))
    new_ids: list[int] = []
    for result in lib.record_refresh(outcomes):
        assert not isinstance(result, Exception) and result is not None
        assert not isinstance(result, float)
        new_ids.extend(result.new_ids)
    return new_ids


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pairs of titles the grouping compared, counted as it runs."""
    seen = [0]
    compare = titles.similar_titles

    def counting(a: frozenset[str], b: frozenset[str]) -> bool:
        seen[0] += 1
        return compare(a, b)

    monkeypatch.setattr(titles, "similar_titles", counting)
    return seen


@pytest.mark.slow
def test_one_dispatch_carried_by_500_outlets_is_one_story(
    lib: Library, comparisons: list[int]
) -> None:
    # Each outlet is a site of its own; it keeps the agency's opening, may sign the end of the
    # text and picks one of a few headlines (most keep the agency's).
    outlets = []
    for n in range(500):
        text = DISPATCH + (f" (avec la rédaction locale n° {n})" if n % 3 else "")
        entry = ParsedEntry(
            guid=f"d{n}",
            link=f"https://quotidien-{n}.example/faits-divers/{n}",
            title=HEADLINES[0] if n % 5 else HEADLINES[n % len(HEADLINES)],
            content=f"<p>{text}</p>",
            published=DAY + timedelta(minutes=n),
        )
        outlets.append((f"quotidien-{n}", [entry]))
    new_ids = store(lib, outlets)
    assert lib.cluster(new_ids) == 500
    [row] = lib.rows()
    assert row.cluster_size == 500  # one row: « +499 sources »
    assert row.id == min(new_ids)  # headed by the first outlet that carried it
    assert comparisons[0] <= 20 * len(new_ids)


@pytest.mark.slow
def test_10000_items_titled_alike_by_a_rubric_are_10000_stories(
    lib: Library, comparisons: list[int]
) -> None:
    # 100 outlets publish « Revue de presse du lundi 2 mars 2026 » every morning for 100 days,
    # each with a text of its own; on one of those days three of them also carry one real
    # story under one headline, which must still be grouped.
    feeds = []
    for outlet in range(100):
        entries = []
        for day in range(100):
            date = DAY + timedelta(days=day)
            subject = SUBJECTS[(outlet * 7 + day) % len(SUBJECTS)]
            text = (
                f"Ce matin, la presse régionale n° {outlet} revient sur {subject}, jour {day}. "
                f"Éditorialistes et correspondants du titre {outlet} commentent le sujet."
            )
            entries.append(
                ParsedEntry(
                    guid=f"r{outlet}-{day}",
                    link=f"https://titre-{outlet}.example/revue/{day}",
                    title=f"Revue de presse du {WEEKDAYS[date.weekday()]} {date.day} mars 2026",
                    content=f"<p>{text}</p>",
                    published=date + timedelta(minutes=outlet),
                )
            )
        if outlet < 3:
            entries.append(
                ParsedEntry(
                    guid=f"s{outlet}",
                    link=f"https://titre-{outlet}.example/rungis",
                    title="Incendie géant dans l'entrepôt logistique de Rungis",
                    content=f"<p>Récit du titre {outlet}.</p>",
                    published=DAY + timedelta(days=40, hours=outlet),
                )
            )
        feeds.append((f"titre-{outlet}", entries))
    new_ids = store(lib, feeds)
    assert len(new_ids) == 10_003
    lib.cluster(new_ids)
    assert lib.count() == 10_001  # every review on its own, the fire once
    [fire] = lib.rows("Rungis")
    assert fire.cluster_size == 3
    reviews = lib.rows("revue presse", limit=50)
    assert len(reviews) == 50 and all(r.cluster_size == 1 for r in reviews)
    assert comparisons[0] <= 20 * len(new_ids)


def test_title_words_are_the_folded_words_of_three_letters_or_more() -> None:
    from veille.core.library._titles import similar_titles, title_words

    assert title_words("Le PS et l'UE : « Sécurité » des données_perso en 2026, été") == {
        "securite", "donnees_perso", "2026",
    }  # fmt: skip
    a = title_words("La CNIL sanctionne la ville de Lyon pour ses caméras")
    b = title_words("La CNIL sanctionne la ville de Lyon pour ses caméras de rue")
    assert similar_titles(a, b) and not similar_titles(a, title_words("La CNIL à Lyon"))


def test_a_titles_names_are_its_capitalised_words_past_each_opening() -> None:
    from veille.core.library._titles import title_names

    # « Lyon » opens the title: its capital is no sign of a name.
    assert title_names("Lyon : la CNIL sanctionne l'Insee à Saint-Étienne") == {
        "cnil",
        "insee",
        "saint",
        "etienne",
    }
    assert title_names("Dépêche. Le préfet de Corse suspend l'arrêté") == {"corse"}
    assert title_names("« Nous ne céderons pas », dit la ministre à Rennes") == {"rennes"}
    # Title case capitalises every word that counts: only acronyms are names there.
    assert title_names("Senate Passes The Health Budget After NATO Summit") == {"nato"}
    assert title_names("Fire in a Leeds warehouse") == {"leeds"}


def test_a_source_joining_a_story_leaves_its_other_members_unwritten(lib: Library) -> None:
    # Twenty outlets carry the dispatch on the first refresh; a later one brings a twenty-first.
    def outlet(n: int) -> tuple[str, list[ParsedEntry]]:
        entry = ParsedEntry(
            guid=f"d{n}",
            link=f"https://journal-{n}.example/local/{n}",
            title=HEADLINES[n % len(HEADLINES)],
            content=f"<p>{DISPATCH}</p>",
            published=DAY + timedelta(minutes=n),
        )
        return f"journal-{n}", [entry]

    first = store(lib, [outlet(n) for n in range(20)])
    assert lib.cluster(first) == 20
    later = store(lib, [outlet(20)])
    conn = lib.db.connection()
    before = conn.total_changes
    assert lib.cluster(later) == 21
    # The newcomer's row and what its triggers write, not the twenty members once more.
    assert conn.total_changes - before < 20
    [row] = lib.rows()
    assert row.cluster_size == 21  # « +20 sources »
    assert row.id == min(first)


def _field_headlines(count: int, seed: int) -> list[str]:
    """Headlines of one field: a few actors, acts, subjects and places, combined."""
    rng = random.Random(seed)
    actors = ("la CNIL", "le préfet", "la région", "le gouvernement", "l'Arcom", "le Sénat")
    acts = ("sanctionne", "annonce", "finance", "reporte", "encadre", "suspend")
    subjects = (
        "un fichier de reconnaissance faciale",
        "le projet de loi sur la sécurité numérique",
        "la réforme de l'assurance chômage",
        "un programme de recherche sur le climat",
        "l'ouverture des données de santé",
        "le schéma régional des transports",
    )
    places = ("à Lyon", "à Nantes", "en Bretagne", "à Toulouse", "en Corse", "à Lille", "")
    forms = ("{}", "{} : les réactions", "Ce qu'il faut savoir : {}", "Dépêche. {}")
    return [
        rng.choice(forms).format(
            f"{rng.choice(actors)} {rng.choice(acts)} {rng.choice(subjects)} {rng.choice(places)}"
        )
        for _ in range(count)
    ]


def test_new_titles_match_alike_whatever_unrelated_titles_the_window_holds() -> None:
    # A large library's window holds older titles on other subjects, built from a part of the
    # same vocabulary. They match none of the new titles, so the new titles that match each
    # other must be the same with or without them: the word order of the prefixes, and with it
    # which titles count as a recurring heading, must not follow titles that cannot match.
    new = [(n, n % 200, 0.0, t) for n, t in enumerate(_field_headlines(4000, 1))]
    rng = random.Random(2)
    vocabulary = [
        "données",
        "sécurité",
        "climat",
        "santé",
        "numérique",
        "faciale",
        "budget",
        "vote",
        "loi",
        "europe",
    ]
    older = [
        (10_000 + n, 500 + n % 50, 0.0, " ".join(rng.choice(vocabulary) for _ in range(8)))
        for n in range(3000)
    ]

    def joins(window: list[tuple[int, int, float, str]]) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        titles.match_titles(window, {n for n, *_ in new}, lambda a, b: found.add((a, b)))
        return found

    alone = joins(new)
    assert alone, "the field's retitled dispatches match"
    assert joins(older + new) == alone


def test_names_only_ever_keep_apart_titles_the_words_would_join(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The names rule refines the word rule: every pair it joins, the words alone join too, and
    # the pairs it drops are titles that name other places, or a title that could be either.
    window = [(n, n % 40, 0.0, t) for n, t in enumerate(_field_headlines(3000, 3))]
    new_ids = {n for n, *_ in window}

    def joins() -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        titles.match_titles(window, new_ids, lambda a, b: found.add((a, b)))
        return found

    named = joins()
    names = titles.title_names
    monkeypatch.setattr(titles, "title_names", lambda title: frozenset())
    by_words = joins()
    assert named < by_words
    spelled = {n: t for n, _, _, t in window}
    for a, b in by_words - named:
        assert names(spelled[a]) or names(spelled[b])  # a pair without names is never dropped
    kept_apart = [(spelled[a], spelled[b]) for a, b in by_words - named]
    assert any(
        (" à Lyon" in x and " à Lille" in y) or (" à Lille" in x and " à Lyon" in y)
        for x, y in kept_apart
    )
