"""Regenerate ``synth/profiles/vendor_{a,b,c}.yaml`` from the layouts (run by a developer).

    python -m chukan_layout.synth.make_profiles

The profiles are committed data; this script documents how they were laid out: every
golden item a builder fills becomes a vendor field, with widths from the item's length
(cp932 bytes: 2 per full-width character, capped), the vendor's date/kana/number habits,
and field names in the vendor's naming style. Hand edits to the YAML are allowed; rerunning
overwrites them.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..spec.model import Charset, Item, ItemType, Layout
from .profile import PROFILES_DIR

A_FILES = (
    ("JUMIN.DAT", ["juki.jumin"]),
    ("SETAI.DAT", ["juki.setai"]),
    ("KAZEI.DAT", ["juminzei.kazei"]),
    ("KOKUHO.DAT", ["kokuho.setai", "kokuho.hihokensha"]),
    ("KAIGO.DAT", ["kaigo.hihokensha"]),
)
B_FILES = (
    ("jumin.csv", "juki.jumin"),
    ("setai.csv", "juki.setai"),
    ("kojin_juminzei.csv", "juminzei.kazei"),
    ("kokuho_setai.csv", "kokuho.setai"),
    ("kokuho_hihokensha.csv", "kokuho.hihokensha"),
    ("keijidosha.csv", "keiji.sharyo"),
)
C_FILES = (
    ("JUMIN.EBC", "juki.jumin"),
    ("SETAI.EBC", "juki.setai"),
    ("KAZEI.EBC", "juminzei.kazei"),
    ("KOKUHOS.EBC", "kokuho.setai"),
    ("KOKUHOH.EBC", "kokuho.hihokensha"),
)
ERA_A = {"明治": "0", "大正": "1", "昭和": "2", "平成": "3", "令和": "4"}
AMOUNT_PACKED_A = {
    "shotokuwari_shi",
    "shotokuwari_ken",
    "shotokuwari",
    "kintowari_shi",
    "kintowari_ken",
    "kintowari",
    "shinrin_kankyozei",
    "genmen_gaku",
    "nengaku",
    "tokucho_gaku",
    "fucho_gaku",
}


def _text_bytes(it: Item, cap: int) -> int:
    mx = it.length.max if it.length else 20
    if it.charset in (Charset.DIGITS, Charset.ALNUM, Charset.ASCII):
        return mx
    return min(2 * mx, cap)


def _a_field(it: Item, start: int) -> tuple[dict[str, Any], Any]:
    name = it.id.upper()
    if it.type is ItemType.DATE:
        return {"name": name, "start": start, "length": 7}, {"item": it.id, "enc": "wareki"}
    if it.type is ItemType.INTEGER:
        if it.id in AMOUNT_PACKED_A:
            return {"name": name, "start": start, "length": 7, "type": "P"}, it.id
        return {"name": name, "start": start, "length": 12, "type": "S"}, it.id
    if it.charset is Charset.ZENKAKU_KANA:
        return {"name": name, "start": start, "length": min(it.length.max if it.length else 40, 60)}, {
            "item": it.id,
            "enc": "hankaku",
        }
    return {"name": name, "start": start, "length": _text_bytes(it, 80)}, it.id


def _c_field(it: Item, start: int, prefix: str) -> tuple[dict[str, Any], Any]:
    name = f"{prefix}_{it.id.upper()}"
    if it.type is ItemType.DATE:
        return {"name": name, "start": start, "length": 5, "type": "P"}, {"item": it.id, "enc": "compact"}
    if it.type is ItemType.INTEGER:
        return {"name": name, "start": start, "length": 7, "type": "P"}, it.id
    if it.charset in (Charset.DIGITS, Charset.ALNUM, Charset.ASCII):
        return {"name": name, "start": start, "length": it.length.max if it.length else 20}, it.id
    n = it.length.max if it.length else 20
    return {"name": name, "start": start, "length": min(2 * n + 2, 82), "type": "M"}, it.id


def _fixed_fields(
    layout: Layout, items: list[str], make: Any, first: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    fields, mapping, pos = [], {}, first
    for it in layout.items:
        if it.id not in items:
            continue
        f, src = make(it, pos)
        fields.append(f)
        mapping[f["name"]] = src
        pos += f["length"]
    return fields, mapping


def profile_a(layouts: dict[str, Layout], used: dict[str, list[str]]) -> dict[str, Any]:
    files = []
    for fname, lids in A_FILES:
        rts: list[dict[str, Any]] = []
        recs: list[dict[str, Any]] = []
        for k, lid in enumerate(lids):
            items = [i for i in used[lid] if i != "dantai_code"]
            fields, mapping = _fixed_fields(layouts[lid], items, _a_field, 2)
            tag = str(2 + k)
            rts.append(
                {
                    "name": f"DATA{tag}" if len(lids) > 1 else "DATA",
                    "role": "data",
                    "match": tag,
                    "fields": [{"name": "REC_KBN", "start": 1, "length": 1}, *fields],
                }
            )
            recs.append({"type": rts[-1]["name"], "layout": lid, "map": mapping})
        total = "NENGAKU" if any("nengaku" in used[lid] for lid in lids) else None
        lrecl = max(max(f["start"] + f["length"] - 1 for f in rt["fields"]) for rt in rts)
        lrecl = max(lrecl, 40)
        head = {
            "name": "HEAD",
            "role": "header",
            "match": "1",
            "length": lrecl,
            "fields": [
                {"name": "REC_KBN", "start": 1, "length": 1},
                {"name": "DANTAI_CODE", "start": 2, "length": 6},
                {"name": "FILE_ID", "start": 8, "length": 8},
                {"name": "SAKUSEI_YMD", "start": 16, "length": 8},
            ],
        }
        trail_fields = [
            {"name": "REC_KBN", "start": 1, "length": 1},
            {"name": "KENSU", "start": 2, "length": 9, "type": "9"},
        ]
        control: dict[str, Any] = {"count": "KENSU"}
        if total:
            trail_fields.append({"name": "GOKEI_NENGAKU", "start": 11, "length": 15, "type": "S"})
            control["totals"] = {"GOKEI_NENGAKU": total}
        trail = {
            "name": "TRAIL",
            "role": "trailer",
            "match": "8",
            "length": lrecl,
            "fields": trail_fields,
            "control": control,
        }
        for rt in rts:
            rt["length"] = lrecl
        files.append(
            {
                "name": fname,
                "definition": {
                    "kind": "fixed_width",
                    "name": f"vendor_a {fname}",
                    "encoding": "cp932",
                    "framing": "crlf",
                    "record_type_field": {"start": 1, "length": 1},
                    "record_types": [head, *rts, trail],
                },
                "header": {
                    "type": "HEAD",
                    "values": {"FILE_ID": fname.split(".")[0], "SAKUSEI_YMD": "20250401"},
                },
                "trailer": {"type": "TRAIL"},
                "records": recs,
            }
        )
    return {
        "vendor": "vendor_a",
        "gaiji_table": "GAIJI_A.tsv",
        "description": "Mainframe-style fixed width, cp932, CRLF, header '1' / data '2'-'3' / trailer '8' "
        "(件数 + 年税額合計), GYYMMDD 和暦 with this vendor's era digits (明治0 大正1 昭和2 平成3 令和4), "
        "half-width kana with small kana written large, zoned (S) and packed (P) amounts, "
        "外字 in the Shift_JIS user area (F040–).",
        "era_codes": ERA_A,
        "files": files,
    }


def profile_b(layouts: dict[str, Layout], used: dict[str, list[str]]) -> dict[str, Any]:
    files = []
    for fname, lid in B_FILES:
        lay = layouts[lid]
        cols, mapping = [], {}
        for it in lay.items:
            if it.id not in used[lid]:
                continue
            col = it.name
            cols.append(col)
            mapping[col] = {"item": it.id, "enc": "slash"} if it.type is ItemType.DATE else it.id
        cols += ["メモ", "更新日時"]
        mapping["メモ"] = {"enc": "memo"}
        mapping["更新日時"] = {"enc": "const", "value": "2025/04/01 09:00:00"}
        files.append(
            {
                "name": fname,
                "definition": {
                    "kind": "csv",
                    "name": f"vendor_b {fname}",
                    "encoding": "cp932",
                    "header": True,
                    "columns": cols,
                    "newline": "crlf",
                },
                "records": [{"layout": lid, "map": mapping}],
            }
        )
    return {
        "vendor": "vendor_b",
        "gaiji_table": "gaiji_b.tsv",
        "description": "Open-system CSV, cp932, header row (項目名), CRLF, every field quoted; 西暦 YYYY/MM/DD; "
        "full-width kana; vendor-only columns メモ (embedded commas and newlines) and 更新日時; "
        "外字 in the Shift_JIS user area.",
        "files": files,
    }


def profile_c(layouts: dict[str, Layout], used: dict[str, list[str]]) -> dict[str, Any]:
    files = []
    for fname, lid in C_FILES:
        prefix = fname.split(".")[0][:2]
        fields, mapping = _fixed_fields(
            layouts[lid], used[lid], lambda it, s, p=prefix: _c_field(it, s, p), 1
        )
        files.append(
            {
                "name": fname,
                "definition": {
                    "kind": "fixed_width",
                    "name": f"vendor_c {fname}",
                    "encoding": "ibm930",
                    "framing": "rdw",
                    "record_types": [{"name": "REC", "fields": fields}],
                },
                "records": [{"type": "REC", "layout": lid, "map": mapping}],
            }
        )
    return {
        "vendor": "vendor_c",
        "gaiji_table": "GAIJI_C.tsv",
        "description": "z/OS-style EBCDIC: IBM930 (カナ SBCS + 漢字 DBCS with SO/SI) in M fields, RDW "
        "variable records, dates and amounts packed decimal (COMP-3), 外字 in the IBM "
        "user-defined DBCS area (6941–).",
        "files": files,
    }


def main() -> None:
    from . import golden_hoken, golden_inkan, golden_juki, golden_zei  # noqa: F401 - registers their builders
    from .golden import BUILDERS, build
    from .population import Population  # noqa: F401 - ensures the synth extra is importable
    from .reference import pick_municipality
    from .world import World, load_layouts

    lids = sorted(BUILDERS)
    layouts = load_layouts(lids)
    w = World.create(1, pick_municipality(1, "13122"), layouts, [], 0.0)
    chunk = next(w.pop.chunks(300, 128))
    used = {lid: list(BUILDERS[lid](w, chunk, "golden").columns) for lid in lids}
    _ = build
    for name, prof in (
        ("vendor_a", profile_a(layouts, used)),
        ("vendor_b", profile_b(layouts, used)),
        ("vendor_c", profile_c(layouts, used)),
    ):
        path = PROFILES_DIR / f"{name}.yaml"
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# {name}: synthetic vendor profile (generated by chukan_layout.synth.make_profiles)\n")
            yaml.safe_dump(prof, f, allow_unicode=True, sort_keys=False, width=120)
        print(path)


if __name__ == "__main__":
    main()
