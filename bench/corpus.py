"""Feeds that repeat each other as real ones do, generated at run time for bench/refresh.py.

`realistic`: outlets in rings of six carry the same agency dispatches (one item slot in eight,
about 12 % of the items): the same text with small edits (a local sign-off, a word changed in the
middle) under headlines of their own. Titles and texts draw on one shared vocabulary of French
public life, so titles of different stories share words as they do in a field. Two feeds in
three are summary-only (a few hundred characters); half of those end their summaries on a French
cut-off phrase (« Lire la suite », « Il reste 72 % de l'article à découvrir »). The rest carry
whole articles of three to six paragraphs.

`repeated`: the same, but every title is one of 92 (« Revue de presse du matin », « Le point sur
la circulation » …): headings that outlets reuse every day over different texts.

Everything is drawn from a generator seeded by the feed and item numbers, so a server process
builds its share of the feeds alone and the same corpus comes back at every run.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

RING = 6  # outlets carrying each other's dispatches
DISPATCH_EVERY = 8  # one item slot in eight is a dispatch

ACTORS = (
    "le gouvernement",
    "la Commission européenne",
    "le Conseil d'État",
    "la CNIL",
    "le Sénat",
    "l'Assemblée nationale",
    "la mairie",
    "la région",
    "le préfet",
    "les syndicats",
    "le patronat",
    "la Cour des comptes",
    "l'Autorité de la concurrence",
    "le ministère de la Santé",
    "le tribunal administratif",
    "les associations de consommateurs",
    "l'Arcom",
    "la Banque de France",
    "l'Insee",
    "les agriculteurs",
)
VERBS = (
    "annonce",
    "suspend",
    "rejette",
    "adopte",
    "conteste",
    "prépare",
    "publie",
    "dévoile",
    "reporte",
    "confirme",
    "encadre",
    "sanctionne",
    "finance",
    "interdit",
    "relance",
)
OBJECTS = (
    "un plan pour la rénovation thermique des logements",
    "la réforme de l'assurance chômage",
    "le projet de loi sur la sécurité numérique",
    "un fichier de reconnaissance faciale",
    "la hausse des tarifs de l'électricité",
    "le budget des hôpitaux",
    "un dispositif de surveillance algorithmique",
    "le schéma régional des transports",
    "la fermeture de plusieurs classes",
    "un fonds pour les communes sinistrées",
    "la taxe sur les résidences secondaires",
    "l'ouverture des données de santé",
    "le contrat de la cantine scolaire",
    "les règles de la publicité en ligne",
    "un programme de recherche sur le climat",
    "le plan de prévention des inondations",
    "la vente d'un site industriel",
    "le calendrier des élections professionnelles",
)
PLACES = (
    "à Lyon",
    "à Marseille",
    "en Bretagne",
    "à Lille",
    "dans le Grand Est",
    "à Toulouse",
    "en Occitanie",
    "à Nantes",
    "à Bordeaux",
    "en Île-de-France",
    "à Strasbourg",
    "dans les Hauts-de-France",
    "à Rennes",
    "en Corse",
    "à Grenoble",
    "",
)
CONNECTORS = (
    "Selon un document consulté par la rédaction,",
    "D'après plusieurs sources proches du dossier,",
    "Dans un communiqué publié dans la matinée,",
    "Interrogé sur ce point,",
    "Au terme d'une réunion de plusieurs heures,",
    "Comme l'avaient annoncé les élus de l'opposition,",
    "Pour les représentants du personnel,",
    "À en croire les chiffres publiés la semaine dernière,",
)
CLAUSES = (
    "le texte devrait être examiné avant la fin du mois",
    "la mesure concernerait près de {n} 000 personnes",
    "le coût total est estimé à {n} millions d'euros",
    "plusieurs recours ont déjà été déposés devant la justice",
    "les discussions reprendront à la rentrée",
    "une consultation publique sera ouverte jusqu'au {n} mars",
    "les élus locaux demandent des garanties supplémentaires",
    "le calendrier reste toutefois incertain",
    "aucune décision définitive n'a encore été prise",
    "les premières évaluations seront rendues publiques l'an prochain",
    "la rapporteure a dénoncé un manque de transparence",
    "les chiffres varient fortement d'un département à l'autre",
)
CUT_OFFS = (
    " Lire la suite",
    " … Lire la suite de l'article",
    " Il reste {n} % de l'article à découvrir.",
    " La suite est réservée aux abonnés.",
)
HEADINGS = tuple(
    f"{rubric} {when}"
    for rubric in (
        "Revue de presse",
        "Le point sur la circulation",
        "La météo",
        "Les titres de l'actualité",
        "L'agenda culturel",
        "Le fil info",
        "Les chiffres du chômage",
        "Le marché de l'immobilier",
        "Le journal de la rédaction",
        "Les résultats sportifs",
        "Le programme télé",
        "Les offres d'emploi",
        "L'éditorial",
        "Le bulletin des routes",
        "Les avis de décès",
        "Le courrier des lecteurs",
        "La chronique économique",
        "Le conseil municipal",
        "La question du jour",
        "Le portrait de la semaine",
        "Les bons plans du week-end",
        "La minute numérique",
        "Le tour des marchés",
    )
    for when in ("du matin", "du soir", "du jour", "de la semaine")
)  # 92 headings


def _sentence(rng: random.Random) -> str:
    clause = rng.choice(CLAUSES).format(n=rng.randint(2, 95))
    return f"{rng.choice(CONNECTORS)} {clause}."


def _story(seed: int) -> tuple[str, list[str]]:
    """A headline and paragraphs of one story, the same for every outlet telling it."""
    rng = random.Random(seed)
    actor, verb, obj, place = (
        rng.choice(ACTORS),
        rng.choice(VERBS),
        rng.choice(OBJECTS),
        rng.choice(PLACES),
    )
    title = f"{actor[0].upper()}{actor[1:]} {verb} {obj} {place}".strip()
    # The opening names the story's own figures, so that two stories never open alike.
    opening = (
        f"{actor[0].upper()}{actor[1:]} {verb} {obj} {place}, a-t-on appris le {seed % 28 + 1} "
        f"du mois, pour un montant de {seed % 900 + 100} millions d'euros et {seed % 97 + 3} "
        f"communes concernées (dossier n° {seed})."
    )
    paragraphs = [opening + " " + _sentence(rng)]
    for _ in range(rng.randint(2, 5)):
        paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(3, 5))))
    return title, paragraphs


def _retitled(title: str, rng: random.Random) -> str:
    """Another outlet's headline for the same dispatch."""
    return rng.choice(
        (
            title,
            f"{title} : les réactions",
            f"Ce qu'il faut savoir : {title[0].lower()}{title[1:]}",
            f"Dépêche. {title}",
        )
    )


