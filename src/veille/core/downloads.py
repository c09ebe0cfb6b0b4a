"""Downloading an attachment (a podcast episode, a video, a PDF) into a folder of the user's.

The file comes through the same client as pages: the same size and time limits, http and https
only, no private address unless it is one of the user's feeds' hosts. Its name comes from the
address, cleaned so that it is one plain file name inside the folder, never over a file already
there; it is written beside its final name and moved there only when complete.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from veille.core.errors import VeilleError
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.home import Home

MAX_NAME = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class DownloadFailed(VeilleError):
    """An attachment could not be downloaded; nothing was left in the folder."""


def default_folder() -> Path:
    """The system's downloads folder (platformdirs), where `downloads` is not set."""
    import platformdirs

    return Path(platformdirs.user_downloads_dir())


def file_name(url: str, content_type: str = "") -> str:
    """A plain file name for what `url` serves: its last path segment, decoded and stripped of
    anything a file system or a terminal would read as more than a name; an extension from the
    content type when the address has none."""
    try:
        segment = PurePosixPath(unquote(urlsplit(url).path)).name
    except ValueError:
        segment = ""
    name = unicodedata.normalize("NFC", "".join(c for c in segment if c.isprintable()))
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = "download"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        guessed = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
        stem, extension = name, guessed.lstrip(".")
    extension = extension[:16]
    stem = stem[: MAX_NAME - len(extension) - 1] or "download"
    return f"{stem}.{extension}" if extension else stem


def _candidates(folder: Path, name: str) -> list[Path]:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    return [folder / name] + [folder / f"{stem} ({n}){suffix}" for n in range(1, 100)]


def save(folder: Path, name: str, body: bytes) -> Path:
    """Write `body` as `name` in `folder` (or `name (1)`, … when taken); the path written."""
    from veille.core.outfile import OutputError, describe, write_with

    try:
        folder.mkdir(parents=True, exist_ok=True)
        root = folder.resolve(strict=True)
    except OSError as error:
        raise DownloadFailed(describe(error, folder)) from None

    def fill(tmp: Path) -> None:
        tmp.write_bytes(body)

    for path in _candidates(root, name):
        if path.parent != root:  # cannot happen with a cleaned name; never write elsewhere
            break
        if path.exists():
            continue
        try:
            write_with(path, fill, private=False, replace=False)
        except FileExistsError:
            continue
        except OutputError as error:
            raise DownloadFailed(str(error)) from None
        return path
    raise DownloadFailed(
        _("no free file name for {name} in {folder}").format(name=name, folder=root)
    )


async def download(v: Home, url: str, folder: Path) -> Path:
    from veille.core.network import _fetcher, _online
    from veille.core.redact import redact_url

    _online(v, _("downloading"))
    async with _fetcher(v) as fetcher:
        result = await fetcher.fetch_page(url, accept="*/*")
    if result.error or result.body is None:
        reason = result.error or _("the server sent nothing")
        raise DownloadFailed(
            _("{url} was not downloaded: {reason}").format(url=redact_url(url), reason=reason)
        )
    return save(folder, file_name(url, result.content_type), result.body)
