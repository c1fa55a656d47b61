"""Golden builders for 国民健康保険 (世帯, 被保険者), 介護保険, 後期高齢者医療 and 国民年金.

Same contract as :mod:`chukan_layout.synth.golden` (registered with ``@builder``). Members
come from the chunk's 資格 (:func:`chukan_layout.synth.linked.membership`); 保険税・保険料 are
computed from the values they depend on (所得割 from 所得, 年額 from its parts) so the
layouts' row rules hold on every clean record (synthetic rates, not an official table).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .arrow_util import const, date_or_blank, flag, pick, s, where, zfill
from .calendar import iso
from .golden import Rows, builder, chunk_rng, todokede_day
from .linked import KAZEI_YEARS
from .linked_gyomu import NENDO
from .population import HEAD, REF_DAY, Chunk
from .world import World

_YEAR = 365.2425


def kiso_nenkin_bango(w: World, pid: np.ndarray) -> pa.Array:
    """基礎年金番号: 4-digit office part + 6-digit serial (fictitious, no check digit)."""
    return zfill((1000 + (pid * 7919) % 9000) * 1_000_000 + pid % 1_000_000, 10)


def hokenja_bango_kokuho(w: World) -> str:
    from ..spec.checkdigits import make_valid

    return make_valid("hokenja_bango", w.muni.code5)


def _kokuho_households(w: World, c: Chunk) -> tuple[np.ndarray, np.ndarray]:
    """(households with at least one 国保 member, member person indices)."""
    m = w.member(c)
    members = np.flatnonzero(m["kokuho"])
    hh = np.unique(c.pp["h_of"][members])
    return hh, members


@builder("kokuho.setai")
def kokuho_setai(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    inc = w.income(c)
    pp, hh_ = c.pp, c.hh
    hh, members = _kokuho_households(w, c)
    H = hh_["hid"].shape[0]
    age = m["age"]
    h_of = pp["h_of"][members]
    cnt = np.bincount(h_of, minlength=H)[hh]
    pre = np.bincount(h_of[age[members] < 6], minlength=H)[hh]
    nigo = np.bincount(h_of[(age[members] >= 40) & (age[members] < 65)], minlength=H)[hh]
    base_p = np.maximum(inc["kyuyo"][members] + inc["eigyo"][members] + inc["nenkin"][members] - 430_000, 0)
    base = np.bincount(h_of, weights=base_p, minlength=H)[hh].astype(np.int64)
    base2 = np.bincount(h_of, weights=base_p * ((age[members] >= 40) & (age[members] < 65)), minlength=H)[
        hh
    ].astype(np.int64)
    shotokuwari = base * 7 // 100 // 100 * 100
    kinto = 35_000 * cnt
    byodo = np.full(hh.shape[0], 25_000)
    iryo = shotokuwari + kinto + byodo
    shien = base * 25 // 1000 // 100 * 100 + 12_000 * cnt
    kaigo = np.where(nigo > 0, base2 * 2 // 100 // 100 * 100 + 15_000 * nigo, 0)
    head = np.flatnonzero(pp["role"] == HEAD)[hh]
    gisei = ~m["kokuho"][head]
    n = hh.shape[0]
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hokenja_bango": const(hokenja_bango_kokuho(w), n),
            "kokuho_setai_no": s(hh_["setai_no"][hh]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "setai_no": s(hh_["setai_no"][hh]),
            "setainushi_atena_no": s(pp["atena_no"][head]),
            "gisei_setainushi_flag": flag(gisei),
            "setai_shutoku_ymd": iso(
                np.minimum.reduceat(m["kokuho_from"][members], np.searchsorted(h_of, hh))
            ),
            "hihokensha_su": s(cnt),
            "mishugakuji_su": s(pre),
            "kaigo_nigo_su": s(nigo),
            "keigen_kubun": s(np.select([base <= 0, base <= 300_000 * cnt], [1, 2], 0)),
            "tokutei_setai_flag": const("0", n),
            "tokutei_keizoku_flag": const("0", n),
            "hijihatsu_shitsugyo_flag": const("0", n),
            "hokenzei_nendo": const(str(KAZEI_YEARS[-1]), n),
            "iryo_shotokuwari": s(shotokuwari),
            "iryo_kintowari": s(kinto),
            "iryo_byodowari": s(byodo),
            "iryo_gaku": s(iryo),
            "shien_gaku": s(shien),
            "kaigo_gaku": s(kaigo),
            "nengaku": s(iryo + shien + kaigo),
            "genmen_gaku": const("0", n),
            "choshu_hoho": const(w.code("choshu_hoho_hokenryo", "普通徴収"), n),
        },
        head,
        hh,
        n,
    )


@builder("kokuho.hihokensha")
def kokuho_hihokensha(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    pp, hh_ = c.pp, c.hh
    _, p = _kokuho_households(w, c)
    n = p.shape[0]
    age = m["age"][p]
    h = pp["h_of"][p]
    start = m["kokuho_from"][p]
    born = pp["born_here"][p] & (start == pp["birth"][p])
    jiyu = np.where(
        born,
        w.code("kokuho_shutoku_jiyu", "出生"),
        np.where(
            pp["foreign"][p], w.code("kokuho_shutoku_jiyu", "外国人"), w.code("kokuho_shutoku_jiyu", "転入")
        ),
    )
    futan = np.select([age < 6, age >= 70], [1, 3], 2)
    # 枝番: order of members within their household
    first = np.searchsorted(h, h)
    eda = np.arange(n) - first + 1
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hokenja_bango": const(hokenja_bango_kokuho(w), n),
            "kokuho_setai_no": s(hh_["setai_no"][h]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "atena_no": s(pp["atena_no"][p]),
            "hihokenshasho_kigo": const(w.muni.code5[2:], n),
            "hihokenshasho_bango": zfill(pp["pid"][p] % 100_000_000, 8),
            "hihokenshasho_edaban": zfill(eda, 2),
            "shikaku_shutoku_ymd": iso(start),
            "shikaku_shutoku_jiyu": pa.array(jiyu, pa.string()),
            "shikaku_todokede_ymd": iso(todokede_day(start, pp["atena_no"][p])),
            "setainushi_flag": flag(pp["role"][p] == HEAD),
            "taishoku_flag": const("0", n),
            "kaigo_nigo_flag": flag((age >= 40) & (age < 65)),
            "futan_kubun": s(futan),
            "gakusei_tokurei_flag": const("0", n),
            "jushochi_tokurei_flag": const("0", n),
            "kogaku_gaito_flag": const("0", n),
            "mishugakuji_flag": flag(age < 6),
            "ido_jiyu": pa.array(jiyu, pa.string()),
            "ido_ymd": iso(start),
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
    rng = chunk_rng(w, c, 0xCA1)
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
