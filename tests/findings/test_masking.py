"""Sample values masked by the item's sensitivity (findings._masking)."""

from __future__ import annotations

from chukan_layout.findings import mask_value


def test_masking_kinds():
    assert mask_value("山田　太郎", "name") == "山＊＊＊＊"
    assert mask_value("1985-04-12", "birth_date") == "1985-**-**"
    assert mask_value("東京都千代田区千代田1-1", "address").startswith("東京都千")
    assert mask_value("abc", "none") == "abc"


def test_the_docstring_examples_hold() -> None:
    import doctest

    from chukan_layout.findings import _masking

    got = doctest.testmod(_masking)
    assert got.attempted >= 4 and got.failed == 0
