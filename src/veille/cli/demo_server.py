"""The demo's article pages, served on 127.0.0.1 while the demo runs, so `f` fetches them as
it would any site's — through the same client, limits and address policy.

The port is chosen when the demo home is made and written into its config.toml as the one
private address the demo may read from (`[network] allow`); nothing else of the machine is
reachable, and nothing leaves it.
"""

from __future__ import annotations

import socket
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def pages_site(port: int) -> str:
    return f"http://{HOST}:{port}/pages/"


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the demo folder's files; says nothing on the terminal the app is drawing."""

    def log_message(self, format: str, *args: Any) -> None:
        return


class DemoServer:
    """The demo folder on `port`, in a thread of its own, until `stop`."""

    def __init__(self, folder: Path, port: int) -> None:
        self._server: ThreadingHTTPServer | None = None
        try:
            self._server = ThreadingHTTPServer((HOST, port), partial(_Quiet, directory=str(folder)))
        except OSError:
            return  # the port is taken: `f` will say it could not connect, the rest reads on
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def start_demo_server(root: Path) -> DemoServer | None:
    """Serve the demo home at `root` on the port it was made with (None: not a demo home)."""
    port_file = root / "demo" / "port"
    try:
        port = int(port_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return DemoServer(root / "demo", port)
