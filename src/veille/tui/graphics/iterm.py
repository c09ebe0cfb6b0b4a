"""iTerm2's inline images (also WezTerm's, mintty's, Rio's): a PNG in one escape sequence,
stretched by the terminal over the cells it names."""

from __future__ import annotations

import base64


def inline(png: bytes, columns: int, rows: int) -> str:
    """The sequence drawing `png` over `columns` × `rows` cells from the cursor, leaving the
    cursor where it was."""
    data = base64.standard_b64encode(png).decode("ascii")
    keys = (
        f"inline=1;size={len(png)};width={columns};height={rows};"
        "preserveAspectRatio=0;doNotMoveCursor=1"
    )
    return f"\x1b]1337;File={keys}:{data}\x07"
