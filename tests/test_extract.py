"""Full-text extraction: what the reader gets from a real-looking page, and what it never gets."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from tests.httpserver import LocalServer
from veille.core.fulltext.cleanup import clean_article, to_text
from veille.core.fulltext.extract import Article, ExtractionError, SiteRule, extract
from veille.core.ingest.fetch import Fetcher

URL = "https://journal.example.fr/societe/2026/03/article.html"

PARAGRAPHS = [
    "La formation restreinte de la CNIL a prononcé mardi une sanction de 40 millions d’euros "
    "contre un courtier en données, qui revendait des profils publicitaires sans consentement.",
    "Selon la décision, consultée par notre journal, les durées de conservation dépassaient "
    "largement ce qui était nécessaire, parfois de plusieurs années, pour des millions de personnes.",
    "Les associations de défense des libertés numériques saluent une décision « attendue depuis "
    "longtemps », tout en regrettant que l’enquête ait duré près de quatre ans.",
    "L’entreprise conteste l’analyse de l’autorité et annonce un recours devant le Conseil d’État, "
    "estimant que ses partenaires avaient bien recueilli l’accord des internautes.",
    "Le règlement général sur la protection des données s’applique depuis mai 2018 ; il permet des "
    "amendes allant jusqu’à 4 % du chiffre d’affaires mondial des entreprises concernées.",
]


def french_page(*, extra_head: str = "", body_extra: str = "") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    rest = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Amende record pour un courtier en données | Le Journal</title>
<meta property="og:title" content="Amende record pour un courtier en données">
<meta property="og:type" content="article">
<meta property="og:image" content="/img/cnil.jpg">
<meta name="author" content="Camille Martin">
{extra_head}
</head><body>
<nav class="menu"><a href="/">Accueil</a> <a href="/societe">Société</a> <a href="/eco">Éco</a></nav>
<main><article class="article">
<h1>Amende record pour un courtier en données</h1>
<div class="share-bar"><a href="https://x.example/share">Partager sur X</a>
  <a href="https://fb.example/share">Partager sur Facebook</a></div>
{paragraphs}
<p class="lire-aussi">Lire aussi | <a href="/tech/rgpd.html">Le RGPD a cinq ans : un bilan</a></p>
<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/siege.jpg"
  alt="Le siège de la CNIL"><figcaption>Le siège de la CNIL, à Paris.</figcaption></figure>
{rest}
<div class="newsletter-box"><p>Recevez notre newsletter chaque matin</p>
  <form><input type="email"><button>S’abonner</button></form></div>
<p>Les sanctions précédentes sont détaillées dans <a href="../dossiers/cnil.html">notre dossier</a>.</p>
{body_extra}
</article></main>
<footer>© Le Journal — <a href="/mentions">Mentions légales</a></footer>
</body></html>"""


def shingle_f1(truth: str, got: str) -> float:
    def grams(text: str) -> Counter[tuple[str, ...]]:
        tokens = re.findall(r"\w+", text)
        return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)))

    expected, found = grams(truth), grams(got)
    tp = sum((expected & found).values())
    if not tp:
        return 0.0
    p, r = tp / sum(found.values()), tp / sum(expected.values())
    return 2 * p * r / (p + r)


def assert_inert(article: Article) -> None:
    lowered = article.html.lower()
    for bad in (
        "<script",
        "onerror=",
        "onclick=",
        "onload=",
        "javascript:",
        "vbscript:",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "style=",
        "<style",
        "<svg",
    ):
        assert bad not in lowered, bad


# --- a French article -----------------------------------------------------------------------


def test_french_article_keeps_the_text_and_drops_the_furniture() -> None:
    article = extract(french_page().encode(), URL)
    assert article.source == "readability"
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    for furniture in (
        "Partager sur",
        "Lire aussi",
        "newsletter",
        "S’abonner",
        "Accueil",
        "Mentions légales",
    ):
        assert furniture not in article.text, furniture
    # The caption stays with its picture, out of the plain text.
    assert "<figcaption>Le siège de la CNIL, à Paris.</figcaption>" in article.html
    assert "Le siège de la CNIL" not in article.text
    assert article.text.count("\n\n") >= len(PARAGRAPHS) - 1  # paragraphs stay apart
    assert_inert(article)


def test_links_and_lazy_images_become_absolute() -> None:
    article = extract(french_page().encode(), URL)
    assert 'href="https://journal.example.fr/societe/2026/dossiers/cnil.html"' in article.html
    assert 'src="https://journal.example.fr/img/siege.jpg"' in article.html
    assert "data-src" not in article.html
    assert "<figcaption>" in article.html


