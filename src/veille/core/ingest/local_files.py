"""Reading a feed the user keeps on disk: a `file:` address they subscribed to themselves.

Only `Fetcher.fetch` (an address the user gave) reads files; a page found in a feed never does.
The file's modification time stands in for `Last-Modified`, so an unchanged file is "not
modified" as a 304 would be, and the same size cap and deadline as a download apply.
"""

from __future__ import annotations

import asyncio
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from veille.core.ingest.failures import FetchFailure, human_seconds, human_size
from veille.core.redact import redact_url


async def read_file(
    url: str, last_modified: str, *, max_bytes: int, timeout: float
) -> tuple[bytes | None, str]:
    """The file at `url` and its modification stamp; None for the data when the stamp is still
    `last_modified`. Raises `FetchFailure` with a sentence a user can read."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchFailure(f"cannot read a file on another machine: {redact_url(url)}")
    path = Path(url2pathname(parts.path))

    def read() -> tuple[bytes | None, str]:
        stamp = formatdate(path.stat().st_mtime, usegmt=True)
        if last_modified and last_modified == stamp:
            return None, stamp
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        return data, stamp

    try:
        async with asyncio.timeout(timeout):
            data, stamp = await asyncio.to_thread(read)
    except TimeoutError:
        raise FetchFailure(f"timed out after {human_seconds(timeout)} s") from None
    except FileNotFoundError:
        raise FetchFailure(f"no such file: {path}") from None
    except IsADirectoryError:
        raise FetchFailure(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise FetchFailure(f"permission denied: {path}") from None
    except OSError as exc:
        raise FetchFailure(f"could not read {path}: {exc.strerror or 'error'}") from None
    if data is not None and len(data) > max_bytes:
        raise FetchFailure(f"the file is larger than {human_size(max_bytes)}")
    return data, stamp
