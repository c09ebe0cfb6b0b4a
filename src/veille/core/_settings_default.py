"""The commented defaults of config.toml, which `veille config` prints.

Kept apart from the settings they describe so that `settings.py` stays about reading them.
"""

from __future__ import annotations

from veille.core.reviewsettings import REVIEW_CONFIG

DEFAULT_CONFIG = """\
# veille configuration. Every key is optional; the values below are the defaults.

# lang = "fr"               # "fr" or "en": the app, messages, dates and exports. Unset, the
                            # locale's language (LANG) decides for all of them
theme = ""                  # a Textual theme name, e.g. "nord"; empty keeps the last one used
full_text = "auto"          # default full-text policy: "auto", "always" or "never"
cache_size = 1073741824     # full-text cache limit in bytes (1 GiB)
cluster_mark_read = true    # reading one source of a story marks the others read
reading_width = 72          # columns the article's text is wrapped to at most
images = "auto"             # pictures in the reader, fetched like pages: "auto" (the
                            # terminal's graphics, else half blocks), "kitty", "sixel",
                            # "iterm", "halfblock", or "off" ([image] labels only)
# downloads = "~/Downloads" # where attachments go (d in the link list); unset: the system's
download_max_bytes = 2147483648  # largest attachment downloaded (2 GiB)

[refresh]
concurrency = 32            # feeds fetched at once
per_host = 4                # requests to one host at once
connect_timeout = 10.0      # seconds
read_timeout = 20.0         # seconds between two bytes
total_timeout = 60.0        # seconds for a whole request
max_bytes = 16777216        # largest response body, after decompression (16 MiB)
max_redirects = 10
slow_after = 5.0            # seconds before a host still answering counts as slow
deadline = 90.0             # seconds for a whole refresh, full text included
# every = "30m"             # `veille refresh --due` reads a feed at most this often
auto_refresh = 0            # minutes between refreshes of the due feeds in the app; 0: off

[sync]
every = 0                   # minutes between syncs with your accounts in the app; 0: after R only

[network]
allow = []                  # private hosts full texts may come from, besides your feeds' own:
                            # "nas.local" (any port), "wiki.lan:8080", "192.168.1.0/24"
proxy = ""                  # "socks5://127.0.0.1:9050" (Tor), "http://proxy:3128", "direct";
                            # empty follows HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY

# [keys]                    # binding id = "keys"; see the help screen (?) for ids
# star = "s"

# [pipe.words]             # `|` in the app pipes the item to a command (no shell)
# command = ["wc", "-w"]    # the command and its arguments
# format = "text"           # "text" (title, address, text) or "json"
# timeout = 10.0            # seconds before the command is stopped

# [sites."www.example.fr"]  # full-text rule and subscriber access for one host (port 443;
#                           # "host:port" for another); cookies and headers go over https only
# content = "article .body" # CSS selector of the article
# remove = [".related", ".newsletter"]
# cookies = { session = "..." }    # kept secret: never printed, logged or exported
# headers = { Authorization = "..." }

# [feeds."https://www.example.fr/rss.xml"]
# full_text = "always"
# proxy = "socks5://127.0.0.1:9050"   # this feed's host through its own proxy
# every = "2h"                        # read at most this often by `veille refresh --due`

# [[watch]]
# name = "Biométrie"
# query = '"reconnaissance faciale" OR biométrie'
# add_tags = ["surveillance/biométrie"]
# star = false
# mark_read = false
# hide = false
# notify = false            # a desktop notification when new items match (notify-send)
# command = ""              # run with the matching items as JSON on standard input
# post = ""                 # POST them as JSON to this URL (ntfy, a webhook)
"""
DEFAULT_CONFIG += REVIEW_CONFIG
