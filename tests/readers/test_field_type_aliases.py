"""Vendor field types ``K`` (漢字) and ``J`` (日本語) are the DBCS text type ``N``."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chukan_layout.readers.definition import FieldDef, FieldType


@pytest.mark.parametrize("letter", ["K", "J", "k", "j", "N"])
def test_k_and_j_are_dbcs(letter: str) -> None:
    assert FieldDef(name="shimei", start=1, length=20, type=letter).type is FieldType.DBCS  # type: ignore[arg-type]


def test_unknown_type_still_fails() -> None:
    with pytest.raises(ValidationError):
        FieldDef(name="x", start=1, length=2, type="Q")  # type: ignore[arg-type]
