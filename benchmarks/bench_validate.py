"""Validator benchmark: juki.jumin-like rows generated in-process with numpy (no dependency on
the synthetic-data generator), validated batch by batch with the compiled layout, plus the
key index (unique 宛名番号+履歴番号) and the reference index (世帯番号 → a 世帯 file).

    .venv/bin/python benchmarks/bench_validate.py            # 1M and 10M, each in its own process
    .venv/bin/python benchmarks/bench_validate.py --sizes 1000000 --write   # update RESULTS.md

Each case runs in a fresh interpreter (benchmarks/_measure.py): peak RSS is that process's
``ru_maxrss``. Generation time is measured separately and excluded from the validator rate.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SHI = [
    "山田",
    "佐藤",
    "鈴木",
    "高橋",
    "髙橋",
    "田中",
    "渡辺",
    "伊藤",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山﨑",
    "𠮷田",
    "葛\U000e0100城",
    "斎藤",
    "松本",
    "井上",
    "木村",
]
SHI_KANA = [
    "ヤマダ",
    "サトウ",
    "スズキ",
    "タカハシ",
    "タカハシ",
    "タナカ",
    "ワタナベ",
    "イトウ",
    "ヤマモト",
    "ナカムラ",
    "コバヤシ",
    "カトウ",
    "ヨシダ",
    "ヤマザキ",
    "ヨシダ",
    "カツラギ",
    "サイトウ",
    "マツモト",
    "イノウエ",
    "キムラ",
]
MEI = [
    "太郎",
    "花子",
    "一郎",
    "美咲",
    "翔太",
    "陽菜",
    "大翔",
    "結衣",
    "健",
    "さくら",
    "蓮",
    "葵",
    "悠真",
    "凛",
    "湊",
    "澪",
]
MEI_KANA = [
    "タロウ",
    "ハナコ",
    "イチロウ",
    "ミサキ",
    "ショウタ",
    "ヒナ",
    "ヒロト",
    "ユイ",
    "ケン",
    "サクラ",
    "レン",
    "アオイ",
    "ユウマ",
    "リン",
    "ミナト",
    "ミオ",
]
MACHI = [
    "千代田",
    "丸の内一丁目",
    "大手町二丁目",
    "神田駿河台",
    "富士見一丁目",
    "一番町",
    "麹町三丁目",
    "九段南",
]
ZOKUGARA = ["02", "11", "12", "51", "52", "71"]
ERA_STARTS = [
    (date(1868, 1, 1), "01"),
    (date(1912, 7, 30), "02"),
    (date(1926, 12, 25), "03"),
    (date(1989, 1, 8), "04"),
    (date(2019, 5, 1), "05"),
]


def _dict(idx: np.ndarray, pool: list[str]) -> pa.Array:
    """Strings picked from a pool, materialized by Arrow (no Python string per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(pool, pa.string())).cast(
        pa.string()
    )


def _const(n: int, value: str) -> pa.Array:
    return _dict(np.zeros(n, np.int32), [value])


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width, "0")


def _mod11_cd(base: np.ndarray, width: int) -> np.ndarray:
    """Check digit of 個人番号/住民票コード/宛名番号 (weights 2–7 from the right, r ≤ 1 → 0)."""
    s = np.zeros(base.size, np.int64)
    b = base.copy()
    for n in range(1, width + 1):
        s += (b % 10) * ((n - 1) % 6 + 2)
        b //= 10
    r = s % 11
    return np.where(r <= 1, 0, 11 - r)


def _with_cd(base: np.ndarray, width: int) -> pa.Array:
    return _digits(base * 10 + _mod11_cd(base, width), width + 1)


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.datetime_as_string(days.astype("datetime64[D]"), unit="D"), pa.string())


