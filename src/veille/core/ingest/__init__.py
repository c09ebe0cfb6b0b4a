"""Fetching, parsing and storing feeds."""

from veille.core.ingest.lean_httpx import without_its_program

without_its_program()
