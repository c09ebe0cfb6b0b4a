"""The search language used by search, saved searches, watch rules and exports.

`parse` turns text into a tree, `unparse` prints it back, `compile_query` turns it into a
condition over the library: parts a planner can read (`veille.core.query.condition`), and their
SQL. See README's "Search language" section for the reference.
"""

from veille.core.query.compile import Compiled, compile_query, compile_tree
from veille.core.query.syntax import FILTERS, Node, QueryError, parse, unparse
from veille.core.query.tags import normalize_tag
from veille.core.text import fold

__all__ = [
    "FILTERS",
    "Compiled",
    "Node",
    "QueryError",
    "compile_query",
    "compile_tree",
    "fold",
    "normalize_tag",
    "parse",
    "unparse",
]
