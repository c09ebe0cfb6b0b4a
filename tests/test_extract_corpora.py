"""Extraction against trafilatura's evaluation pages: segments that must and must not be kept.

The pages are mostly not news: shops, recipes, institutions, forums, blogs. Their content is
spread over several blocks, which one best block (readability's way) misses.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from veille.core.fulltext.extract import ExtractionError, extract

_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@pytest.mark.slow
@pytest.mark.corpus
def test_segments_of_trafilatura_evaluation_pages(corpora: Path) -> None:
    folder = corpora / "trafilatura-eval"
    if not folder.is_dir():
        pytest.skip("trafilatura-eval is not present")
    data = json.loads((folder / "evaldata.dev.json").read_text("utf-8"))
    found = unwanted = missed = 0
    for url, entry in sorted(data.items())[::30]:
        page = gzip.decompress((folder / "html" / entry["file"]).read_bytes())
        try:
            text = _fold(extract(page, url).text)
        except ExtractionError:
            text = ""
        kept = sum(1 for s in entry["with"] if _fold(s) in text)
        found += kept
        missed += len(entry["with"]) - kept
        unwanted += sum(1 for s in entry["without"] if _fold(s) in text)
    precision = found / max(1, found + unwanted)
    recall = found / max(1, found + missed)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.88, (precision, recall)
