"""Reading a feed's fields takes short cuts for the common case; each gives what the general
function gives, on hostile input as well as ordinary.

Every item of every feed has its link joined to the feed's address, its date read and its text
fields cleaned of control characters: `join_url` skips `urljoin`'s two parses for a plain absolute
link, `parse_date` reads a plain RFC 822 date from its own match, and `strip_controls` returns a
printable text as it is. These properties hold each to the definition it stands in for.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from hypothesis import example, given, settings
from hypothesis import strategies as st

from veille.core.ingest.addresses import join_url
from veille.core.ingest.dates import _rfc822, parse_date
from veille.core.text import strip_controls

BASES = [
    "https://www.example.fr/rubrique/flux.xml",
    "http://example.org/",
    "",
    "ftp://files.example/",
    "HTTP://Example.ORG/a;b?q#f",
    "http://[::1]:8080/feed",
    "http://[broken/",
]
HOST = st.text("abcXYZ019.-", min_size=1, max_size=12)
PATH = st.text("abcXYZ019-._~!$&'()*+,;=:@%/", max_size=20)
LINKS = st.one_of(
    st.builds(
        "{}://{}{}{}".format,
        st.sampled_from(["http", "https", "HTTP", "Https", "ftp"]),
        HOST,
        st.sampled_from(["", ":80", ":0", ":99999", ":443"]),
        st.one_of(st.just(""), PATH.map("/{}".format)),
    ),
    PATH,
    st.text(max_size=30),
)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(BASES), LINKS)
@example("http://example.org/", "http://example.org/a/b;")  # `urljoin` drops an empty `;`
@example("http://example.org/", "http://example.org/a;/b;c")
@example("http://example.org/a/", "../b")
def test_joining_a_link_gives_what_urljoin_gives(base: str, href: str) -> None:
    try:
        expected = urljoin(base, href)
    except ValueError:  # an address `urljoin` cannot read: the link stays as given
        expected = href
    assert join_url(base, href) == expected


DAYS = st.sampled_from(["", "Mon, ", "Thu, ", "Sun, "])
DAY = st.sampled_from(["1", "05", "9", "28", "29", "30", "31", "0", "00", "99"])
MONTH = st.sampled_from(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
)
YEAR = st.sampled_from(["2026", "2024", "1999", "1900", "0024", "0069", "0070", "0000", "9999"])
CLOCK = st.builds(
    "{:02d}:{:02d}{}".format,
    st.integers(0, 25),
    st.integers(0, 61),
    st.one_of(st.just(""), st.integers(0, 61).map(":{:02d}".format)),
)
ZONE = st.sampled_from(["+0100", "-0000", "+0000", "-0930", "+1459", "+9999", "GMT", "UT", "UTC"])


@settings(max_examples=3000, deadline=None)
@given(DAYS, DAY, MONTH, YEAR, CLOCK, ZONE)
@example("Thu, ", "05", "Feb", "0024", "08:20:00", "+0100")  # a padded two-digit year
@example("", "29", "Feb", "2026", "08:20", "GMT")  # no such day
def test_a_plain_rfc822_date_reads_as_the_standard_library_reads_it(
    weekday: str, day: str, month: str, year: str, clock: str, zone: str
) -> None:
    raw = f"{weekday}{day} {month} {year} {clock} {zone}"
    assert parse_date(raw) == _rfc822(raw)


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=40))
@example("Titre\r\nsuite\rfin\x1b[31m\x9b\x00")
@example("déjà\u00a0vu\u2028")
def test_removing_controls_is_the_same_whether_the_text_is_printable_or_not(text: str) -> None:
    plain = re.sub(
        r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text.replace("\r\n", "\n").replace("\r", "\n")
    )
    assert strip_controls(text) == plain
