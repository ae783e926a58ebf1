"""Schedules in the channel's own zone: DST gaps and repeats, Shanghai, catch-up windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.digest.timing import BadSchedule, next_occurrence, occurrence, parse_hhmm, recent_occurrences, zone
from tests.digest.helpers import at

SIX_HOURS = timedelta(hours=6)


def test_new_york_before_and_after_the_march_change() -> None:
    ny = zone("America/New_York")
    assert occurrence(date(2026, 3, 7), "09:00", ny) == at("2026-03-07 14:00")  # EST, UTC-5
    assert occurrence(date(2026, 3, 8), "09:00", ny) == at("2026-03-08 13:00")  # EDT, UTC-4
    assert occurrence(date(2026, 10, 31), "09:00", ny) == at("2026-10-31 13:00")
    assert occurrence(date(2026, 11, 1), "09:00", ny) == at("2026-11-01 14:00")  # back to EST


def test_a_time_missing_on_spring_forward_day_moves_on_by_the_gap() -> None:
    ny = zone("America/New_York")
    # 02:30 does not exist on 2026-03-08: delivered at 03:30 EDT (07:30 UTC), once
    assert occurrence(date(2026, 3, 8), "02:30", ny) == at("2026-03-08 07:30")
    due = recent_occurrences(at("2026-03-08 07:31"), "02:30", "America/New_York", SIX_HOURS)
    assert [o.digest_date for o in due] == [date(2026, 3, 7), date(2026, 3, 8)]
    assert recent_occurrences(at("2026-03-08 07:29"), "02:30", "America/New_York", SIX_HOURS)[
        -1
    ].digest_date == date(2026, 3, 7)


def test_a_repeated_time_on_fall_back_day_is_the_first_one() -> None:
    ny = zone("America/New_York")
    first = occurrence(date(2026, 11, 1), "01:30", ny)
    assert first == at("2026-11-01 05:30")  # 01:30 EDT, not 01:30 EST (06:30 UTC)
    # at 06:45 UTC (the second 01:30 has passed too) there is still one occurrence for the date
    dates = [
        o.digest_date
        for o in recent_occurrences(at("2026-11-01 06:45"), "01:30", "America/New_York", SIX_HOURS)
    ]
    assert dates.count(date(2026, 11, 1)) == 1


def test_shanghai_has_no_dst_and_its_own_date() -> None:
    sh = zone("Asia/Shanghai")
    assert occurrence(date(2026, 3, 8), "09:00", sh) == at("2026-03-08 01:00")
    assert occurrence(date(2026, 7, 1), "09:00", sh) == at("2026-07-01 01:00")
    # 20:00 UTC on 7 March is already 04:00 on 8 March in Shanghai: the 8 March digest is not yet due
    due = recent_occurrences(at("2026-03-07 20:00"), "09:00", "Asia/Shanghai", SIX_HOURS)
    assert [o.digest_date for o in due] == [date(2026, 3, 7)]
    assert next_occurrence(at("2026-03-07 20:00"), "09:00", "Asia/Shanghai") == at("2026-03-08 01:00")


def test_catch_up_deadline_and_subscriptions_created_after_the_hour() -> None:
    due = recent_occurrences(at("2026-05-02 14:00"), "09:00", "UTC", SIX_HOURS)
    today = due[-1]
    assert today.scheduled == at("2026-05-02 09:00") and today.deadline == at("2026-05-02 15:00")
    created_late = recent_occurrences(
        at("2026-05-02 14:00"), "09:00", "UTC", SIX_HOURS, not_before=at("2026-05-02 10:00")
    )
    assert created_late == []


@pytest.mark.parametrize(
    "raw,expected", [("9:00", "09:00"), ("0930", "09:30"), ("21.45", "21:45"), ("23:59", "23:59")]
)
def test_times(raw: str, expected: str) -> None:
    assert parse_hhmm(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "9", "nine", "12:60", ""])
def test_bad_times(raw: str) -> None:
    with pytest.raises(BadSchedule):
        parse_hhmm(raw)


@pytest.mark.parametrize("raw", ["Mars/Olympus", "../etc/passwd", "", "/usr/share/zoneinfo/UTC"])
def test_bad_zones(raw: str) -> None:
    with pytest.raises(BadSchedule):
        zone(raw)
