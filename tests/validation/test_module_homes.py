"""``checks_date`` hands out the date parse from its home, ``_parsed_dates``.

The tests (test_fast_paths, test_compact_kernels) reach ``parse_dates`` through ``checks_date``, and
its checks call that very function: a re-export, not a copy that could drift apart.
"""

from __future__ import annotations

from chukan_layout.validation import _parsed_dates, checks_date


def test_checks_date_hands_out_the_parse_of_its_home() -> None:
    assert checks_date.parse_dates is _parsed_dates.parse_dates
    assert checks_date.build_date.__module__ == "chukan_layout.validation.checks_date"