def test_metadata() -> None:
    article = extract(french_page().encode(), URL)
    assert article.title == "Amende record pour un courtier en données"
    assert article.byline == "Camille Martin"
    assert article.lead_image == "https://journal.example.fr/img/cnil.jpg"
    assert article.lang == "fr"


def test_json_ld_author_and_graph() -> None:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Le Journal"},
            {
                "@type": ["NewsArticle"],
                "headline": "Titre JSON-LD",
                "author": [{"@type": "Person", "name": "Inès Durand"}],
                "image": {"url": "/img/ld.jpg"},
            },
        ],
    }
    page = french_page(extra_head=f'<script type="application/ld+json">{json.dumps(data)}</script>')
    page = page.replace('<meta name="author" content="Camille Martin">', "")
    article = extract(page.encode(), URL)
    assert article.byline == "Inès Durand"


def test_json_ld_body_wins_over_a_teaser() -> None:
    full = "\n".join(PARAGRAPHS * 2)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Amende record",
        "articleBody": full,
    }
    page = f"""<html><head><title>Amende</title>
    <script type="application/ld+json">{json.dumps(data)}</script></head><body>
    <article><p>{PARAGRAPHS[0]}</p>
    <div class="paywall"><p>Il reste 88 % de l'article à découvrir.</p>
    <a href="/abonnement">Je m'abonne</a></div></article></body></html>"""
    article = extract(page.encode(), URL)
    assert article.source == "json-ld"
    assert PARAGRAPHS[4] in article.text
    assert article.html.count("<p>") == 2 * len(PARAGRAPHS)


def test_json_ld_description_does_not_replace_a_full_article() -> None:
    data = {"@type": "NewsArticle", "articleBody": PARAGRAPHS[0] + " Un résumé de l'affaire."}
    page = french_page(extra_head=f'<script type="application/ld+json">{json.dumps(data)}</script>')
    article = extract(page.encode(), URL)
    assert article.source == "readability"
    assert PARAGRAPHS[4] in article.text


# --- site rules -----------------------------------------------------------------------------


def test_site_rule_content_and_remove() -> None:
    page = french_page(body_extra='<div class="encart">Encart publicitaire du partenaire</div>')
    rule = SiteRule(content="article.article", remove=(".encart", "figure"))
    article = extract(page.encode(), URL, rule=rule)
    assert article.source == "rule"
    assert "Encart publicitaire" not in article.text
    assert "Le siège de la CNIL" not in article.html
    assert "<h1>" not in article.html  # the headline repeats the title
    assert PARAGRAPHS[3] in article.text


def test_site_rule_that_matches_nothing_falls_back() -> None:
    rule = SiteRule(content="div.no-such-thing", remove=("figure",))
    article = extract(french_page().encode(), URL, rule=rule)
    assert article.source == "readability"
    assert PARAGRAPHS[2] in article.text
    assert "Le siège de la CNIL" not in article.html


def test_broken_selector_is_ignored() -> None:
    article = extract(french_page().encode(), URL, rule=SiteRule(content="div[[", remove=("::",)))
    assert PARAGRAPHS[1] in article.text


# --- what is not an article -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "content_type", "message"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "application/pdf",
            "the page is a PDF document, not an article",
        ),
        (b"%PDF-1.4\n...", "text/html", "the page is a PDF document, not an article"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "the page is an image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "text/html", "the page is an image"),
        (b"GIF89a\x01\x00\x01\x00", "", "the page is an image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "", "the page is an image"),
        (b"", "text/html", "the page is empty"),
        (b"  \n\t ", "text/html", "the page is empty"),
        (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
            "application/octet-stream",
            "the page is not HTML (application/octet-stream)",
        ),
        (bytes(range(256)) * 8, "", "the page is not HTML (binary data)"),
        (
            b"<html><body><nav><a href='/'>Accueil</a></nav></body></html>",
            "text/html",
            "no article text found on the page",
        ),
    ],
    ids=[
        "pdf",
        "pdf-mislabelled",
        "png",
        "jpeg",
        "gif",
        "webp",
        "empty",
        "blank",
        "zip",
        "binary",
        "no-text",
    ],
)
def test_not_an_article(page: bytes, content_type: str, message: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(page, URL, content_type=content_type)
    assert str(caught.value) == message


# --- encodings ------------------------------------------------------------------------------


def test_legacy_cp1252_page_without_a_declaration() -> None:
    page = french_page().replace('<meta charset="utf-8">', "").replace("’", "'")
    article = extract(page.encode("cp1252"), URL, content_type="text/html")
    assert "Selon la décision, consultée par notre journal" in article.text
    assert "\ufffd" not in article.text


def test_iso_8859_1_from_the_server() -> None:
    page = french_page().replace('<meta charset="utf-8">', "").replace("’", "'").replace("—", "-")
    article = extract(page.encode("latin-1"), URL, content_type="text/html; charset=ISO-8859-1")
    assert "près de quatre ans" in article.text


def test_meta_charset_declaration() -> None:
    page = french_page().replace("utf-8", "windows-1252").replace("’", "'")
    article = extract(page.encode("cp1252"), URL)
    assert "règlement général" in article.text


def test_utf8_page_mislabelled_latin1_by_meta_keeps_utf8_from_the_server() -> None:
    page = french_page().replace("utf-8", "iso-8859-1")
    article = extract(page.encode("utf-8"), URL, content_type="text/html; charset=utf-8")
    assert "décision « attendue" in article.text


def test_utf16_with_bom() -> None:
    page = french_page().replace('<meta charset="utf-8">', "")
    article = extract(page.encode("utf-16"), URL)
    assert PARAGRAPHS[0] in article.text


def test_xml_declaration_and_control_characters() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>' + french_page().replace(
        "mardi", "mardi\x00\x0b"
    )
    article = extract(page.encode(), URL)
    assert "prononcé mardi une sanction" in article.text


