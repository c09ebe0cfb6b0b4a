"""A morning's starred selection, as a press review starts from: French and English feeds served
by a loopback server and refreshed through the front door, shared tags, one story told by three
French outlets (links carrying tracking parameters), pages with boilerplate, a pinned full text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from tests.httpserver import LocalServer
from veille.core import Veille

STORY_TITLES = {
    "Le Monde": "La CNIL inflige une amende record à Free Mobile",
    "Next": "Free Mobile : la CNIL inflige une amende record",
    "Libération": "Amende record : la CNIL inflige une sanction à Free Mobile",
}
BOILERPLATE = (
    "Nous utilisons des cookies pour améliorer votre expérience.",
    "Generated with DALL·E 3",
    "Photo : AFP",
    "Lire aussi : notre dossier",
    "Abonnez-vous à notre newsletter",
)
TRACKING = ("utm_", "fbclid", "xtor")
FULL_TEXT = (
    "<figure><img src='x.jpg'><figcaption>Generated with DALL·E 3</figcaption></figure>"
    "<p>Nous utilisons des cookies pour améliorer votre expérience.</p>"
    "<p>La formation restreinte de la CNIL a prononcé une amende de 14 000 € contre l'opérateur. "
    "Elle lui reproche d'avoir conservé des données trop longtemps (simulé). "
    "La décision est susceptible de recours devant le Conseil d'État ; l'opérateur réfléchit !</p>"
    "<p>Une deuxième longue partie du texte qui ne doit jamais figurer dans un extrait court, "
    "parce qu'elle vient bien après la première phrase et la dépasse.</p>"
)


def _rss(title: str, lang: str, entries: list[tuple[str, str, str, str]]) -> str:
    language = f"<language>{lang}</language>" if lang else ""
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(guid)}</guid>"
        f"<pubDate>{date}</pubDate><description>{escape(body)}</description></item>"
        for t, link, guid, (body, date) in (
            (e[0], e[1], e[2], (e[3], "Tue, 01 Dec 2026 07:00:00 +0000")) for e in entries
        )
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title>{language}{items}</channel></rss>"
    )


@dataclass
class Selection:
    veille: Veille
    story: dict[str, int]  # outlet → item id of the three-outlet story
    ids: dict[str, int]  # every item by title


def morning_selection(v: Veille, server: LocalServer) -> Selection:
    """Subscribe, refresh, star and tag; returns the ids a test needs."""
    story_body = " ".join(BOILERPLATE[:2]) + (
        " La CNIL a sanctionné l'opérateur pour sa gestion des données. Le montant : 14 000 €."
    )
    feeds = {
        "Le Monde": (
            "fr",
            "https://www.lemonde.example/pixels/cnil?utm_source=rss&utm_medium=feed",
        ),
        "Next": ("fr", "https://next.example/cnil-free?xtor=RSS-1"),
        "Libération": ("", "https://www.liberation.example/cnil?fbclid=ABC&id=9"),
    }
    for n, (outlet, (lang, link)) in enumerate(feeds.items()):
        entries = [(STORY_TITLES[outlet], link, f"story-{n}", story_body)]
        if outlet == "Le Monde":
            entries.append(
                (
                    "Données de santé : êtes-vous prêts ?",
                    "https://www.lemonde.example/sante?utm_campaign=x",
                    "sante",
                    "Photo : AFP. Les hôpitaux doivent-ils partager leurs données ? Le débat est "
                    'ouvert : "oui", disent les uns.',
                )
            )
        server.add(f"/{n}.xml", _rss(outlet, lang, entries))
    server.add(
        "/en.xml",
        _rss(
            "The Register",
            "en",
            [
                (
                    "Sunday read: what the court said about biometrics",
                    "https://theregister.example/sunday?utm_source=newsletter",
                    "sunday",
                    "Generated with DALL·E 3. The court said: biometric data needs consent. "
                    "Are they honest? Nobody knows; the fine was $14,000!",
                ),
                (
                    "Are they honest?",
                    "https://theregister.example/honest",
                    "honest",
                    "Read more: our coverage. Regulators asked (politely) whether vendors tell "
                    "the truth about face recognition.",
                ),
            ],
        ),
    )
    for n in range(3):
        v.subscribe(server.url(f"/{n}.xml"))
    v.subscribe(server.url("/en.xml"))
    done = v.refresh(prefetch=False)
    assert not done.report.errors, done.report.errors
    ids = {item.title: item.id for item in v.items("")}
    story = {outlet: ids[title] for outlet, title in STORY_TITLES.items()}
    # The user starred two of the three outlets' articles, and the others of interest.
    starred = [story["Next"], story["Le Monde"]] + [
        ids[t]
        for t in (
            "Données de santé : êtes-vous prêts ?",
            "Sunday read: what the court said about biometrics",
            "Are they honest?",
        )
    ]
    v.set_marks(starred, starred=True)
    v.tag([story["Next"], story["Le Monde"]], add=["cnil", "télécoms"])
    v.tag([ids["Données de santé : êtes-vous prêts ?"]], add=["santé", "cnil"])
    v.tag([ids["Sunday read: what the court said about biometrics"]], add=["biométrie", "cnil"])
    v.tag([ids["Are they honest?"]], add=["biométrie"])
    v.set_note(story["Next"], "À citer : « record » pour un opérateur")
    v.set_note(ids["Are they honest?"], "Key quote for the team: is it true? Ask them.")
    v.library.record_full_text(story["Le Monde"], FULL_TEXT)
    return Selection(v, story, ids)
