"""Golden builders for 個人住民税 (``juminzei.kazei``), 固定資産税 (土地, 家屋) and 軽自動車税.

Same contract as :mod:`chukan_layout.synth.golden` (registered with ``@builder``). Amounts
are computed from the values they depend on (課税標準 from 評価額, 税額 from 課税標準 …) so
the layouts' row rules hold on every clean record.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from .arrow_util import const, flag, join, pick, s, where, zfill
from .calendar import iso, ymd
from .golden import Columns, Rows, builder, chunk_rng
from .linked import KAZEI_YEARS
from .linked_gyomu import NENDO
from .population import LIVING, REF_DAY, Chunk
from .world import World

_YEAR = 365.2425
_EMPLOYERS = 40


def _tsuchisho_no(year: np.ndarray, pid: np.ndarray) -> pa.Array:
    """通知書番号: 2-digit year + 8-digit serial (as one zero-padded number when the serial fits)."""
    yy = year % 100
    if yy.shape[0] and int(yy.min()) >= 10 and int(pid.max()) < 10**8:
        return zfill(yy * 10**8 + pid, 10)
    return join(s(yy), zfill(pid, 8))


@cache
def _employers() -> tuple[pa.Array, pa.Array]:
    from ..spec.checkdigits import make_valid

    gimusha = [f"{9_000_001 + 37 * i:010d}" for i in range(_EMPLOYERS)]
    hojin = [make_valid("hojin_bango", f"{(30_110_010_000 + 7_777 * i):012d}") for i in range(_EMPLOYERS)]
    return pa.array(gimusha), pa.array(hojin)


@builder("juminzei.kazei")
def kazei(w: World, c: Chunk, form: str) -> Rows:
    from .linked import kazei as compute

    m = w.member(c)
    inc = w.income(c)
    pp = c.pp
    subject = np.flatnonzero((pp["state"] == LIVING) & (m["age"] >= 16))
    years = len(KAZEI_YEARS)
    p = np.repeat(subject, years)
    year = np.tile(np.array(KAZEI_YEARS), subject.shape[0])
    factor = np.where(year == KAZEI_YEARS[-1], 100, 98)
    ky = inc["kyuyo"][p] * factor // 100 // 1000 * 1000
    ei = inc["eigyo"][p] * factor // 100 // 1000 * 1000
    nk = inc["nenkin"][p]
    t = compute(ky, ei, nk)
    n = p.shape[0]
    choshu = np.where(ky > 0, 2, np.where((nk > 0) & (ei == 0), 3, 1))
    choshu = np.where(t["kazei_kubun"] == 2, 1, choshu)
    toku = np.where(choshu != 1, t["nengaku"], 0)
    emp = pp["atena_no"][p] % _EMPLOYERS
    gimusha, hojin = _employers()
    cols: Columns = {}
    done: dict[int, pa.Array] = {}  # several items share one amount array (合計所得 = 総所得金額 …)
    for k, v in t.items():
        if k != "kazei_kubun":
            if id(v) not in done:
                done[id(v)] = s(v)
            cols[k] = done[id(v)]
    cols.update(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "kazei_nendo": s(year),
            "shotoku_nen": s(year - 1),
            "tsuchisho_no": _tsuchisho_no(year, pp["pid"][p]),
            "kazei_kubun": s(t["kazei_kubun"]),
            "choshu_hoho": s(choshu),
            "tokucho_gimusha_no": where(choshu == 2, pick(gimusha, emp), ""),
            "tokucho_hojin_bango": where(choshu == 2, pick(hojin, emp), ""),
            "shinkoku_kubun": s(np.where(ky > 0, 3, np.where(ei > 0, 1, np.where(nk > 0, 4, 2)))),
            "tokucho_gaku": s(toku),
            "fucho_gaku": s(t["nengaku"] - toku),
            "genmen_kubun": const("0", n),
            "kettei_ymd": pick(
                [f"{y}-06-10" for y in KAZEI_YEARS], np.searchsorted(np.array(KAZEI_YEARS), year)
            ),
        }
    )
    return Rows(cols, p, pp["h_of"][p], n)


def _decimal2(cents: np.ndarray) -> pa.Array:
    """Integer hundredths → ``123.45``."""
    return join(s(cents // 100), ".", zfill(cents % 100, 2))


def _chiban(c: Chunk, h: np.ndarray) -> pa.Array:
    return join(s(c.hh["ban"][h]), "番", s(c.hh["go"][h]))


@builder("kotei.tochi", ("toki_meigi_shimei", "shozai_machiaza"))
def tochi(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    owners = np.flatnonzero(m["kotei"])
    rng = chunk_rng(w, c, 0x70C)
    k = 1 + (rng.random(owners.shape[0]) < 0.3)
    p = np.repeat(owners, k)
    j = np.arange(p.shape[0]) - np.repeat(np.cumsum(k) - k, k)
    n = p.shape[0]
    h = c.pp["h_of"][p]
    taku = j == 0
    area = np.where(taku, rng.integers(6_000, 25_000, n), rng.integers(20_000, 200_000, n))  # 1/100 m²
    price = np.where(taku, rng.integers(150_000, 400_000, n), rng.integers(800, 4_000, n))  # 円/m²
    hyoka = (area * price // 100) // 1000 * 1000
    hyojun = np.where(taku, np.where(area <= 20_000, hyoka // 6, hyoka // 3), hyoka) // 1000 * 1000
    toshikei = np.where(taku, hyoka // 3, hyoka) // 1000 * 1000
    nm = w.names(c, form)
    ad = w.address(c, form)
    town = np.where(taku, c.hh["town"][h], (c.hh["town"][h] + 1 + j) % len(w.muni.town))
    other_town = pick(w.town_forms["plain"], town)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "kazei_nendo": const(str(NENDO), n),
            "tochi_bukken_no": zfill(c.pp["pid"][p] * 4 + j + 1, 12),
            "atena_no": s(c.pp["atena_no"][p]),
            "kyoyu_flag": const("0", n),
            "toki_meigi_shimei": pick(nm["shimei"], p),
            "shozai_machiaza_code": where(taku, pick(ad["machiaza_code"], h), zfill(town * 1000, 7)),
            "shozai_machiaza": where(taku, pick(ad["machiaza"], h), other_town),
            "chiban": _chiban(c, h),
            "toki_chimoku": where(taku, w.code("chimoku", "宅地"), w.code("chimoku", "畑")),
            "genkyo_chimoku": where(taku, w.code("chimoku", "宅地"), w.code("chimoku", "畑")),
            "toki_chiseki": _decimal2(area),
            "genkyo_chiseki": _decimal2(area),
            "jutaku_yochi_kubun": where(
                taku,
                w.code("jutaku_yochi_kubun", "小規模住宅用地"),
                w.code("jutaku_yochi_kubun", "非住宅用地"),
            ),
            "shokibo_chiseki": where(taku, _decimal2(np.minimum(area, 20_000)), ""),
            "jutaku_kosu": where(taku, "1", ""),
            "shigaika_flag": const("1", n),
            "hyoka_gaku": s(hyoka),
            "kazei_hyojun_gaku": s(hyojun),
            "toshikei_kazei_hyojun_gaku": s(toshikei),
            "kotei_zei_gaku": s(hyojun * 14 // 1000 // 100 * 100),
            "toshikei_zei_gaku": s(toshikei * 3 // 1000 // 100 * 100),
            "genmen_kubun": const("0", n),
            "genmen_gaku": const("0", n),
        },
        p,
        h,
        n,
    )


@builder("kotei.kaoku", ("toki_meigi_shimei", "shozai_machiaza"))
def kaoku(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    p = np.flatnonzero(m["kotei"])
    n = p.shape[0]
    rng = chunk_rng(w, c, 0x7AC)
    h = c.pp["h_of"][p]
    built = (REF_DAY - rng.integers(200, 60 * 365, n)).astype(np.int64)
    year, _, _ = ymd(built)
    wood = rng.random(n) < 0.75
    area = rng.integers(6_000, 18_000, n)
    hyoka = (area * np.where(wood, 90_000, 150_000) // 100) * np.maximum(
        1 - (REF_DAY - built) / (60 * _YEAR), 0.2
    )
    hyoka = hyoka.astype(np.int64) // 1000 * 1000
    new = (NENDO - year) <= 3
    nm = w.names(c, form)
    ad = w.address(c, form)
    zei = hyoka * 14 // 1000 // 100 * 100
    keigen = np.where(new, zei // 2 // 100 * 100, 0)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "kazei_nendo": const(str(NENDO), n),
            "kaoku_bukken_no": zfill(c.pp["pid"][p] * 4 + 3, 12),
            "atena_no": s(c.pp["atena_no"][p]),
            "kyoyu_flag": const("0", n),
            "toki_meigi_shimei": pick(nm["shimei"], p),
            "kubun_shoyu_flag": const("0", n),
            "shozai_machiaza_code": pick(ad["machiaza_code"], h),
            "shozai_machiaza": pick(ad["machiaza"], h),
            "shozai_chiban": _chiban(c, h),
            "kaoku_bango": join(_chiban(c, h), "の1"),
            "kaoku_shurui": const(w.code("kaoku_shurui", "居宅"), n),
            "kaoku_kozo": where(wood, w.code("kaoku_kozo", "木造"), w.code("kaoku_kozo", "軽量鉄骨造")),
            "yane": where(wood, "瓦葺", "スレート葺"),
            "kaisu_chijo": const("2", n),
            "kaisu_chika": const("0", n),
            "toki_yuka_menseki": _decimal2(area),
            "genkyo_yuka_menseki": _decimal2(area),
            "kyoju_yuka_menseki": _decimal2(area),
            "kenchiku_nen": s(year),
            "kenchiku_ymd": iso(built),
            "toki_ymd": iso(np.minimum(built + 30, REF_DAY)),
            "hyoka_gaku": s(hyoka),
            "kazei_hyojun_gaku": s(hyoka),
            "toshikei_kazei_hyojun_gaku": s(hyoka),
            "shinchiku_keigen_flag": flag(new),
            "keigen_kaishi_nendo": where(new, s(year + 1), ""),
            "keigen_shuryo_nendo": where(new, s(year + 3), ""),
            "keigen_gaku": s(keigen),
            "choki_yuryo_flag": const("0", n),
            "taishin_kaishu_flag": const("0", n),
            "kotei_zei_gaku": s(zei - keigen),
            "toshikei_zei_gaku": s(hyoka * 3 // 1000 // 100 * 100),
        },
        p,
        h,
        n,
    )


_SHARYO = (("41", 10_800, 12_900, 660, 4), ("43", 5_000, 6_000, 660, 2), ("11", 2_000, 2_000, 50, 1))


@builder("keiji.sharyo", ("teichijo",))
def sharyo(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    p = np.flatnonzero(m["keiji"])
    n = p.shape[0]
    rng = chunk_rng(w, c, 0x5A9)
    h = c.pp["h_of"][p]
    kind = rng.choice(3, size=n, p=[0.7, 0.15, 0.15])
    tbl = np.array([x[1:] for x in _SHARYO])
    first = (REF_DAY - rng.integers(100, 20 * 365, n)).astype(np.int64)
    fy, fm, _ = ymd(first)
    old = (kind < 2) & (NENDO - fy > 13)
    rate = np.where(old, tbl[kind, 1], tbl[kind, 0])
    ad = w.address(c, form)
    kana = ("あ", "い", "う", "え", "か", "き", "く", "け", "こ", "さ", "す", "せ", "そ", "た", "ち", "つ")
    plate = join(
        w.muni.city[:2],
        " ",
        s(480 + kind * 100 + (p % 100)),
        " ",
        pick(list(kana), p % len(kana)),
        " ",
        zfill((c.pp["pid"][p] * 37) % 100, 2),
        "-",
        zfill(c.pp["pid"][p] % 100, 2),
    )
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "kazei_nendo": const(str(NENDO), n),
            "sharyo_no": zfill(c.pp["pid"][p] + 1, 12),
            "atena_no": s(c.pp["atena_no"][p]),
            "shiyosha_atena_no": s(c.pp["atena_no"][p]),
            "hyoshiki_bango": plate,
            "shadai_bango": join(
                pick(["HA36S", "MH55S", "DA17V"], kind), "-", zfill(c.pp["pid"][p] % 1_000_000, 6)
            ),
            "sharyo_kubun": pick([x[0] for x in _SHARYO], kind),
            "haikiryo": s(tbl[kind, 2]),
            "teiin": s(tbl[kind, 3]),
            "shodo_kensa_ym": join(s(fy), "-", zfill(fm, 2)),
            "keika_kubun": where(
                old, w.code("keiji_keika_kubun", "重課(13年経過)"), w.code("keiji_keika_kubun", "標準")
            ),
            "teichijo": join(w.muni.prefecture, w.muni.city, pick(ad["machiaza"], h), pick(ad["banchi"], h)),
            "shutoku_ymd": iso(first),
            "zeiritsu": s(rate),
            "genmen_kubun": const("0", n),
            "genmen_gaku": const("0", n),
            "nengaku": s(rate),
        },
        p,
        h,
        n,
    )