# --- hostile pages --------------------------------------------------------------------------

HOSTILE = """
<script>alert(1)</script><style>p{color:red}</style>
<p onclick="steal()" style="position:fixed">Texte avec <a href="javascript:alert(1)">un lien</a>
et <a href=" JaVa&#x09;ScRiPt:alert(2)">un autre</a>, <a href="vbscript:msgbox">un troisième</a>.</p>
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">
<img src="x" onerror="alert(3)"><img src="data:image/svg+xml;base64,PHN2Zz4=">
<svg onload="alert(4)"><script>alert(5)</script></svg>
<form action="https://evil.example/"><input name="q"><button>Go</button></form>
<a href="data:text/html;base64,PHNjcmlwdD4=">données</a>
<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="point"></p>
"""


def test_hostile_markup_is_removed() -> None:
    page = french_page(body_extra=HOSTILE)
    article = extract(page.encode(), URL, rule=SiteRule(content="article"))
    assert_inert(article)
    assert "data:text" not in article.html
    assert "data:image/svg" not in article.html
    assert 'src="data:image/png' in article.html  # inline bitmaps are harmless
    assert "un lien" in article.text and "alert" not in article.text
    assert 'href="https://journal.example.fr/' in article.html


HTML_BITS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div class='share'>",
        "</div>",
        "<a href='javascript:x()'>",
        "</a>",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<iframe src=x>",
        "<svg>",
        "<style>",
        "</style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<table><tr><td>",
        "</td></tr>",
        "<figure><figcaption>",
        "Lire aussi",
        "texte",
        " ",
        "\x00",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "<a href=' java\nscript:x'>",
        "<p style='x' onmouseover='y'>",
        "<base href='javascript:'>",
        "<img srcset='javascript:x 1x, /a.png 2x' data-src='data:text/html,x'>",
        "<math>",
        "é",
        "<object>",
        "<noscript><p>",
        "<ul><li>",
        "<br>",
        "<h2>",
        "<",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HTML_BITS, max_size=40))
@example(bits=["<", "texte", "<script>alert(1)</script>"])  # a tag named `texte<script`
def test_cleanup_fuzz_never_leaves_anything_active(bits: list[str]) -> None:
    page = ("<html><body><article>" + "".join(bits) + "</article></body></html>").encode()
    try:
        article = extract(page, URL, rule=SiteRule(content="article"))
    except ExtractionError:
        return
    assert_inert(article)


@settings(max_examples=100, deadline=None)
@given(st.lists(HTML_BITS, min_size=1, max_size=30))
def test_clean_article_fuzz_on_fragments(bits: list[str]) -> None:
    try:
        root = lxml_html.fragment_fromstring("".join(bits), create_parent="div")
    except Exception:  # lxml refuses some fragments outright; only the clean-up is under test
        return
    clean_article(root, URL)
    markup = lxml_html.tostring(root, encoding="unicode").lower()
    assert "<script" not in markup and "onerror=" not in markup and "javascript:" not in markup
    to_text(root)


# --- through a real server ------------------------------------------------------------------


