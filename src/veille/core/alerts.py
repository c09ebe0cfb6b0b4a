"""Alerts of the watch rules: tell the user when new items match, the way they asked.

A `[[watch]]` entry may ask for a desktop notification (`notify`, through `notify-send` where
there is one), a command run with the matching items as JSON on its standard input (`command`,
no shell), or a JSON POST to a URL (`post`: ntfy, a webhook). A refresh sends at most one alert
per rule, listing every new item it matched. An alert that fails is noted on the watch
(`veille watch list`) and in the refresh's report; it never stops the refresh or the other
alerts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from typing import TYPE_CHECKING, Any

from veille.core.text import clean_line

if TYPE_CHECKING:
    from veille.core.library import Library
    from veille.core.settings import WatchSettings

ALERT_TIMEOUT = 15.0  # seconds for one notification, command or POST
STATE_KEY = "watch-alert:"  # + the rule's name: when its last alert went, and how


def send_alerts(lib: Library, watches: list[WatchSettings], new_ids: list[int]) -> dict[str, str]:
    """Alert for each watch asking for it whose rule matched new items; name → "" when every
    alert went, else what failed, in plain words."""
    outcome: dict[str, str] = {}
    if not new_ids:
        return outcome
    for watch in watches:
        if not watch.alerts:
            continue
        try:
            matched = lib.rule_matches(watch.name, new_ids)
        except Exception as error:  # a rule that cannot run must not stop the others
            outcome[watch.name] = f"the rule could not run: {error}"
            continue
        if not matched:
            continue
        payload = _payload(watch, lib, matched)
        failures = [
            f
            for f in (_notify(watch, payload), _command(watch, payload), _post(watch, payload))
            if f
        ]
        outcome[watch.name] = "; ".join(failures)
        lib.set_state(
            STATE_KEY + watch.name,
            json.dumps({"at": time.time(), "items": len(matched), "error": outcome[watch.name]}),
        )
    return outcome


def last_alert(lib: Library, name: str) -> dict[str, Any]:
    """What the watch's last alert did: {"at", "items", "error"}, or {} if none went."""
    raw = lib.get_state(STATE_KEY + name)
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _payload(watch: WatchSettings, lib: Library, ids: list[int]) -> dict[str, Any]:
    items = lib.items_by_id(ids)
    return {
        "watch": watch.name,
        "query": watch.query,
        "count": len(items),
        "items": [
            {
                "id": item.id,
                "title": item.title,
                "url": item.url,
                "feed": item.feed_title,
                "published": item.published.isoformat() if item.published else None,
            }
            for item in items
        ],
    }


def _notify(watch: WatchSettings, payload: dict[str, Any]) -> str:
    program = shutil.which("notify-send") if watch.notify else None
    if program is None:  # asked for where there is no desktop: nothing to show it on
        return ""
    titles = "\n".join(clean_line(i["title"], 120) for i in payload["items"][:5])
    summary = clean_line(f"veille · {watch.name}: {payload['count']} new", 200)
    try:
        subprocess.run(
            [program, "--app-name=veille", "--", summary, titles],  # a title is never an option
            timeout=ALERT_TIMEOUT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"the desktop notification failed ({type(error).__name__})"
    return ""


def _command(watch: WatchSettings, payload: dict[str, Any]) -> str:
    if not watch.command:
        return ""
    from veille.core.ingest.commands import CommandFailed, command_argv

    try:
        argv = command_argv(watch.command)
        done = subprocess.run(
            argv,
            input=json.dumps(payload, ensure_ascii=False).encode(),
            timeout=ALERT_TIMEOUT,
            capture_output=True,
            start_new_session=True,
        )
    except CommandFailed as failure:
        return failure.message
    except subprocess.TimeoutExpired:
        return f"the alert command did not finish within {ALERT_TIMEOUT:g} s"
    except OSError as error:
        name = clean_line(watch.command.split()[0] if watch.command.split() else "", 80)
        return f"the alert command {name} could not run: {error.strerror or error}"
    if done.returncode != 0:
        said = clean_line(done.stderr.decode("utf-8", "replace"), 300)
        return f"the alert command failed (exit status {done.returncode})" + (
            f": {said}" if said else ""
        )
    return ""


def _post(watch: WatchSettings, payload: dict[str, Any]) -> str:
    if not watch.post:
        return ""
    import httpx

    from veille.core.redact import redact_url

    try:
        response = httpx.post(
            watch.post,
            content=json.dumps(payload, ensure_ascii=False).encode(),
            headers={
                b"Content-Type": b"application/json",
                b"Title": f"veille: {watch.name}".encode(),
            },
            timeout=ALERT_TIMEOUT,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return f"the alert to {redact_url(watch.post)} failed ({type(error).__name__})"
    if response.status_code >= 300:
        return f"the alert to {redact_url(watch.post)} was refused (HTTP {response.status_code})"
    return ""
