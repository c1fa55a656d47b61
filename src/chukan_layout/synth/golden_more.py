"""Golden builders for 固定資産税, 軽自動車税, 介護, 後期高齢, 国民年金 and 印鑑登録.

Same contract as :mod:`chukan_layout.synth.golden` (registered with ``@builder``). Amounts
are computed from the values they depend on (課税標準 from 評価額, 税額 from 課税標準 …) so
the layouts' row rules hold on every clean record.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .arrow_util import const, date_or_blank, flag, join, pick, s, where, zfill
from .calendar import iso, ymd
from .golden import Rows, builder, kiso_nenkin_bango
from .population import REF_DAY, Chunk
from .world import World

NENDO = 2025
_YEAR = 365.2425


def _decimal2(cents: np.ndarray) -> pa.Array:
    """Integer hundredths → ``123.45``."""
    return join(s(cents // 100), ".", zfill(cents % 100, 2))


def _rng(w: World, c: Chunk, salt: int) -> np.random.Generator:
    return np.random.default_rng([w.seed, c.number, salt])


def _chiban(c: Chunk, h: np.ndarray) -> pa.Array:
    return join(s(c.hh["ban"][h]), "番", s(c.hh["go"][h]))


@builder("kotei.tochi", ("toki_meigi_shimei", "shozai_machiaza"))
def tochi(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    owners = np.flatnonzero(m["kotei"])
    rng = _rng(w, c, 0x70C)
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
    rng = _rng(w, c, 0x7AC)
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
    rng = _rng(w, c, 0x5A9)
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


_YOKAIGO = ("", "12", "13", "21", "22", "23", "24", "25")
_GENDO = np.array([0, 5032, 10531, 16765, 19705, 27048, 30938, 36217])


@builder("kaigo.hihokensha")
def kaigo(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    p = np.flatnonzero(m["kaigo"])
    n = p.shape[0]
    rng = _rng(w, c, 0xCA1)
    age = m["age"][p]
    start = m["kaigo_from"][p]
    by_age = (c.pp["birth"][p] + 65 * _YEAR).astype(np.int64) >= c.pp["in_day"][p]
    yk = m["yokaigo"][p]
    cert = yk > 0
    v_start = REF_DAY - rng.integers(30, 330, n)
    v_end = v_start + 365 * 2 - 1
    from ..spec.checkdigits import make_valid

    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hokenja_bango": const(make_valid("hokenja_bango", w.muni.code5), n),
            "hihokensha_bango": zfill(c.pp["pid"][p] + 1, 10),
            "atena_no": s(c.pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "hihokensha_kubun": where(
                age >= 65,
                w.code("kaigo_hihokensha_kubun", "第1号被保険者"),
                w.code("kaigo_hihokensha_kubun", "第2号被保険者"),
            ),
            "shikaku_shutoku_ymd": iso(start),
            "shikaku_shutoku_jiyu": where(
                by_age & (age >= 65), w.code("kaigo_ido_jiyu", "年齢到達"), w.code("kaigo_ido_jiyu", "転入")
            ),
            "jushochi_tokurei_flag": const("0", n),
            "yokaigo_jotai_kubun": pick(list(_YOKAIGO), yk),
            "nintei_shinsei_ymd": date_or_blank(v_start - 30, cert),
            "nintei_shinsei_kubun": where(cert, w.code("nintei_shinsei_kubun", "更新申請"), ""),
            "nintei_ymd": date_or_blank(v_start - 1, cert),
            "nintei_yuko_kaishi_ymd": date_or_blank(v_start, cert),
            "nintei_yuko_shuryo_ymd": date_or_blank(v_end, cert),
            "shikyu_gendo_tani": where(cert, s(_GENDO[yk]), ""),
            "futan_wariai": const(w.code("futan_wariai", "1割"), n),
            "kyufu_seigen_flag": const("0", n),
            "hokenryo_dankai": where(age >= 65, "5", ""),
            "hokenryo_nengaku": where(age >= 65, "74400", ""),
            "choshu_hoho": where(age >= 65, w.code("choshu_hoho_hokenryo", "特別徴収"), ""),
        },
        p,
        c.pp["h_of"][p],
        n,
    )


@builder("kouki.hihokensha")
def kouki(w: World, c: Chunk, form: str) -> Rows:
    from ..spec.checkdigits import make_valid

    m = w.member(c)
    inc = w.income(c)
    p = np.flatnonzero(m["kouki"])
    n = p.shape[0]
    start = m["kouki_from"][p]
    by_age = (c.pp["birth"][p] + 75 * _YEAR).astype(np.int64) >= c.pp["in_day"][p]
    base = np.maximum(inc["nenkin"][p] - 1_100_000 - 430_000, 0)
    shotokuwari = base * 1067 // 10000 // 100 * 100
    kinto = np.full(n, 47_300)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hokenja_bango": const(make_valid("hokenja_bango", "39" + w.muni.code5[:2] + "301"), n),
            "hihokensha_bango": zfill(10_000_000 + c.pp["pid"][p] % 90_000_000, 8),
            "atena_no": s(c.pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "shikaku_shutoku_ymd": iso(start),
            "shikaku_shutoku_jiyu": where(
                by_age, w.code("kouki_shutoku_jiyu", "年齢到達"), w.code("kouki_shutoku_jiyu", "転入")
            ),
            "shogai_nintei_flag": const("0", n),
            "futan_wariai": const(w.code("futan_wariai", "1割"), n),
            "gendo_kubun": const(w.code("kouki_gendo_kubun", "一般Ⅰ"), n),
            "jushochi_tokurei_flag": const("0", n),
            "hokenryo_nendo": const(str(NENDO), n),
            "shotokuwari": s(shotokuwari),
            "kintowari": s(kinto),
            "genmen_gaku": const("0", n),
            "hokenryo_nengaku": s(shotokuwari + kinto),
            "choshu_hoho": const(w.code("choshu_hoho_hokenryo", "特別徴収"), n),
        },
        p,
        c.pp["h_of"][p],
        n,
    )


@builder("nenkin.hihokensha")
def nenkin(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    p = np.flatnonzero(m["nenkin"])
    n = p.shape[0]
    start = m["nenkin_from"][p]
    at20 = (c.pp["birth"][p] + 20 * _YEAR).astype(np.int64) == start
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(c.pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "kiso_nenkin_bango": kiso_nenkin_bango(w, c.pp["pid"][p]),
            "nenkin_shubetsu": const(w.code("nenkin_shubetsu", "第1号被保険者"), n),
            "shikaku_shutoku_ymd": iso(start),
            "shikaku_shutoku_jiyu": where(
                at20, w.code("nenkin_shutoku_jiyu", "20歳到達"), w.code("nenkin_shutoku_jiyu", "転入")
            ),
            "todokede_ymd": iso(np.minimum(start + 10, REF_DAY)),
            "fuka_nenkin_flag": const("0", n),
            "jukyusha_flag": const("0", n),
        },
        p,
        c.pp["h_of"][p],
        n,
    )


@builder("inkan.toroku", ("toroku_shimei",))
def inkan(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    p = np.flatnonzero(m["inkan"])
    n = p.shape[0]
    rng = _rng(w, c, 0x1CA)
    earliest = np.maximum(c.pp["in_day"][p], (c.pp["birth"][p] + 15 * _YEAR).astype(np.int64))
    day = earliest + (rng.random(n) * np.maximum(REF_DAY - earliest, 1)).astype(np.int64)
    nm = w.names(c, form)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "inkan_toroku_no": zfill(c.pp["pid"][p] + 1, 10),
            "atena_no": s(c.pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "toroku_jotai": const(w.code("inkan_jotai", "登録中"), n),
            "toroku_ymd": iso(day),
            "toroku_hoho": const(w.code("inkan_toroku_hoho", "照会書回答"), n),
            "dairinin_flag": const("0", n),
            "toroku_shimei": pick(nm["shimei"], p),
            "torokusho_no": zfill(c.pp["pid"][p] + 1, 10),
            "torokusho_kofu_ymd": iso(day),
            "torokusho_boshitsu_flag": const("0", n),
            "ido_ymd": iso(day),
        },
        p,
        c.pp["h_of"][p],
        n,
    )
