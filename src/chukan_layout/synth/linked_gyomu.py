"""Who is in which of the remaining 標準化対象業務, derived per chunk from the population (numpy only).

The same residents as :mod:`chukan_layout.synth.linked`: every flag is a function of the
chunk's persons and households (age at the 基準日, role, state, income), drawn from a
generator seeded with ``(seed, chunk number, salt)``, so the files stay linked by 宛名番号 and
the output is deterministic. Shares are plausible orders of magnitude, not statistics.

- 選挙人名簿: Japanese residents aged 18+ (also those since moved out or deceased, with their
  表示 / 抹消), as ``juki.jumin`` 選挙人名簿登録有無 says.
- 障害者手帳: a few percent, more among the old; 身体 / 療育 / 精神.
- 児童手当: heads of households with living children under 18 (高校生年代まで).
- 児童扶養手当: heads without a spouse who raise children under 18.
- 健(検)診: residents aged 40+, a third of them screened in the year.
- 学齢簿: Japanese children of 学齢 (小1–中3 in 2025年度).
- 教育・保育給付認定: children aged 0–5.
- 生活保護: a small share of low-income households.
"""

from __future__ import annotations

import numpy as np

from .calendar import day, ymd
from .population import CHILD, HEAD, LIVING, SPOUSE, Chunk

_YEAR = 365.2425
NENDO = 2025  # the 年度 of the extract (基準日 2025-04-01)
KENSHIN_NENDO = 2024  # screenings of the last complete 年度


def head_index(c: Chunk) -> np.ndarray:
    """Chunk-local index of each person's head of household (the household's first person)."""
    starts = np.flatnonzero(c.pp["pos"] == 0)
    return starts[c.pp["h_of"]]


def fiscal_year(days: np.ndarray) -> np.ndarray:
    y, m, _ = ymd(days)
    return y - (m < 4)


def school_grade(birth: np.ndarray, nendo: int = NENDO) -> np.ndarray:
    """学年 (1 = 小1 … 9 = 中3) in ``nendo``; born on 1 April counts with the earlier cohort."""
    return nendo - fiscal_year(birth - 1) - 6


def gyomu_membership(
    c: Chunk, m: dict[str, np.ndarray], inc: dict[str, np.ndarray], seed: int
) -> dict[str, np.ndarray]:
    """Per-person (and per-household) flags of the remaining 業務; ``m`` from ``linked.membership``."""
    pp = c.pp
    rng = np.random.default_rng([seed, c.number, 0x6E0])
    P = c.n_persons
    H = int(c.hh["hid"].shape[0])
    age = m["age"]
    living = pp["state"] == LIVING
    japanese = ~pp["foreign"]
    head = head_index(c)
    h = pp["h_of"]
    child = living & (pp["role"] == CHILD) & (age < 18) & (head != np.arange(P))
    kids_h = np.bincount(h[child], minlength=H)
    spouse_h = np.bincount(h[living & (pp["role"] == SPOUSE)], minlength=H) > 0
    is_head = (pp["role"] == HEAD) & living & (age >= 18)
    total_income = inc["kyuyo"] + inc["eigyo"] + inc["nenkin"]
    income_h = np.bincount(h, weights=total_income * living, minlength=H).astype(np.int64)
    size_h = np.bincount(h[living], minlength=H)

    # 障害者手帳: kind 1 身体 / 2 療育 / 3 精神 (0 = none)
    r = rng.random(P)
    techo = r < np.where(age >= 65, 0.09, 0.025)
    kind = np.where(
        age < 18, rng.choice([1, 2, 3], P, p=[0.3, 0.6, 0.1]), rng.choice([1, 2, 3], P, p=[0.72, 0.1, 0.18])
    )
    techo_kind = np.where(techo, kind, 0)

    # 生活保護: low-income households (a few of them), all living members
    low = (income_h < 1_300_000) & (size_h > 0) & (rng.random(H) < 0.25)
    seiho = low[h] & living

    # 健(検)診: one or two screenings in the year for a third of those aged 40+
    kenshin = living & (age >= 40) & (rng.random(P) < 0.35)
    kenshin2 = kenshin & (rng.random(P) < 0.3)

    grade = school_grade(pp["birth"])
    return {
        "head": head,
        "senkyo": japanese & (age >= 18),
        "techo_kind": techo_kind,
        "jido_child": child,
        "jido_recipient": is_head & (kids_h[h] > 0),
        "fuyo_recipient": is_head & (kids_h[h] > 0) & ~spouse_h[h],
        "kenshin": kenshin,
        "kenshin2": kenshin2,
        "grade": grade,
        "gakurei": living & japanese & (grade >= 1) & (grade <= 9) & (head != np.arange(P)),
        "kodomo": living & (age <= 5) & (head != np.arange(P)),
        "seiho": seiho,
        "seiho_h": low,
        "income": total_income,
        "income_h": income_h,
        "kids_h": kids_h,
        "spouse_h": spouse_h,
    }


def eighteenth_birthday(birth: np.ndarray) -> np.ndarray:
    return (birth + np.ceil(18 * _YEAR)).astype(np.int64)


def spread(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A day in ``[lo, hi]`` per row (``lo`` where ``hi < lo``)."""
    width = np.maximum(hi - lo, 0)
    return (lo + np.floor(rng.random(lo.shape[0]) * (width + 1))).astype(np.int64)


FY_START = day(f"{NENDO}-04-01")  # the synthetic 基準日 (REF_DAY) is the first day of the 年度
KENSHIN_FROM, KENSHIN_TO = day(f"{KENSHIN_NENDO}-04-01"), day(f"{KENSHIN_NENDO + 1}-03-31")