async def test_paywalled_french_page_fetched_from_a_server(local_server: LocalServer) -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Amende record",
        "articleBody": "\n".join(PARAGRAPHS),
    }
    page = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="iso-8859-1">
    <title>Amende record - Le Journal</title>
    <script type="application/ld+json">{json.dumps(data, ensure_ascii=True)}</script></head>
    <body><article><h1>Amende record</h1><p>{PARAGRAPHS[0]}</p>
    <p class="restricted">Il reste 88 % de l'article à découvrir.</p>
    <a href="/abonnement">Déjà abonné ? Se connecter</a></article></body></html>"""
    local_server.add(
        "/article.html",
        page.replace("’", "'").encode("latin-1"),
        content_type="text/html; charset=iso-8859-1",
    )
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(local_server.url("/article.html"), accept="text/html")
    assert result.body is not None and not result.error
    article = extract(result.body, result.final_url, content_type=result.content_type)
    assert article.source == "json-ld"
    assert PARAGRAPHS[3] in article.text
    assert "Il reste 88 %" not in article.text


# --- the benchmark corpus -------------------------------------------------------------------


@pytest.mark.corpus
def test_benchmark_pages(corpora: Path) -> None:
    bench = corpora / "article-extraction-benchmark"
    truth = json.loads((bench / "_split" / "ground-truth.dev.json").read_text("utf-8"))
    keys = sorted(truth)[::9][:10]
    scores = []
    for key in keys:
        page = gzip.decompress((bench / "html" / f"{key}.html.gz").read_bytes())
        article = extract(page, truth[key]["url"])
        assert_inert(article)
        scores.append(shingle_f1(truth[key]["articleBody"], article.text))
    assert min(scores) >= 0.6, scores
    assert sum(scores) / len(scores) >= 0.9, scores


# --- furniture recognised by its words ------------------------------------------------------


def story_page(middle: str, *, title: str = "Amende record pour un courtier en données") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html><head><title>{title} | Le Journal</title>
    <meta name="author" content="Camille Martin"><meta property="og:type" content="article">
    </head><body><div class="page">
    <article><h1>{title}</h1><p>Camille Martin</p><p>mardi 3 mars 2026 à 10h42</p>
    <p>{PARAGRAPHS[0]}</p>{middle}{paragraphs}</article></div></body></html>""".encode()


def test_headline_byline_and_dateline_atop_the_story_are_dropped() -> None:
    article = extract(story_page(""), URL)
    first = article.text.split("\n\n")[0]
    assert first == PARAGRAPHS[0]
    assert article.title == "Amende record pour un courtier en données"
    assert "10h42" not in article.text and "<h1>" not in article.html


def test_a_lede_that_starts_with_a_date_is_kept() -> None:
    lede = "Le 3 mars 2026, la CNIL a sanctionné un courtier en données."
    page = story_page("").replace(
        b"<p>mardi 3 mars 2026 \xc3\xa0 10h42</p>", f"<p>{lede}</p>".encode()
    )
    assert lede in extract(page, URL).text


@pytest.mark.parametrize(
    "furniture",
    [
        "<p>Publicité</p>",
        "<div>Advertisement</div>",
        "<p>Image 2 of 5</p>",
        "<p>Tags : <a href='/t/cnil'>CNIL</a>, <a href='/t/rgpd'>RGPD</a></p>",
        "<p>Partager sur Facebook</p>",
        "<p>À lire aussi : <a href='/autre.html'>Le RGPD a cinq ans</a></p>",
        "<p>Inscrivez-vous à <a href='/nl'>notre newsletter</a> pour tout savoir.</p>",
        "<p><a href='/app'>TÉLÉCHARGEZ NOTRE APPLICATION</a></p>",
        "<p>Des manifestants devant le siège (Photo: AFP)</p>",
        "<div class='social-links'><a href='/x'>X</a> <a href='/fb'>Facebook</a></div>",
        "<aside><p>Sur le même sujet</p><a href='/y'>Un autre article</a></aside>",
        "<p><strong>Mots-clés<br>"
        + ", ".join(f"<a href='/t/{n}'>sujet numéro {n}</a>" for n in range(30))
        + "</strong></p>",
    ],
)
def test_furniture_inside_the_article_is_removed(furniture: str) -> None:
    article = extract(story_page(furniture), URL)
    marker = lxml_html.fragment_fromstring(furniture, create_parent="div").text_content()
    assert marker.strip()[:12] not in article.text
    assert PARAGRAPHS[4] in article.text


