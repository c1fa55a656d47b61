"""spec.loader re-exports its parts: the public names, ``__all__`` unchanged, resolve to one object each."""

from __future__ import annotations

from chukan_layout.spec import _layout_checks, _spec_yaml, loader


def test_all_is_pinned_and_resolves() -> None:
    assert loader.__all__ == [
        "BYTE_ENCODINGS",
        "check_files",
        "check_layout",
        "expand_paths",
        "load_code_file",
        "load_layout_file",
        "parse_code_table",
        "parse_layout",
        "read_yaml",
    ]
    assert loader.read_yaml is _spec_yaml.read_yaml
    assert loader.check_layout is _layout_checks.check_layout
    assert loader.BYTE_ENCODINGS is _layout_checks.BYTE_ENCODINGS
