"""Downloading an attachment (a podcast episode, a video, a PDF) into a folder of the user's.

The file comes through the same client as pages: http and https only, every redirect checked,
no private address unless it is one of the user's feeds' hosts. An episode or a video runs to
hundreds of megabytes, so its body is not read into memory: it streams to a hidden temporary
file in the target folder, within `download_max_bytes` (checked against the declared length
before the first byte, and against what arrives), and takes its name only when complete. A
download that fails or is stopped leaves nothing behind, and nothing is ever named like the
file it would have been.

Its name is the server's (`Content-Disposition`, `filename*` before `filename`), else the last
part of the address it finally came from, cleaned so that it is one plain file name inside the
folder: no separator, no `..`, no control or invisible character, no leading dot, at most
`MAX_NAME_BYTES`; a name taken gets ` (1)`, ` (2)`… rather than replacing a file.
"""

from __future__ import annotations

import mimetypes
import os
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote, urlsplit

from veille.core.errors import VeilleError
from veille.core.failure_words import failure_words
from veille.core.translations import _

if TYPE_CHECKING:
    import httpx

    from veille.core.home import Home

MAX_NAME_BYTES = 200  # of UTF-8: file systems allow 255, and a ` (12)` may be added
DEADLINE = 6 * 3600.0  # seconds for a whole download; a stalled one stops at the read timeout
PROGRESS_EVERY = 0.2  # seconds between two progress reports
_UNSAFE = re.compile(r'[\x00-\x1f\x7f:*?"<>|]+')

Progress = Callable[[int, int], None]
"""Told (bytes received, bytes announced or 0 when the server did not say) as they arrive."""


class DownloadFailed(VeilleError):
    """An attachment could not be downloaded; nothing was left in the folder."""


def default_folder() -> Path:
    """The system's downloads folder (platformdirs), where `downloads` is not set."""
    import platformdirs

    return Path(platformdirs.user_downloads_dir())


def disposition_name(header: str) -> str:
    """The file name a `Content-Disposition` header gives: its `filename*` (RFC 6266, in any
    charset) before its plain `filename`; "" without either."""
    from email.message import Message
    from email.utils import collapse_rfc2231_value

    if not header:
        return ""
    message = Message()
    message["content-disposition"] = header
    plain = starred = ""
    params: list[Any] = message.get_params([], header="content-disposition")
    for key, value in params[1:]:
        if key.lower() != "filename":
            continue
        if isinstance(value, tuple):  # `filename*`, decoded by its charset
            starred = starred or collapse_rfc2231_value(value)
        elif isinstance(value, str):
            plain = plain or value
    return starred or plain


def file_name(url: str, content_type: str = "", disposition: str = "") -> str:
    """A plain file name for what `url` serves: the server's (`disposition`) or the address's
    last path segment, stripped of anything a file system or a terminal would read as more
    than a name; an extension from the content type when the name has none."""
    raw = disposition_name(disposition)
    if not raw:
        try:
            raw = PurePosixPath(unquote(urlsplit(url).path)).name
        except ValueError:
            raw = ""
    segment = re.split(r"[/\\]", raw)[-1]  # a name with a path keeps only its last part
    name = unicodedata.normalize("NFC", "".join(c for c in segment if c.isprintable()))
    name = re.sub(r"\.{2,}", ".", _UNSAFE.sub("_", name)).strip(" .")
    if not name:
        name = "download"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        guessed = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
        stem, extension = name, guessed.lstrip(".")
    extension = extension[:16]
    room = MAX_NAME_BYTES - len(extension.encode()) - 1
    stem = stem.encode()[:room].decode("utf-8", "ignore").strip(" .") or "download"
    return f"{stem}.{extension}" if extension else stem


def _candidates(folder: Path, name: str) -> list[Path]:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    return [folder / name] + [folder / f"{stem} ({n}){suffix}" for n in range(1, 100)]