def test_hover_cards_inside_paragraphs_are_removed() -> None:
    card = (
        '<span class="rollover-people-block"><a href="/p/noem">Kristi Lynn Noem</a>'
        '<a href="/a/1">Another story entirely</a></span>'
    )
    page = story_page(f"<p>La gouverneure Kristi Noem{card} a défendu la campagne.</p>")
    article = extract(page, URL)
    assert "La gouverneure Kristi Noem a défendu la campagne." in article.text
    assert "Another story" not in article.text


def test_embedded_posts_are_kept() -> None:
    tweet = (
        '<blockquote class="twitter-tweet"><p>La décision de la CNIL est une victoire '
        "pour les droits de chacun, et elle en appelle d’autres.</p>— Une association "
        '(@asso) <a href="https://x.example/asso/status/1">3 mars 2026</a></blockquote>'
    )
    article = extract(story_page(f'<div class="social-media-embed">{tweet}</div>'), URL)
    assert "une victoire pour les droits de chacun" in article.text
    assert "<blockquote>" in article.html


def test_valid_utf8_wins_over_a_stale_meta_declaration() -> None:
    page = french_page().replace("utf-8", "gb2312")
    article = extract(page.encode("utf-8"), URL)
    assert PARAGRAPHS[2] in article.text


def test_links_resolve_against_the_pages_base_element() -> None:
    page = french_page(extra_head='<base href="https://cdn.example.org/archives/">')
    article = extract(page.encode(), URL)
    assert 'href="https://cdn.example.org/dossiers/cnil.html"' in article.html


def test_a_javascript_base_element_is_ignored() -> None:
    page = french_page(extra_head='<base href="javascript:alert(1)//">')
    article = extract(page.encode(), URL)
    assert 'href="https://journal.example.fr/societe/2026/dossiers/cnil.html"' in article.html
    assert_inert(article)


def test_byline_from_several_json_ld_authors_or_the_byline_line() -> None:
    data = {"@type": "NewsArticle", "author": [{"name": "Inès Durand"}, {"name": "Paul Roux"}]}
    page = french_page(extra_head=f'<script type="application/ld+json">{json.dumps(data)}</script>')
    page = page.replace('<meta name="author" content="Camille Martin">', "")
    assert extract(page.encode(), URL).byline == "Inès Durand, Paul Roux"
    page = french_page().replace('<meta name="author" content="Camille Martin">', "")
    page = page.replace("<h1>", '<p class="byline">Léa Petit —</p><h1>')
    assert extract(page.encode(), URL).byline == "Léa Petit"


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["lemonde-1", "liberation-1"])
def test_french_pages_match_readability_js(corpora: Path, name: str) -> None:
    folder = corpora / "mozilla-readability" / "test" / "test-pages" / name
    expected = to_text(
        lxml_html.fragment_fromstring(
            (folder / "expected.html").read_text("utf-8"), create_parent="div"
        )
    )
    article = extract((folder / "source.html").read_bytes(), "http://fakehost/test/page.html")
    assert shingle_f1(expected, article.text) >= 0.95
    assert article.lang.startswith("fr")
    assert_inert(article)


@pytest.mark.slow
@pytest.mark.corpus
def test_real_pages_never_fail_and_stay_inert(corpora: Path) -> None:
    folder = corpora / "graby" / "tests" / "fixtures" / "content"
    if not folder.is_dir():
        pytest.skip("graby fixtures are not present")
    extracted = 0
    for path in sorted(folder.iterdir()):
        try:
            article = extract(path.read_bytes(), "https://www.example.fr/article.html")
        except ExtractionError:
            continue
        extracted += 1
        assert_inert(article)
    assert extracted >= 15


def test_content_for_subscribers_and_mislabelled_containers_stay() -> None:
    locked = "Le détail des sanctions figure dans la partie de l’article réservée aux abonnés."
    page = story_page(f'<div class="subscriber-only paywall-content"><p>{locked}</p></div>')
    page = page.replace(b'<div class="page">', b'<div class="page share-enabled">')
    article = extract(page, URL)
    assert locked in article.text
    assert PARAGRAPHS[4] in article.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(HTML_BITS, max_size=40),
    st.sampled_from(["", "text/html", "application/pdf", "text/html; charset=utf-16"]),
)
def test_whole_pipeline_fuzz_raises_only_extraction_errors(bits: list[str], ctype: str) -> None:
    page = ("<html><head><title>t</title></head><body>" + "".join(bits)).encode()
    try:
        article = extract(page, URL, content_type=ctype)
    except ExtractionError as error:
        assert str(error)
        return
    assert_inert(article)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_extraction_errors(page: bytes) -> None:
    try:
        article = extract(page, URL)
    except ExtractionError:
        return
    assert_inert(article)
