"""The import paths other code uses still lead to the readers' names after they moved to private modules.

``codecs``, ``framing``, ``csv_reader``, ``numeric`` and ``_csv_careful`` were split by what they
hold; the names the exporter, the pipeline, the other readers modules, the benchmarks, the tests
and docs/readers.md reach through the old modules are the very objects of their new homes
(re-exports, not copies that could drift apart).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from chukan_layout.readers import (
    _cells,
    _chunks,
    _csv_careful,
    _csv_record_ends,
    _numeric_encode,
    _python_codec,
    _rdw_walk,
    _text_codec,
    codecs,
    csv_reader,
    framing,
    numeric,
)
from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import FieldType

HOMES = [
    (codecs, "TextCodec", _text_codec),
    (codecs, "Decoded", _text_codec),
    (codecs, "PythonCodec", _python_codec),
    (framing, "ByteStream", _chunks),
    (framing, "Chunk", _chunks),
    (framing, "skipped_chunk", _chunks),
    (framing, "walk_records", _rdw_walk),
    (csv_reader, "careful", _csv_careful),
    (_csv_careful, "malformed_quotes", _csv_record_ends),
    *[
        (numeric, n, _numeric_encode)
        for n in ["parse_decimals", "encode_zoned", "encode_packed", "encode_binary"]
    ],
]


@pytest.mark.parametrize(("old", "name", "home"), HOMES, ids=[f"{o.__name__}.{n}" for o, n, _ in HOMES])
def test_the_old_module_hands_out_the_new_home_s_object(old: object, name: str, home: object) -> None:
    assert getattr(old, name) is getattr(home, name)


@pytest.mark.parametrize(
    ("module", "names"),
    [
        # the registry as docs/readers.md documents it, and what pipeline / exporter import
        ("chukan_layout.readers.codecs", ["get_codec", "register_codec", "canonical_name", "whole_file_name",
                                          "is_ebcdic", "check_encoding", "known_encodings"]),
        ("chukan_layout.readers.framing", ["frame", "frame_fixed", "frame_lines", "frame_rdw", "skip_stream",
                                           "rdw_finder"]),
        ("chukan_layout.readers.csv_reader", ["iter_csv", "drop_frames", "_coalesced", "_fast",
                                              "_py_encoding"]),
        # the decoders fixed_width calls
        ("chukan_layout.readers.numeric", ["decode_zoned", "decode_packed", "decode_binary", "digits_to_strings"]),
    ],
)  # fmt: skip
def test_names_that_stayed_are_defined_where_they_were(module: str, names: list[str]) -> None:
    mod = importlib.import_module(module)
    for n in names:
        assert getattr(mod, n).__module__ == module, n


def test_the_cp932_codec_is_the_python_family_s_and_decodes_through_the_shared_cells() -> None:
    codec = get_codec("Shift_JIS")
    assert type(codec) is _python_codec.PythonCodec and isinstance(codec, codecs.TextCodec)
    raw = "髙﨑ﾊﾟ".encode("cp932")
    cells = _cells.copy_cells(np.frombuffer(raw, np.uint8).reshape(1, len(raw)))
    ((strings, bad, _),) = codec.decode_columns([(cells, FieldType.TEXT)])
    assert strings.to_pylist() == ["髙﨑ﾊﾟ"] and not bad.any()
