"""Encoding detection verdicts and evidence."""

from __future__ import annotations

from chukan_layout.readers.detect import detect_encoding, line_endings


def test_cp932_with_vendor_extensions() -> None:
    data = ("髙橋,①,\ue000外字,ﾊﾟﾝ\r\n" * 20).encode("cp932")
    v = detect_encoding(data)
    assert v.encoding == "cp932"
    assert {c.encoding: c.ok for c in v.candidates} == {"utf-8": False, "cp932": True, "euc_jp": False}
    assert next(c for c in v.candidates if c.encoding == "utf-8").error_offset == 0
    assert v.counts["gaiji_user_area"] == 20 and v.counts["pua_chars"] == 20
    assert v.counts["nec_special"] == 20 and v.counts["nec_selected_ibm_ext"] == 20  # ① row 13, 髙 ED/EE
    assert v.counts["halfwidth_kana"] == 60


def test_utf8_bom_and_utf16() -> None:
    assert detect_encoding("番号,氏名\r\n".encode("utf-8-sig")).encoding == "utf-8-sig"
    v = detect_encoding("番号,氏名\r\n".encode("utf-16"))
    assert v.encoding == "utf-16" and v.bom in ("ff fe", "fe ff")


def test_utf8_and_euc() -> None:
    assert detect_encoding("山田太郎,東京都\n".encode()).encoding == "utf-8"
    assert detect_encoding(("山田太郎,東京都千代田区\n" * 5).encode("euc_jp")).encoding == "euc_jp"


def test_never_shift_jis_2004_gaiji() -> None:
    # F040 is 外字 (PUA) in cp932 but a real kanji in shift_jis_2004: must stay cp932
    v = detect_encoding(b"\x8eR\x93c\xf0\x40\r\n" * 10)
    assert v.encoding == "cp932" and all(c.encoding != "shift_jis_2004" for c in v.candidates)


def test_ebcdic_profile() -> None:
    from chukan_layout.readers.codecs import get_codec

    raw = get_codec("ibm930").encode("ﾔﾏﾀﾞ 山田　太郎      0012345", "M") * 30
    v = detect_encoding(raw)
    assert v.encoding == "ibm930" and v.counts["shift_out"] == 30


def test_undecodable_everywhere() -> None:
    v = detect_encoding(bytes(range(128, 256)) * 4)
    assert v.encoding is None and all(not c.ok for c in v.candidates)


def test_line_endings() -> None:
    assert line_endings(b"a\r\nb\nc\r") == {"crlf": 1, "lf": 1, "cr": 1}
