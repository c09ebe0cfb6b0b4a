"""The dialogs' common ground: a dialog answers once, and only while it is the screen shown.

Keys are read ahead of the screen: a quick double Enter, or Enter followed by the next keys,
reaches a dialog after it answered or before it is fully mounted. A second answer would run the
caller's callback twice, and dismissing a screen that is not on top pops another one.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

R = TypeVar("R")


class Dialog(ModalScreen[R]):
    answered = False

    def answer(self, result: R | None) -> bool:
        """Dismiss with `result` unless already answered; say whether this call answered."""
        if self.answered or not self.is_mounted or not self.is_active:
            return False
        self.answered = True
        self.dismiss(result)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.answered or self.app.return_code is not None:
            return False
        return super().check_action(action, parameters)
