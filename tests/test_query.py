"""The search language: parsing, canonical printing, and error messages that say where and why."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.query import QueryError, compile_query, normalize_tag, parse, unparse
from veille.core.query.syntax import And, Filter, Not, Or, Term


def test_words_filters_and_operators_build_the_expected_tree() -> None:
    tree = parse('cnil (amende OR sanction) -tag:lu "données personnelles" secur* is:Starred')
    assert tree == And(
        (
            Term("cnil"),
            Or((Term("amende"), Term("sanction"))),
            Not(Filter("tag", "lu")),
            Term("données personnelles", phrase=True),
            Term("secur", prefix=True),
            Filter("is", "starred"),
        )
    )


def test_implicit_and_binds_tighter_than_or() -> None:
    assert parse("a b OR c") == Or((And((Term("a"), Term("b"))), Term("c")))
    assert parse("a AND b") == parse("a b")
    assert parse("NOT a") == parse("-a")
    assert parse("--a") == Term("a")


def test_operator_words_with_a_star_are_prefixes() -> None:
    assert parse("OR*") == Term("OR", prefix=True)
    assert unparse(parse("OR* a")) == "OR* a"


def test_colons_that_are_not_filters_are_words() -> None:
    assert parse("16:20") == Term("16:20")
    assert parse('tag:"politique numérique"') == Filter("tag", "politique numérique")
    assert parse("feed:next.ink") == Filter("feed", "next.ink")


@pytest.mark.parametrize(
    ("query", "column", "words"),
    [
        ("tag:", 5, "`tag:` needs a value"),
        ("is:starred tag:", 16, "`tag:` needs a value"),
        ("is:favori", 4, "is:starred"),
        ("has:", 5, "`has:` needs a value"),
        ("since:demain", 7, "needs a date like 2026-02-01"),
        ("since:2026-02-30", 7, "needs a date"),
        ("id:abc", 4, "needs an item number"),
        ("lang:français", 6, "language code"),
        ("tga:cnil", 1, "unknown filter `tga:`"),
        ('"open quote', 1, "never closed"),
        ("(cnil", 1, "parenthesis is never closed"),
        ("cnil)", 5, "no opening one"),
        ("()", 1, "empty parentheses"),
        ("OR cnil", 1, "OR needs something on its left"),
        ("cnil OR", 6, "OR needs something on its right"),
        ("cnil -", 6, "needs a word or filter"),
        ("cnil ***", 6, "`*` goes at the end"),
        ('""', 1, "empty quotes"),
    ],
)
def test_bad_queries_say_where_and_why(query: str, column: int, words: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert words in caught.value.message
    assert caught.value.column == column
    assert str(caught.value).endswith(f"(at column {column})")


def test_empty_query_matches_everything() -> None:
    assert compile_query("   ").where == "1"


def test_words_column_filters_and_exclusions_share_one_match() -> None:
    """The index intersects and subtracts them in one pass instead of each gathering its hits."""
    compiled = compile_query("securite author:dupont -title:passe -(cnil OR rgpd) is:unread")
    assert compiled.params[0] == (
        '("securite" AND (author : "dupont"*)) NOT (title : "passe"*) NOT ("cnil" OR "rgpd")'
    )
    assert compiled.where.count("MATCH") == 1
    assert compiled.leads_with_words
    # Without words to subtract from, an exclusion stays a test of its own.
    assert compile_query("is:unread -cnil").where.count("MATCH") == 1
    alone = compile_query("author:dupont is:unread")
    assert alone.params == ('author : "dupont"*',) and not alone.leads_with_words


def test_compiled_sql_binds_every_user_value() -> None:
    compiled = compile_query("cnil'; DROP TABLE items; tag:\"x') OR 1=1 --\"")
    assert "DROP" not in compiled.where and "1=1" not in compiled.where
    assert any("DROP" in str(p) for p in compiled.params)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("CNIL", "cnil"),
        ("#Sécurité / CNIL", "sécurité/cnil"),
        ("a//b/", "a/b"),
        ("Se\u0301curite\u0301", "sécurité"),
        ("  deux   mots ", "deux mots"),
        ("\x1b[31m", "[31m"),
    ],
)
def test_tags_are_normalised(raw: str, stored: str) -> None:
    assert normalize_tag(raw) == stored


# Property tests -------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "cnil",
        "sécurité",
        "OR",
        "AND",
        "NOT",
        "-",
        "(",
        ")",
        '"',
        "*",
        "tag:",
        "tag:cnil",
        "is:",
        "is:starred",
        "is:nope",
        "since:7d",
        "since:2026-02-01",
        "before:",
        "feed:next",
        "a*",
        "-b",
        "lang:fr",
        "id:3",
        ":",
        "x:y",
        "16:20",
        "«",
        "»",
        "é",
        "\u202e",
        'title:"a b"',
        "note:lire",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(WORDS, max_size=12).map(" ".join),
    st.lists(WORDS, max_size=12).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(QUERIES)
def test_any_input_parses_or_gets_a_located_message(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError as error:
        assert 1 <= error.column <= len(query) + 1
        assert error.message
        return
    printed = unparse(tree)
    assert parse(printed) == tree  # parse → print → parse is stable
    assert unparse(parse(printed)) == printed


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_anything_that_parses_compiles_to_sql_sqlite_accepts(query: str) -> None:
    try:
        compiled = compile_query(query)
    except QueryError:
        return
    conn = sqlite3.connect(":memory:")
    conn.create_function("veille_fold", 1, lambda s: s)
    conn.executescript(
        "CREATE TABLE feeds (id INTEGER PRIMARY KEY, title, user_title, url, folder_id, language);"
        "CREATE TABLE folders (id INTEGER PRIMARY KEY, path);"
        "CREATE TABLE items (id INTEGER PRIMARY KEY, feed_id, read, starred, hidden, truncated,"
        " has_full_text, enclosures, sort_ts, language);"
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name);"
        "CREATE TABLE item_tags (item_id, tag_id);"
        "CREATE TABLE notes (item_id, body);"
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, text, author, feed, note,"
        " tokenize = 'unicode61 remove_diacritics 2');"
        "INSERT INTO feeds VALUES (1, 'Le Monde', '', 'https://lemonde.fr/rss', NULL, 'fr');"
        "INSERT INTO items VALUES (1, 1, 0, 0, 0, 0, 0, '[]', 0, '');"
        "INSERT INTO items_fts (rowid, title, text) VALUES (1, 'Sécurité', 'la CNIL');"
    )
    sql = f"SELECT count(*) FROM items i JOIN feeds f ON f.id = i.feed_id WHERE {compiled.where}"
    conn.execute(sql, compiled.params).fetchone()