def jumin_batches(
    n: int, batch: int = 65536, seed: int = 7, fault_rate: float = 0.01
) -> Iterator[pa.RecordBatch]:
    """Valid juki.jumin records (the 40 items a real export fills), with ``fault_rate`` injected faults."""
    from chukan_layout.spec.registry import load_layout

    item_ids = load_layout("juki.jumin").spec.item_ids
    rng = np.random.default_rng(seed)
    era_days = np.array([(d - date(1970, 1, 1)).days for d, _ in ERA_STARTS])
    era_codes = [c for _, c in ERA_STARTS]
    for lo in range(0, n, batch):
        m = min(batch, n - lo)
        i = np.arange(lo, lo + m, dtype=np.int64)
        shi, mei = rng.integers(0, len(SHI), m), rng.integers(0, len(MEI), m)
        birth = rng.integers(
            (date(1925, 1, 1) - date(1970, 1, 1)).days, (date(2023, 12, 31) - date(1970, 1, 1)).days, m
        )
        jumin = np.minimum(birth + rng.integers(0, 20000, m), (date(2024, 12, 31) - date(1970, 1, 1)).days)
        setai = i // 3 + 1
        cols: dict[str, pa.Array] = {
            "dantai_code": _const(m, "131016"),
            "atena_no": _with_cd(i + 1, 9),
            "rireki_no": _const(m, "1"),
            "saishin_flag": _const(m, "1"),
            "setai_no": _with_cd(setai, 9),
            "jumin_shubetsu": _const(m, "1"),
            "jumin_jotai": _const(m, "1"),
            "juminhyo_code": _with_cd(rng.integers(0, 10**10, m), 10),
            "kojin_bango": _with_cd(rng.integers(0, 10**11, m), 11),
            "ido_ymd": _dates(jumin),
            "ido_jiyu": _const(m, "101"),
            "ido_kubun": _const(m, "1"),
            "shimei": pc.binary_join_element_wise(_dict(shi, SHI), _dict(mei, MEI), "　"),
            "shi": _dict(shi, SHI),
            "mei": _dict(mei, MEI),
            "shimei_kana": pc.binary_join_element_wise(_dict(shi, SHI_KANA), _dict(mei, MEI_KANA), "　"),
            "seibetsu": _dict(rng.integers(0, 2, m), ["1", "2"]),
            "seinengappi_gengo": _dict(np.searchsorted(era_days, birth, side="right") - 1, era_codes),
            "seinengappi": _dates(birth),
            "seinengappi_fusho_flag": _const(m, "0"),
            "zokugara_code_1": _dict(rng.integers(0, len(ZOKUGARA), m), ZOKUGARA),
            "setainushi_shimei": pc.binary_join_element_wise(_dict(shi, SHI), _const(m, "一郎"), "　"),
            "jusho_shikuchoson_code": _const(m, "131016"),
            "jusho_todofuken": _const(m, "東京都"),
            "jusho_shikugunchoson": _const(m, "千代田区"),
            "jusho_machiaza": _dict(rng.integers(0, len(MACHI), m), MACHI),
            "jusho_banchi": pc.binary_join_element_wise(
                _digits(rng.integers(1, 30, m), 1), _digits(rng.integers(1, 20, m), 1), "－"
            ),
            "jusho_yubin_bango": _digits(rng.integers(1000000, 1009999, m), 7),
            "jumin_ymd": _dates(jumin),
            "honseki": _const(m, "東京都千代田区千代田一番"),
            "hittosha_shimei": pc.binary_join_element_wise(_dict(shi, SHI), _const(m, "一郎"), "　"),
            "senkyo_toroku": _const(m, "1"),
        }
        # faults: broken 個人番号 CD, impossible date, unknown code, duplicate key (previous 宛名番号)
        k = rng.random(m)
        bad_cd = k < fault_rate * 0.4
        bad_date = (k >= fault_rate * 0.4) & (k < fault_rate * 0.7)
        bad_code = (k >= fault_rate * 0.7) & (k < fault_rate * 0.9)
        dup = (k >= fault_rate * 0.9) & (k < fault_rate) & (np.arange(m) > 0)
        kb = cols["kojin_bango"]
        cols["kojin_bango"] = pc.if_else(
            pa.array(bad_cd),
            pc.binary_join_element_wise(
                pc.utf8_slice_codeunits(kb, 0, 11),
                _dict(
                    (pc.utf8_slice_codeunits(kb, 11, 12).to_numpy(zero_copy_only=False).astype(np.int64) + 1)
                    % 10,
                    [str(d) for d in range(10)],
                ),
                "",
            ),
            kb,
        )
        cols["seinengappi"] = pc.if_else(
            pa.array(bad_date),
            pc.binary_join_element_wise(
                pc.utf8_slice_codeunits(cols["seinengappi"], 0, 4), _const(m, "-02-30"), ""
            ),
            cols["seinengappi"],
        )
        cols["seibetsu"] = pc.if_else(pa.array(bad_code), _const(m, "3"), cols["seibetsu"])
        prev = np.maximum(np.arange(m) - 1, 0)
        cols["atena_no"] = pc.if_else(pa.array(dup), cols["atena_no"].take(pa.array(prev)), cols["atena_no"])
        blank = _const(m, "")
        arrays = [cols.get(c, blank) for c in item_ids]
        arrays += [pa.array(i + 1, pa.int64()), _const(m, "JUMIN.csv")]
        yield pa.RecordBatch.from_arrays(arrays, names=[*item_ids, "_record", "_source"])


