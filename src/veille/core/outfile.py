"""Writing a file the user asked for: whole or not at all, with its final mode from the first byte.

Exports, backups and state files are written to a temporary file in the target's own folder,
created with the mode the finished file will have (0600 for anything private, else what the
umask gives), flushed to disk, then renamed over the target. Whatever goes wrong on the way (a
full disk, a file size limit, a missing folder), the temporary file is removed and a file that
was there before keeps every byte. A target that is a device or a pipe (`/dev/stdout`,
`/dev/full`) cannot be renamed over: it is written directly.

Failures are `OutputError`s, one sentence naming the path and what happened.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from veille.core.errors import VeilleError
from veille.core.translations import _

PRIVATE = 0o600
PUBLIC = 0o666  # narrowed by the umask, as any file the user creates


class OutputError(VeilleError):
    """An output file could not be written; nothing was changed."""


def describe(error: OSError, path: Path | str) -> str:
    """What happened to `path`, in words a user can act on."""
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full ({path})").format(path=path)
    if code == errno.EFBIG:
        return _("{path} would be larger than this system allows a file to be").format(path=path)
    if code == errno.EISDIR:
        return _("{path} is a folder; give a file name").format(path=path)
    if code == errno.ENOTDIR:
        return _("a part of {path} is a file, not a folder").format(path=path)
    if code == errno.ENOENT:
        return _("the folder of {path} does not exist").format(path=path)
    if code in (errno.EACCES, errno.EPERM):
        return _("permission denied for {path}").format(path=path)
    if code == errno.EROFS:
        return _("{path} is on a read-only file system").format(path=path)
    return _("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error)


def check_target(path: Path) -> None:
    """Refuse, before any work, a target that cannot be a file: empty, a folder, no folder."""
    if not str(path) or not path.name:
        raise OutputError(_("the output file name is empty"))
    if path.is_dir():
        raise OutputError(_("{path} is a folder; give a file name").format(path=path))
    parent = path.parent
    if not parent.is_dir():
        if parent.exists():
            raise OutputError(_("{parent} is a file, not a folder").format(parent=parent))
        raise OutputError(
            _("the folder {parent} does not exist; nothing was written").format(parent=parent)
        )


def is_device(path: Path) -> bool:
    """A character device, a pipe or a socket: written in place, never renamed over."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def temp_beside(path: Path, *, private: bool) -> Path:
    """A new, empty file next to `path`, already with its final mode (the caller fills it)."""
    mode = PRIVATE if private else PUBLIC
    while True:
        tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp


def sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which is no failure."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish(tmp: Path, path: Path, *, replace: bool = True) -> None:
    """Move a finished `tmp` to `path` (never over an existing file when `replace` is False)."""
    if replace:
        os.replace(tmp, path)
    else:
        os.link(tmp, path)  # fails if `path` exists: two writers never share a name
        tmp.unlink()
    _sync_folder(path.parent)


def write_with(
    path: Path, fill: Callable[[Path], None], *, private: bool, replace: bool = True
) -> None:
    """Create `path` by letting `fill` write a temporary file beside it, then moving it there.

    `fill` may raise anything; the temporary file is removed and the error goes on (an
    `OSError` as an `OutputError` in plain words).
    """
    check_target(path)
    try:
        tmp = temp_beside(path, private=private)
    except OSError as error:
        raise OutputError(
            _("{error}; nothing was written").format(error=describe(error, path))
        ) from None
    try:
        fill(tmp)
        sync_file(tmp)
        publish(tmp, path, replace=replace)
    except OSError as error:
        _remove(tmp)
        if isinstance(error, FileExistsError) and not replace:
            raise
        raise OutputError(f"{describe(error, path)}; {_left(path)}") from None
    except BaseException:
        _remove(tmp)
        raise


def write_output(path: Path, data: str | bytes, *, private: bool = False) -> None:
    """Write `data` (text as UTF-8) to `path` atomically, or directly if it is a device."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if is_device(path):
        try:
            with path.open("wb") as handle:
                handle.write(raw)
        except OSError as error:
            raise OutputError(
                _("{error}; nothing was written").format(error=describe(error, path))
            ) from None
        return

    def fill(tmp: Path) -> None:
        with tmp.open("wb") as handle:
            handle.write(raw)

    write_with(path, fill, private=private)


def _left(path: Path) -> str:
    return _("the previous file was left as it was") if path.exists() else _("nothing was written")


def _remove(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass
