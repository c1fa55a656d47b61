"""Who is in which 業務, and the money: derived per chunk from the population (numpy only).

- 国保: living residents under 75 in households whose head is self-employed, retired
  (65–74) or (half of the) foreign households; 75+ go to 後期高齢.
- 介護: 65+ (第1号); some 40–64 with a certification (第2号).
- 国民年金: 国保 members aged 20–59 (第1号被保険者).
- 個人住民税: every living resident aged 16+, for 課税年度 2024 and 2025, with income
  by age (給与, 公的年金, 営業) and the tax computed from it, so amounts add up.
"""

from __future__ import annotations

import numpy as np

from .calendar import day
from .population import HEAD, LIVING, REF_DAY, Chunk

_YEAR = 365.2425
KAZEI_YEARS = (2024, 2025)


def ages_at(birth: np.ndarray, at: int) -> np.ndarray:
    return np.floor((at - birth) / _YEAR).astype(np.int64)


def membership(c: Chunk, seed: int) -> dict[str, np.ndarray]:
    """Per-person flags and dates of the linked 業務."""
    pp, hh = c.pp, c.hh
    rng = np.random.default_rng([seed, c.number, 0x11E])
    P = c.n_persons
    age = ages_at(pp["birth"], REF_DAY)
    living = pp["state"] == LIVING
    h = pp["h_of"]
    head_local = np.flatnonzero(pp["role"] == HEAD)
    head_age = age[head_local][np.searchsorted(head_local, np.arange(P), side="right") - 1]
    H = int(hh["hid"].shape[0])
    self_employed = rng.random(H) < 0.25
    kokuho_h = (
        self_employed[h]
        | ((head_age >= 65) & (head_age < 75))
        | (hh["foreign"][h] & (rng.random(H) < 0.5)[h])
    )
    kokuho = kokuho_h & living & (age < 75)
    kouki = living & (age >= 75)
    kaigo = living & ((age >= 65) | ((age >= 40) & (rng.random(P) < 0.02)))
    nenkin = kokuho & (age >= 20) & (age < 60)
    inkan = living & (age >= 15) & (rng.random(P) < 0.45)
    # vehicles: one in four adults 18–84
    keiji = living & (age >= 18) & (age < 85) & (rng.random(P) < 0.25)
    # land and buildings: owned by some heads of households
    kotei = living & (pp["role"] == HEAD) & (rng.random(P) < 0.35)
    # 要介護状態区分: most 第1号 are 自立-ish (no certification: 99 なし), some certified
    yokaigo = np.full(P, 0, dtype=np.int64)  # index into _YOKAIGO
    r = rng.random(P)
    cert = kaigo & ((age >= 75) & (r < 0.3) | (age < 75) & (r < 0.05))
    yokaigo[cert] = rng.integers(1, 8, int(cert.sum()))
    kokuho_from = np.maximum(pp["in_day"], day("2000-04-01"))
    return {
        "age": age,
        "kokuho": kokuho,
        "kokuho_h": kokuho_h,
        "kouki": kouki,
        "kaigo": kaigo,
        "nenkin": nenkin,
        "inkan": inkan,
        "keiji": keiji,
        "kotei": kotei,
        "yokaigo": yokaigo,
        "kokuho_from": kokuho_from,
        "kouki_from": np.maximum(pp["birth"] + (75 * _YEAR), pp["in_day"]).astype(np.int64),
        "kaigo_from": np.maximum(pp["birth"] + (65 * _YEAR), pp["in_day"]).astype(np.int64),
        "nenkin_from": np.maximum(pp["birth"] + (20 * _YEAR), kokuho_from).astype(np.int64),
    }


def kyuyo_kojo(x: np.ndarray) -> np.ndarray:
    """給与所得控除 (2020 onwards), without the small-income table rounding."""
    return np.select(
        [x <= 1_625_000, x <= 1_800_000, x <= 3_600_000, x <= 6_600_000, x <= 8_500_000],
        [
            np.minimum(x, 550_000),
            x * 4 // 10 - 100_000,
            x * 3 // 10 + 80_000,
            x * 2 // 10 + 440_000,
            x // 10 + 1_100_000,
        ],
        1_950_000,
    )


def income(c: Chunk, m: dict[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
    """Base income per person (for 所得年 2024 = 課税年度 2025; 2023 is 98% of it)."""
    rng = np.random.default_rng([seed, c.number, 0x1C0])
    P = c.n_persons
    age = m["age"]
    works = (age >= 18) & (age < 70) & (rng.random(P) < np.where(age < 65, 0.78, 0.3))
    kyuyo = np.where(works & ~m["kokuho"], np.round(rng.lognormal(np.log(3_800_000), 0.55, P), -3), 0)
    eigyo = np.where(works & m["kokuho"], np.round(rng.lognormal(np.log(2_400_000), 0.8, P), -3), 0)
    nenkin = np.where(age >= 65, np.round(rng.uniform(600_000, 2_800_000, P), -3), 0)
    return {
        "kyuyo": kyuyo.astype(np.int64),
        "eigyo": eigyo.astype(np.int64),
        "nenkin": nenkin.astype(np.int64),
    }


def kazei(kyuyo: np.ndarray, eigyo: np.ndarray, nenkin: np.ndarray) -> dict[str, np.ndarray]:
    """個人住民税 for one 課税年度: 所得 → 控除 → 課税標準 → 所得割 (6% + 4%) + 均等割 + 森林環境税."""
    kyuyo_shotoku = np.maximum(kyuyo - kyuyo_kojo(kyuyo), 0)
    nenkin_shotoku = np.maximum(nenkin - 1_100_000, 0)
    gokei = kyuyo_shotoku + nenkin_shotoku + eigyo
    shakai = (kyuyo * 15 // 100) + (eigyo * 12 // 100)
    kiso = np.where(gokei <= 24_000_000, 430_000, 0)
    kojo = shakai + kiso
    kazei_sosotoku = np.maximum(gokei - kojo, 0) // 1000 * 1000
    shi = kazei_sosotoku * 6 // 100 // 100 * 100
    ken = kazei_sosotoku * 4 // 100 // 100 * 100
    hikazei = gokei <= 450_000
    kinto_shi = np.where(hikazei, 0, 3000)
    kinto_ken = np.where(hikazei, 0, 1000)
    shi = np.where(hikazei, 0, shi)
    ken = np.where(hikazei, 0, ken)
    shinrin = np.where(hikazei, 0, 1000)
    shotokuwari = shi + ken
    nengaku = shotokuwari + kinto_shi + kinto_ken + shinrin
    kubun = np.where(hikazei, 2, np.where(shotokuwari == 0, 3, 1))
    return {
        "kyuyo_shunyu": kyuyo,
        "kyuyo_shotoku": kyuyo_shotoku,
        "nenkin_shunyu": nenkin,
        "nenkin_shotoku": nenkin_shotoku,
        "eigyo_shotoku": eigyo,
        "gokei_shotoku": gokei,
        "sosotoku_kingaku": gokei,
        "shakai_hoken_kojo": shakai,
        "kiso_kojo": kiso,
        "kojo_gokei": kojo,
        "kazei_sosotoku": kazei_sosotoku,
        "kazei_hyojun_gokei": kazei_sosotoku,
        "shotokuwari_shi": shi,
        "shotokuwari_ken": ken,
        "shotokuwari": shotokuwari,
        "kintowari_shi": kinto_shi,
        "kintowari_ken": kinto_ken,
        "kintowari": kinto_shi + kinto_ken,
        "shinrin_kankyozei": shinrin,
        "genmen_gaku": np.zeros_like(gokei),
        "nengaku": nengaku,
        "kazei_kubun": kubun,
    }
