"""Excerpts as a reader of the review meets them: the article's first whole sentences, never the
page's furniture, and never an article's own words mistaken for furniture."""

from __future__ import annotations

import pytest

from veille.core.export.excerpts import excerpt_of, sentences


@pytest.mark.parametrize(
    "html",
    [
        "<p>Nous utilisons des cookies pour améliorer votre expérience.</p><p>{}</p>",
        "<figure><img src=x><figcaption>Photo : AFP</figcaption></figure><p>{}</p>",
        "<p>Generated with DALL·E 3 {}</p>",  # a credit run into the first sentence
        "<p>Image générée par IA.</p><p>Lire aussi : le dossier</p><p>{}</p>",
        "<p>Abonnez-vous à notre newsletter.</p><aside>Publicité</aside><p>{}</p>",
        "<p>© Reuters</p><p>Temps de lecture : 4 min</p><p>{}</p>",
        "Read more: our coverage. {}",  # a feed's plain-text summary
    ],
)
def test_furniture_is_left_out(html: str) -> None:
    prose = "La CNIL a infligé une amende de 5 M€ à l'opérateur pour ses cookies publicitaires."
    assert excerpt_of(html.format(prose), 400) == prose


def test_articles_about_cookies_and_subscriptions_keep_their_words() -> None:
    for prose in (
        "La CNIL sanctionne Google pour avoir déposé des cookies sans consentement.",
        "Subscribers to the service complained that the photo app shared their data.",
        "Le journal a perdu 3 000 abonnés depuis la hausse des prix.",
    ):
        assert excerpt_of(f"<p>{prose}</p>", 400) == prose


def test_whole_sentences_up_to_the_length_asked() -> None:
    text = "<p>Première phrase courte. Deuxième phrase un peu plus longue. Troisième.</p>"
    assert excerpt_of(text, 30) == "Première phrase courte."
    assert excerpt_of(text, 80) == (
        "Première phrase courte. Deuxième phrase un peu plus longue. Troisième."
    )
    long = "<p>" + "mot " * 100 + "fin.</p>"
    cut = excerpt_of(long, 50)
    assert cut.endswith("…") and len(cut) <= 51
    assert excerpt_of(text, 0) == ""


def test_a_sentence_announcing_a_list_does_not_end_an_excerpt() -> None:
    point = "une durée de conservation excessive des données de localisation, " * 4
    html = f"<p>Montant : 14 M€. Manquements retenus :</p><ul><li>{point}</li></ul>"
    assert excerpt_of(html, 200) == "Montant : 14 M€."


def test_initials_and_titles_end_no_sentence() -> None:
    assert sentences("M. Dupont et le Dr. Who ont vu J. Martin aux U.S. hier. Puis rien.") == [
        "M. Dupont et le Dr. Who ont vu J. Martin aux U.S. hier.",
        "Puis rien.",
    ]
