"""Wall-clock rules of the digest: local times, time zones, DST, which occurrence is due.

A subscription says "09:00 in Europe/Berlin". Each local date has one occurrence:

* a local time that does not exist that day (spring forward, e.g. 02:30 in New York on the
  second Sunday of March) is moved forward by the length of the gap (03:30 local), which is what
  ``zoneinfo`` gives for ``fold=0``;
* a local time that happens twice (fall back, 01:30) is the first of the two.

The digest for a date is delivered once whichever way the clocks move, because the delivery
ledger is keyed by the local date, never by an instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME = "09:00"
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)$")


class BadSchedule(ValueError):
    """A time or time zone a user typed that cannot be used; the message says why."""


def parse_hhmm(text: str) -> str:
    """``9:00``, ``09:00``, ``0900``, ``21.30`` → ``HH:MM``; anything else raises ``BadSchedule``."""
    match = _HHMM.match(text.strip().lower())
    if not match:
        raise BadSchedule(f"“{text}” is not a time of day; write it as HH:MM, e.g. 09:00 or 17:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Asia/Shanghai``), or ``BadSchedule``."""
    cleaned = name.strip()
    if not cleaned or cleaned.startswith("/") or ".." in cleaned:
        raise BadSchedule(f"“{name}” is not a time zone; use an Area/City name such as Asia/Shanghai")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise BadSchedule(
            f"“{name}” is not a time zone I know; use an Area/City name such as Asia/Shanghai"
        ) from exc


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime (SQLite hands back naive datetimes; they are stored as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def occurrence(day: date, at: str, tz: ZoneInfo) -> datetime:
    """The UTC instant of the ``at`` local time on local date ``day`` (see the module notes on DST)."""
    hour, minute = (int(part) for part in at.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=tz)  # fold=0: first of a repeat, gap moves on
    instant = local.astimezone(UTC)
    return instant


@dataclass(frozen=True)
class Occurrence:
    digest_date: date  # the local date the digest is for
    scheduled: datetime  # UTC instant it is due
    deadline: datetime  # UTC instant after which it is missed


def recent_occurrences(
    now: datetime, at: str, tz_name: str, catchup: timedelta, not_before: datetime | None = None
) -> list[Occurrence]:
    """Occurrences already due at ``now`` (yesterday's and today's local dates), oldest first.

    ``not_before`` (the subscription's creation) excludes occurrences from before it existed, so
    a channel subscribing at 10:00 to a 09:00 digest gets its first one tomorrow.
    """
    tz = zone(tz_name)
    now = as_utc(now)
    today = now.astimezone(tz).date()
    found: list[Occurrence] = []
    for day in (today - timedelta(days=1), today):
        scheduled = occurrence(day, at, tz)
        if scheduled > now:
            continue
        if not_before is not None and scheduled < as_utc(not_before):
            continue
        found.append(Occurrence(day, scheduled, scheduled + catchup))
    return found


def next_occurrence(now: datetime, at: str, tz_name: str) -> datetime:
    """The next UTC instant at which this schedule is due (for confirmations)."""
    tz = zone(tz_name)
    now = as_utc(now)
    day = now.astimezone(tz).date()
    for offset in range(3):
        instant = occurrence(day + timedelta(days=offset), at, tz)
        if instant > now:
            return instant
    raise AssertionError("a daily schedule is always due within three days")


def local_label(instant: datetime, tz_name: str) -> str:
    """``Tue 25 Nov 09:00 CST`` in the subscription's zone."""
    local = as_utc(instant).astimezone(zone(tz_name))
    return local.strftime("%a %d %b %H:%M ") + (local.tzname() or tz_name)
