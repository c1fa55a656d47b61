"""``chukan_layout.findings`` hands out its parts' objects: the codes and the masking moved to
private modules, and every name other code imports from ``findings`` is the very object of its home."""

from __future__ import annotations

import pytest

from chukan_layout import findings
from chukan_layout.findings import _codes, _masking

HOMES = [
    *[
        (n, _codes)
        for n in ["RULE_PREFIX", "FindingCode", "Severity", "check_override", "check_rule_names", "get_code",
                  "register_code", "registered_codes"]
    ],
    ("Sensitivity", _masking),
    ("mask_value", _masking),
]  # fmt: skip


@pytest.mark.parametrize(("name", "home"), HOMES, ids=[n for n, _ in HOMES])
def test_findings_hands_out_the_home_s_object(name: str, home: object) -> None:
    assert getattr(findings, name) is getattr(home, name)


def test_the_aggregate_stays_in_findings() -> None:
    for n in ["FindingSet", "Sample", "merge_all"]:
        assert getattr(findings, n).__module__ == "chukan_layout.findings", n
    assert sorted(findings.__all__) == sorted(
        [n for n, _ in HOMES] + ["FindingSet", "Key", "Sample", "merge_all"]
    )