def setai_batches(n_households: int, batch: int = 65536) -> Iterator[pa.RecordBatch]:
    """A 世帯 file whose 世帯番号 are the households of :func:`jumin_batches` (items needed by refs only)."""
    for lo in range(0, n_households, batch):
        m = min(batch, n_households - lo)
        i = np.arange(lo, lo + m, dtype=np.int64)
        yield pa.RecordBatch.from_pydict(
            {"setai_no": _with_cd(i + 1, 9), "_record": pa.array(i + 1, pa.int64())}
        )


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def case_generate_only(n: int, batch: int = 65536) -> dict[str, object]:
    """Reference: the same process without validating (imports, layout, generation)."""
    from chukan_layout.spec.registry import load_layout

    load_layout("juki.jumin")
    for _ in jumin_batches(n, batch):
        pass
    return {"records": n, "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def case_validate(n: int, batch: int = 65536, cross: bool = True) -> dict[str, object]:
    """Validate n records; with ``cross``, also the key index and the reference index."""
    from chukan_layout.findings import FindingSet
    from chukan_layout.spec.registry import load_layout
    from chukan_layout.validation.compile import compile_layout
    from chukan_layout.validation.keys import KeyIndex
    from chukan_layout.validation.refs import ReferenceIndex

    t = time.perf_counter()
    jumin, setai = load_layout("juki.jumin"), load_layout("juki.setai")
    cl = compile_layout(jumin)
    t_compile = time.perf_counter() - t
    fs = FindingSet()
    keys = KeyIndex.for_layout(jumin.spec)
    refs = ReferenceIndex([jumin.spec, setai.spec])
    t_gen = t_check = t_cross = cpu_check = 0.0
    rejected = 0
    rss_before_cross = _rss_mib()
    gen = jumin_batches(n, batch)
    while True:
        t = time.perf_counter()
        b = next(gen, None)
        t_gen += time.perf_counter() - t
        if b is None:
            break
        t, c = time.perf_counter(), time.process_time()
        rejected += int(cl.check(b, fs, file="JUMIN.csv").sum())
        t_check += time.perf_counter() - t
        cpu_check += time.process_time() - c
        if cross:
            t = time.perf_counter()
            keys.add(b, file="JUMIN.csv")
            refs.add("juki.jumin", b, file="JUMIN.csv")
            t_cross += time.perf_counter() - t
    index_bytes = keys.nbytes() + refs.nbytes()
    if cross:
        t = time.perf_counter()
        for sb in setai_batches(n // 3 + 1, batch):
            refs.add("juki.setai", sb, file="SETAI.csv")
        index_bytes = keys.nbytes() + refs.nbytes()
        rss_indexes = _rss_mib()
        disk = sum(
            st.disk_bytes() for st in [keys.store, *refs.targets.values()] + [e.store for e in refs.edges]
        )
        dups = keys.finish(fs)
        orphans = refs.finish(fs)
        t_cross += time.perf_counter() - t
    else:
        rss_indexes, dups, orphans, disk = _rss_mib(), 0, 0, 0
    return {
        "records": n,
        "compile_s": round(t_compile, 2),
        "generate_s": round(t_gen, 2),
        "check_s": round(t_check, 2),
        "cross_s": round(t_cross, 2),
        "check_rate": round(n / t_check),
        "check_cpu_rate": round(n / cpu_check),
        "disk_mib": round(disk / 2**20, 1) if cross else 0.0,
        "validator_rate": round(n / (t_check + t_cross)),
        "rejected": rejected,
        "findings": fs.total(),
        "duplicates": dups,
        "orphans": orphans,
        "index_mib": round(index_bytes / 2**20, 1),
        "rss_after_compile_mib": round(rss_before_cross, 1),
        "rss_with_indexes_mib": round(rss_indexes, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _table(rows: list[dict[str, object]], gen_peak: object) -> str:
    head = (
        "| records | item checks + rules (rec/s, wall / CPU) | + keys + refs (rec/s, wall) | rejected "
        "| duplicates | orphans | index RAM / spilled | RSS after compile | peak RSS |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    body = "".join(
        f"| {r['records']:,} | {r['check_rate']:,} / {r['check_cpu_rate']:,} | {r['validator_rate']:,} "
        f"| {r['rejected']:,} | {r['duplicates']:,} | {r['orphans']:,} | {r['index_mib']} / {r['disk_mib']} MiB "
        f"| {r['rss_after_compile_mib']} MiB | {r['peak_rss_mib']} MiB |\n"
        for r in rows
    )
    return (
        head
        + body
        + (
            f"\nSame process generating the rows without validating them: peak RSS {gen_peak} MiB "
            "(imports incl. pandas via pyarrow, one 64k-row × 135-column batch ≈ 50 MB).\n"
        )
    )


def _write_results(text: str) -> None:
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = old.find("## Validator")
    if start >= 0:
        end = old.find("\n## ", start + 1)
        old = old[:start].rstrip("\n") + ("\n\n" + old[end + 1 :] if end >= 0 else "\n")
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main() -> None:
    from _measure import run_case

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--batch", type=int, default=65536)
    ap.add_argument(
        "--write", action="store_true", help="update the Validator section of benchmarks/RESULTS.md"
    )
    args = ap.parse_args()
    gen_peak = run_case("bench_validate:case_generate_only", n=min(args.sizes), batch=args.batch)["result"][
        "peak_rss_mib"
    ]
    rows = []
    for n in args.sizes:
        r = run_case("bench_validate:case_validate", n=n, batch=args.batch)
        res = r["result"]
        print({**res, "wall_s": round(r["seconds"], 1)}, flush=True)
        rows.append(res)
    table = _table(rows, gen_peak)
    print(table)
    if args.write:
        _write_results("## Validator\n\n" + table)


if __name__ == "__main__":
    main()
