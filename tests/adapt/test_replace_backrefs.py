"""``replace`` with ``regex: true`` supports backreferences, written in YAML as documented."""

from __future__ import annotations

import pyarrow as pa
import yaml

from chukan_layout.adapt.transforms.base import builtin_transforms


def test_backreferences_from_yaml(ctx) -> None:
    for text in (
        "{old: '(\\d+)丁目', new: '\\1-', regex: true}",
        '{old: "(\\\\d+)丁目", new: "\\\\1-", regex: true}',
    ):
        args = yaml.safe_load(text)
        cls = builtin_transforms()["replace"]
        out = cls(cls.Args(**args)).apply([pa.array(["1丁目2番", "3丁目", "なし"])], ctx(3))
        assert out.to_pylist() == ["1-2番", "3-", "なし"]
    cls = builtin_transforms()["replace"]
    swap = cls(cls.Args(old=r"^(\S+)　(\S+)$", new=r"\2　\1", regex=True))
    assert swap.apply([pa.array(["太郎　山田"])], ctx(1)).to_pylist() == ["山田　太郎"]