def story_of(feed: int, slot: int, corpus: str) -> tuple[str, list[str], random.Random]:
    """The headline and paragraphs of item `slot` of outlet `feed`, as its article page has
    them, and the item's generator, where the feed's own choices continue."""
    rng = random.Random(feed * 7919 + slot)
    if slot % DISPATCH_EVERY == 0:
        ring = feed // RING
        title, paragraphs = _story(10**7 + ring * 1000 + slot)
        title = _retitled(title, rng)
        paragraphs = list(paragraphs)
        if feed % 2:  # a local sign-off
            paragraphs.append(f"Avec la rédaction de l'édition locale n° {feed}.")
        if feed % 3 == 1 and len(paragraphs) > 2:  # a word changed past the opening
            paragraphs[2] = paragraphs[2].replace("la ", "cette ", 1)
    else:
        title, paragraphs = _story(feed * 1000 + slot)
    if corpus == "repeated":
        title = HEADINGS[rng.randrange(len(HEADINGS))]
    return title, paragraphs, rng


def item(feed: int, slot: int, corpus: str) -> tuple[str, str, str]:
    """(title, summary, content) of item `slot` of outlet `feed` ("" content: summary-only)."""
    title, paragraphs, rng = story_of(feed, slot, corpus)
    html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if feed % 3 == 0:
        return title, escape(paragraphs[0][:300]), html
    summary = paragraphs[0][:360].rsplit(" ", 1)[0]
    if feed % 3 == 1:
        summary += rng.choice(CUT_OFFS).format(n=rng.randint(40, 90))
    return title, escape(summary), ""


def article_page(feed: int, slot: int, corpus: str) -> bytes:
    """The web page of item `slot` of outlet `feed`: the whole story among a site's furniture."""
    title, paragraphs, _ = story_of(feed, slot, corpus)
    menu = "".join(f'<li><a href="/rubrique/{k}">Rubrique {k}</a></li>' for k in range(12))
    more = "".join(
        f'<li><a href="/articles/{feed}/{(slot + k) % 50}">À lire aussi n° {k}</a></li>'
        for k in range(1, 6)
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{escape(title)} - '
        f"Quotidien {feed}</title></head><body><header><nav><ul>{menu}</ul></nav></header>"
        f'<main><article><h1>{escape(title)}</h1><p class="byline">Par la rédaction '
        f"{feed}</p>{body}</article><aside><h2>À lire aussi</h2><ul>{more}</ul></aside></main>"
        f"<footer><p>© Quotidien {feed}. Tous droits réservés.</p></footer></body></html>"
    ).encode()


def make_feed(n: int, corpus: str, items: int = 50, site: str = "") -> bytes:
    """Outlet n's feed; with `site` (a base URL), its items link to their pages there."""
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>',
        f"<title>Quotidien {n}</title><link>https://quotidien{n}.test/</link>",
        "<language>fr</language><description>L'actualité de l'édition {n}</description>",
    ]
    for i in range(items):
        title, summary, content = item(n, i, corpus)
        # A dispatch reaches every outlet of its ring within the hour.
        stamp = format_datetime(now - timedelta(minutes=37 * i + (n % RING) * 7))
        encoded = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else ""
        parts.append(
            f"<item><title>{escape(title)}</title>"
            f"<link>{site or f'https://quotidien{n}.test'}/articles/{n if site else ''}"
            f"{'/' if site else ''}{i}</link>"
            f"<guid>https://quotidien{n}.test/articles/{i}</guid><pubDate>{stamp}</pubDate>"
            f"<author>redaction@quotidien{n}.test (Rédaction {n})</author>"
            f"<description>{summary}</description>{encoded}</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()
