"""Date lines: every form is read, and every form is checked against the calendar."""

from __future__ import annotations

import pytest

from reader.dates import crawler_date, is_date_line, is_relative, parse_date


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("November 23, 2024", "2024-11-23"),
        ("Nov 5, 2024 10:41 GMT", "2024-11-05"),
        ("Jan. 5, 2025", "2025-01-05"),
        ("Published on: March 3, 2025", "2025-03-03"),
        ("Updated: 7 July 2025 | 14:05", "2025-07-07"),
        ("7 Temmuz 2025", "2025-07-07"),
        ("7 de julio de 2025", "2025-07-07"),
        ("3. März 2024", "2024-03-03"),
        ("12 février 2024", "2024-02-12"),
        ("2024-11-23", "2024-11-23"),
        ("2024-11-23T08:30:00Z", "2024-11-23"),
        ("February 29, 2024", "2024-02-29"),
    ],
)
def test_date_forms_read_as_iso(line: str, iso: str) -> None:
    assert parse_date(line) == iso
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    ["February 31, 2024", "February 29, 2023", "31 Nisan 2024", "2024-02-30", "0000-01-01", "April 31, 2025"],
)
def test_days_the_calendar_lacks_are_no_date_but_still_a_date_line(line: str) -> None:  # issue 7, item 18
    assert parse_date(line) is None
    assert is_date_line(line)  # so the header still takes it as its date line (published null)


@pytest.mark.parametrize(
    "line",
    [
        "2024-13-01",
        "Mayor 5, 2024",
        "May 32, 2024",
        "2024-00-10",
        "The vote is on May 5, 2024",
        "5 hours ago",
        "",
        "Tuesday",
    ],
)
def test_other_lines_are_not_dates(line: str) -> None:
    assert parse_date(line) is None
    assert not is_date_line(line)


@pytest.mark.parametrize(
    ("stamp", "iso"),
    [("2025-07-07", "2025-07-07"), ("2025-07", "2025-07"), ("2025-02-30", None), ("2025-13", None), ("0000-01", None)],
)
def test_crawler_stamps_are_checked(stamp: str, iso: str | None) -> None:
    assert crawler_date(stamp) == iso


@pytest.mark.parametrize("line", ["3 hours ago", "an hour ago", "Updated 5 mins ago", "yesterday", "Just now"])
def test_relative_dates(line: str) -> None:
    assert is_relative(line)
    assert parse_date(line) is None
