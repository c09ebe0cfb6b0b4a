"""How each view is shown: read items hidden or not (`h`), and its order (`O`), per view.

Both are the reader's choice for one view (a feed read to the last item, a tag read oldest
first), so they are kept per view key and remembered between runs in the library's state.
"""

from __future__ import annotations

import json

from veille.core.model import ITEM_ORDERS
from veille.core.translations import _

HIDE_KEY = "tui.hide_read"
ORDER_KEY = "tui.order"


def order_name(order: str) -> str:
    """The words for an order, as the status line and the notices say them."""
    names = {
        "newest": _("newest first"),
        "oldest": _("oldest first"),
        "title": _("by title"),
        "feed": _("by feed"),
    }
    return names.get(order, order)


class ViewPrefs:
    """The per-view choices, and their form in the library's state."""

    def __init__(self) -> None:
        self.hidden: set[str] = set()
        self.orders: dict[str, str] = {}

    def load(self, hidden: str, orders: str) -> None:
        self.hidden = {k for k in hidden.split("\n") if k}
        try:
            loaded = json.loads(orders) if orders else {}
        except ValueError:
            loaded = {}
        if isinstance(loaded, dict):
            self.orders = {str(k): str(v) for k, v in loaded.items() if str(v) in ITEM_ORDERS}

    def hides_read(self, key: str) -> bool:
        return key in self.hidden

    def order(self, key: str) -> str:
        return self.orders.get(key, "newest")

    def toggle_hidden(self, key: str) -> bool:
        """Hide (or show again) the read items of view `key`; True when now hidden."""
        if key in self.hidden:
            self.hidden.discard(key)
            return False
        self.hidden.add(key)
        return True

    def next_order(self, key: str) -> str:
        """Move view `key` on to the next order and return it."""
        now = self.order(key)
        following = ITEM_ORDERS[(ITEM_ORDERS.index(now) + 1) % len(ITEM_ORDERS)]
        if following == "newest":
            self.orders.pop(key, None)
        else:
            self.orders[key] = following
        return following

    def hidden_state(self) -> str:
        return "\n".join(sorted(self.hidden))

    def order_state(self) -> str:
        return json.dumps(self.orders, sort_keys=True)
