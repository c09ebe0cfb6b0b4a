"""Two-way sync with FreshRSS and Miniflux over the Google Reader API.

The server fetches the feeds of an account; veille keeps its read marks, stars, tags and
subscriptions in step with it. Modules: `accounts` (settings and secrets, outside the library),
`names` (ids, labels, titles as servers spell them), `client` (the HTTP client and the servers'
quirks), `journal` (local changes pending, the base of the three-way merge), `merge` (the
three-way rules), `feeds` (subscriptions and folders), `items` (the state of known items), `incoming` (items
never seen), `run` (one
sync of one account) and `status`.
"""
