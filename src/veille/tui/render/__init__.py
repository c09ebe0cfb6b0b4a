"""The reader's HTML → terminal rendering: part of the interface, since only a screen needs it."""
