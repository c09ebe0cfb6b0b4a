"""What extraction leaves out and what it keeps readable, on pages without an `<article>`.

Excerpts in exports take the start of the extracted text, so a cookie banner or an image credit
that survives extraction becomes the first words of the press review.
"""

from __future__ import annotations

from veille.core.fulltext.extract import extract

URL = "https://www.quotidien-regional.example/economie/2026/03/usine.html"

STORY = [
    "La fermeture de l’usine de Millau a été annoncée jeudi aux salariés, réunis dans le "
    "réfectoire du site, par un directeur venu spécialement de Lyon pour l’occasion.",
    "Cent quarante emplois sont concernés. Les syndicats dénoncent une décision prise sans "
    "la moindre concertation et promettent de se battre pour obtenir un repreneur crédible.",
    "Le maire rappelle que l’entreprise avait bénéficié de subventions régionales en échange "
    "d’un engagement à maintenir l’activité jusqu’en 2030, engagement qu’elle renie aujourd’hui.",
    "Une réunion est prévue la semaine prochaine à la préfecture avec les élus, la direction "
    "et les représentants du personnel, pour examiner les pistes d’une reprise du site.",
]


def regional_page(story_html: str) -> bytes:
    """A regional daily's page built of divs only, with the furniture such pages carry."""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Millau : l’usine va fermer | Le Quotidien</title>
<meta property="og:title" content="Millau : l’usine va fermer">
</head><body>
<div id="cookie-consent" class="cmp-banner"><p>Nous utilisons des cookies pour améliorer
votre expérience et mesurer l’audience. <button>Tout accepter</button>
<a href="/cookies">Paramétrer</a></p></div>
<div class="entete"><a href="/">Le Quotidien</a> <a href="/economie">Économie</a></div>
<div class="contenu">
<div class="visuel"><img src="/img/usine.jpg" alt="">
<p>Generated with DALL·E 3</p></div>
<h1>Millau : l’usine va fermer</h1>
{story_html}
<div class="outils"><p>Partagez cet article</p>
<ul><li><a href="https://fb.example/s">Facebook</a></li><li><a href="https://x.example/s">X</a></li>
<li><a href="mailto:?body=x">E-mail</a></li></ul></div>
<div class="bloc"><h3>À lire aussi</h3>
<ul><li><a href="/a.html">Rodez : le marché de Noël ouvre ses portes samedi</a></li>
<li><a href="/b.html">Le viaduc fermé une nuit pour travaux</a></li></ul></div>
<div class="zone"><h2>Laisser un commentaire</h2>
<p>Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués.</p>
<div class="fil"><p>Jean-Paul, 12 mars : c’était prévisible depuis des années, tout le monde
le savait au village, sauf peut-être ceux qui nous gouvernent depuis Paris.</p></div>
</div></div>
<div class="pied"><p>© Le Quotidien 2026</p></div>
</body></html>""".encode()


def story_paragraphs() -> str:
    return "".join(f"<p>{p}</p>" for p in STORY)


def test_a_page_without_article_keeps_the_story_and_nothing_around_it() -> None:
    article = extract(regional_page(story_paragraphs()), URL)
    assert article.text.startswith(STORY[0][:40])
    for paragraph in STORY:
        assert paragraph in article.text
    for furniture in (
        "cookies",
        "DALL·E",
        "Partagez cet article",
        "Facebook",
        "À lire aussi",
        "marché de Noël",
        "Laisser un commentaire",
        "ne sera pas publiée",
        "c’était prévisible",
    ):
        assert furniture not in article.text, furniture
        assert furniture not in article.html, furniture


def test_soft_hyphens_are_removed_from_text_and_html() -> None:
    soft = "\u00ad"
    hyphenated = story_paragraphs().replace("concertation", f"concer{soft}ta{soft}tion")
    hyphenated = hyphenated.replace("engagement", f"enga{soft}gement")
    article = extract(regional_page(hyphenated), URL)
    assert "\u00ad" not in article.text and "\u00ad" not in article.html
    assert "sans la moindre concertation" in article.text
    assert "en échange d’un engagement" in article.text


def test_mathml_is_kept_as_readable_text() -> None:
    formula = (
        '<math display="inline"><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo>'
        "<mfrac><mi>a</mi><mi>b</mi></mfrac><mo>=</mo><msqrt><mi>y</mi></msqrt></math>"
    )
    paragraphs = story_paragraphs().replace(
        "<p>Une réunion",
        f"<p>Le calcul du déficit suit la formule {formula} selon le cabinet.</p><p>Une réunion",
    )
    article = extract(regional_page(paragraphs), URL)
    assert "la formule x^2 + a/b = √y selon le cabinet" in article.text
    assert "x^2 + a/b = √y" in article.html


def test_a_tex_annotation_stands_in_for_a_formula_without_presentation() -> None:
    formula = (
        '<math alttext="E = mc^2"><semantics><annotation encoding="application/x-tex">'
        "E = mc^2</annotation></semantics></math>"
    )
    paragraphs = story_paragraphs().replace(
        "<p>Une réunion",
        f"<p>Le directeur a même cité {formula} pour plaisanter.</p><p>Une réunion",
    )
    assert "a même cité E = mc^2 pour plaisanter" in extract(regional_page(paragraphs), URL).text


def test_a_teaser_page_says_where_it_was_cut() -> None:
    teaser = (
        f"<p>{STORY[0]}</p><div class='restreint'><p>Il vous reste 85 % de cet article à "
        "découvrir.</p><p>Abonnez-vous pour lire la suite. <a href='/abo'>Je m’abonne</a></p>"
        "<p>Déjà abonné ? <a href='/connexion'>Se connecter</a></p></div>"
    )
    article = extract(regional_page(teaser), URL)
    assert article.cut == "Il vous reste 85 % de cet article à découvrir"


def test_a_whole_article_has_no_cut() -> None:
    assert extract(regional_page(story_paragraphs()), URL).cut == ""


def test_read_also_teasers_in_other_languages_are_dropped() -> None:
    story = "".join(f"<p>{p}</p>" for p in STORY[:2])
    story += '<p>Lea también: <a href="/otra.html">El puerto cierra por obras este verano</a></p>'
    story += "".join(f"<p>{p}</p>" for p in STORY[2:])
    story += (
        "<h3>Schon gelesen?</h3><ul><li><a href='/x.html'>Neue Brücke über den Tarn</a></li>"
        "<li><a href='/y.html'>Der Markt öffnet am Samstag</a></li></ul>"
    )
    article = extract(regional_page(story), URL)
    for paragraph in STORY:
        assert paragraph in article.text
    for teaser in ("Lea también", "El puerto", "Schon gelesen", "Neue Brücke", "Der Markt"):
        assert teaser not in article.text, teaser