class _Saving:
    """Reads a successful answer's body into a temporary file in `folder`, within `limit`."""

    def __init__(self, folder: Path, limit: int, on_progress: Progress | None) -> None:
        self.folder = folder
        self.limit = limit
        self.on_progress = on_progress
        self.tmp: Path | None = None
        self.name = ""

    async def __call__(self, response: httpx.Response) -> bytes:
        from veille.core.ingest.decode import DecodeError, decoder_for
        from veille.core.ingest.failures import FetchFailure
        from veille.core.outfile import describe

        headers = response.headers
        declared = headers.get("content-length", "").strip()
        total = int(declared) if declared.isdigit() else 0
        if total > self.limit:
            raise FetchFailure(self._too_large())
        self.name = file_name(
            str(response.url),
            headers.get("content-type", ""),
            headers.get("content-disposition", ""),
        )
        try:
            decoder = decoder_for(headers.get("content-encoding", ""))
        except DecodeError as exc:
            raise FetchFailure(str(exc)) from None
        try:
            with self._open() as out:
                received = written = 0
                told = time.monotonic()
                async for chunk in response.aiter_raw():
                    received += len(chunk)
                    pieces = decoder.feed(chunk)
                    for piece in pieces:
                        written += len(piece)
                        if written > self.limit or received > self.limit:
                            raise FetchFailure(self._too_large())
                        out.write(piece)
                    if self.on_progress is not None and time.monotonic() - told > PROGRESS_EVERY:
                        told = time.monotonic()
                        self.on_progress(received, total)
                for piece in decoder.flush():
                    written += len(piece)
                    if written > self.limit:
                        raise FetchFailure(self._too_large())
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
        except DecodeError as exc:
            raise FetchFailure(str(exc)) from None
        except OSError as error:
            raise FetchFailure(describe(error, self.folder)) from None
        if self.on_progress is not None:
            self.on_progress(received, total or received)
        return b""  # the body is in the file

    def _open(self) -> BinaryIO:
        from veille.core.outfile import temp_beside

        self.tmp = temp_beside(self.folder / "download", private=False)
        return self.tmp.open("wb")

    def _too_large(self) -> str:
        from veille.core.ingest.failures import human_size

        return _(
            "the file is larger than {size}, the limit download_max_bytes sets in config.toml"
        ).format(size=human_size(self.limit))

    def publish(self) -> Path:
        """Give the complete file its name (a free one); the path it now has."""
        from veille.core.outfile import describe, publish

        assert self.tmp is not None
        for path in _candidates(self.folder, self.name):
            if path.parent != self.folder:  # cannot happen with a cleaned name; never elsewhere
                break
            if path.exists():
                continue
            try:
                publish(self.tmp, path, replace=False)
            except FileExistsError:
                continue
            except OSError as error:
                if path.exists():
                    continue
                # A file system without hard links (a FAT memory stick): the name is taken
                # first, so a file that appears meanwhile is never replaced.
                try:
                    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                except FileExistsError:
                    continue
                except OSError:
                    raise DownloadFailed(describe(error, path)) from None
                try:
                    os.replace(self.tmp, path)
                except OSError:
                    path.unlink(missing_ok=True)
                    raise DownloadFailed(describe(error, path)) from None
            self.tmp = None
            return path
        raise DownloadFailed(
            _("no free file name for {name} in {folder}").format(name=self.name, folder=self.folder)
        )

    def discard(self) -> None:
        if self.tmp is not None:
            try:
                self.tmp.unlink(missing_ok=True)
            except OSError:
                pass
            self.tmp = None


def _ready(folder: Path) -> Path:
    from veille.core.outfile import describe

    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder.resolve(strict=True)
    except OSError as error:
        raise DownloadFailed(describe(error, folder)) from None


async def download(v: Home, url: str, folder: Path, on_progress: Progress | None = None) -> Path:
    from veille.core.ingest.body import body_reader
    from veille.core.network import _fetcher, _online
    from veille.core.redact import redact_url

    _online(v, _("downloading"))
    saving = _Saving(_ready(folder), v.settings.download_max_bytes, on_progress)
    fetcher = _fetcher(v)
    fetcher.limits = replace(
        fetcher.limits, total_timeout=DEADLINE, max_bytes=v.settings.download_max_bytes
    )
    try:
        async with fetcher:
            token = body_reader.set(saving)
            try:
                result = await fetcher.fetch_page(url, accept="*/*")
            finally:
                body_reader.reset(token)
        if result.error or saving.tmp is None:
            reason = failure_words(result.error) or _("the server sent nothing")
            raise DownloadFailed(
                _("{url} was not downloaded: {reason}").format(url=redact_url(url), reason=reason)
            )
        return saving.publish()
    finally:
        saving.discard()
