"""Reader rendering benchmark: a generated ~20 KB French article, HTML → Rich `Text`.

    uv run python bench/render.py [--runs 200]

The reader renders an article every time one is opened, so it must stay well under a frame of
perceived latency (~15 ms is the target). `veille.core.text.html_to_text`, which only extracts plain
text, is timed on the same input as a floor: the difference is the price of structure and styles.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from veille.core.text import html_to_text
from veille.tui.render.terminal import render_html

SENTENCES = [
    "La formation restreinte de la CNIL a prononcé une sanction de {n} millions d’euros.",
    "Le courtier en données n’avait pas recueilli le consentement des personnes concernées.",
    "Selon l’autorité, les durées de conservation dépassaient largement ce qui était nécessaire.",
    "Les associations de défense des libertés saluent une décision « attendue depuis longtemps ».",
    "L’entreprise conteste l’analyse et annonce un recours devant le Conseil d’État.",
    "Le règlement général sur la protection des données s’applique depuis mai 2018.",
]


def article(target: int = 20_000) -> str:
    """A plausible news article: headings, paragraphs with emphasis and links, a quote, lists."""
    parts = ["<article><h1>Données personnelles : une amende record pour un courtier</h1>"]
    n = 0
    while len("".join(parts).encode()) < target:
        sentences = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
        parts.append(
            f"<p>{sentences.format(n=n % 50)} Voir <a href='/actualites/{n % 9}'>la décision "
            f"n° {n}</a> et l’<em>analyse</em> de <strong>notre rédaction</strong>.</p>"
        )
        if n % 6 == 2:
            parts.append(
                "<blockquote><p>« C’est un signal fort envoyé au secteur. »</p></blockquote>"
            )
        if n % 6 == 4:
            parts.append("<ul><li>consentement</li><li>information</li><li>conservation</li></ul>")
        if n % 6 == 5:
            parts.append(f"<h2>Étape {n}</h2><figure><img alt='Graphique'><figcaption>Source : "
                         "CNIL</figcaption></figure>")  # fmt: skip
        n += 1
    parts.append("</article>")
    return "\n".join(parts)


def timed(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    html = article()
    rendered = render_html(html, base_url="https://www.example.fr/", width=80)
    print(
        f"article: {len(html.encode()) / 1024:.1f} KiB HTML, {len(rendered.text.plain)} characters "
        f"shown, {len(rendered.links)} links"
    )
    for name, function in [
        ("render_html", lambda: render_html(html, base_url="https://www.example.fr/", width=80)),
        ("html_to_text", lambda: html_to_text(html)),
    ]:
        median, p95 = timed(function, args.runs)
        print(f"{name:<14} median {median:6.2f} ms   p95 {p95:6.2f} ms   ({args.runs} runs)")


if __name__ == "__main__":
    main()
