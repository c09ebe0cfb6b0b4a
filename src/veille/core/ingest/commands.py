"""Command feeds: a program of the user's that prints a feed (`exec:`), or rewrites one (`filter:`).

Only the user's own config or import makes a command feed (the library keeps which feeds are
commands apart from their addresses); no feed, page or redirect can name a command to run. The
command line is split as a shell would split words, `~` expanded, and run without a shell: no
pipes, no substitutions, nothing a quote could smuggle in. It runs in a session of its own, so
that a timeout or an output past the cap stops it and whatever it started; its standard error
becomes the feed's error when it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal

from veille.core.text import clean_line

MAX_ERROR = 500  # characters of the command's standard error shown as the feed's error


class CommandFailed(Exception):
    """The command could not give a feed; `message` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def command_argv(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise CommandFailed(f"the command cannot be read: {error}") from None
    if not argv:
        raise CommandFailed("the command is empty")
    return [os.path.expanduser(argv[0]), *argv[1:]]


STOP_WAIT = 5.0  # seconds a stopped command's pipes are given to close


async def run_command(
    command: str,
    *,
    stdin: bytes | None = None,
    timeout: float,
    max_bytes: int,
    private: bool = False,
) -> bytes:
    """What `command` prints, given `stdin`; raises CommandFailed in plain words.

    A `private` command prints a secret (a password command): it is named by its program
    alone and its standard error is not told, since either may hold what it guards."""
    argv = command_argv(command)
    # Named by its program and first argument: `python flux.py`, not the interpreter alone.
    shown = argv[:1] if private else argv[:2]
    name = " ".join(os.path.basename(a) for a in shown if a and not a.startswith("-"))
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        raise CommandFailed(f"could not run {name}: {error.strerror or error}") from None
    assert process.stdout is not None and process.stderr is not None
    errors = bytearray()

    async def feed_input() -> None:
        if stdin is not None and process.stdin is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                process.stdin.write(stdin)
                await process.stdin.drain()
            process.stdin.close()

    async def read_errors() -> None:
        assert process.stderr is not None
        while chunk := await process.stderr.read(65536):
            if len(errors) < 65536:
                errors.extend(chunk[: 65536 - len(errors)])

    async def read_output() -> bytes:
        assert process.stdout is not None
        out = bytearray()
        while chunk := await process.stdout.read(65536):
            out.extend(chunk)
            if len(out) > max_bytes:
                raise CommandFailed(
                    f"{name} printed more than {max_bytes // (1024 * 1024)} MiB; it was stopped"
                )
        return bytes(out)

    try:
        async with asyncio.timeout(timeout):
            _, _, out = await asyncio.gather(feed_input(), read_errors(), read_output())
            status = await process.wait()
    except TimeoutError:
        _stop(process)
        raise CommandFailed(f"{name} did not finish within {timeout:g} s; it was stopped") from None
    except CommandFailed:
        _stop(process)
        raise
    finally:
        if process.returncode is None:
            _stop(process)
            # What it printed past the cap is read and dropped: a pipe no longer read is never
            # closed, and asyncio tells a process's end only once its pipes are.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(STOP_WAIT):
                    await asyncio.gather(_drain(process.stdout), _drain(process.stderr))
                    await process.wait()
    if status != 0:
        said = "" if private else clean_line(errors.decode("utf-8", "replace"), MAX_ERROR)
        how = f"exit status {status}" if status > 0 else f"signal {-status}"
        raise CommandFailed(f"{name} failed ({how})" + (f": {said}" if said else ""))
    return out


async def _drain(stream: asyncio.StreamReader) -> None:
    # A stream still read by its own reader (standard error, when the output ran over) is
    # left to it: it reads to the end, and a second reader is refused.
    with contextlib.suppress(RuntimeError):
        while await stream.read(65536):
            pass


def _stop(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
