"""The synthetic municipality: households and residents, drawn a chunk of households at a time.

Everything is numpy over a chunk (a few thousand households): no per-person Python. Each
chunk has its own ``Generator`` seeded with ``(seed, chunk number)``, so the output is a pure
function of (seed, N, chunk size) and memory stays flat whatever N is. Identifiers are
global serials pushed through :class:`~chukan_layout.synth.ids.Permutation` (unique, with
check digits).

Domain columns are integers (indices into name/address tables, day numbers, codes as
small ints); :mod:`chukan_layout.synth.golden` turns them into layout strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from . import foreign
from .calendar import BOUNDARY_DATES, day, era_index
from .ids import Permutation, atena_mod11, juminhyo_code, kojin_bango
from .reference import Municipality, family_names, given_names

REF_DAY = day("2025-04-01")  # 基準日 of the extract: fixed, so output never depends on today
_YEAR = 365.2425
FOREIGN_START = day("2012-07-09")  # 外国人住民 in the 住民基本台帳 since this day

# roles in a household
HEAD, SPOUSE, CHILD, FATHER, MOTHER, COHABITANT = range(6)
# resident states (住民状態) and history-row kinds (異動)
LIVING, MOVED_OUT, DEAD = 1, 2, 3
ROW_BIRTH, ROW_MOVE_IN, ROW_RELOCATE, ROW_MOVE_OUT, ROW_DEATH = range(5)

_SIZES = np.array([1, 2, 3, 4, 5, 6])
_SIZE_P = np.array([0.36, 0.28, 0.17, 0.13, 0.045, 0.015])


@dataclass
class Chunk:
    """One chunk of households with their residents and juki history rows (all numpy)."""

    number: int
    hh: dict[str, np.ndarray] = field(default_factory=dict)  # one row per household
    pp: dict[str, np.ndarray] = field(default_factory=dict)  # one row per person
    hist: dict[str, np.ndarray] = field(default_factory=dict)  # one row per juki.jumin record

    @property
    def n_persons(self) -> int:
        return int(self.pp["pid"].shape[0])


class Population:
    """Draws households and residents of one municipality, chunk by chunk."""

    def __init__(
        self, seed: int, muni: Municipality, *, atena_digits: int = 15, setai_digits: int = 15
    ) -> None:
        self.seed = seed
        self.muni = muni
        rng = np.random.default_rng([seed, 0xA7E4A])
        self.perm_juminhyo = Permutation(rng, 10)
        self.perm_kojin = Permutation(rng, 11)
        self.atena_digits = atena_digits
        self.setai_digits = setai_digits
        self.fam = family_names()
        self.given = (given_names("m"), given_names("f"))
        self.ffam_nat, *_ = foreign.family_tables()
        self._ffam_by_nat = [np.flatnonzero(self.ffam_nat == i) for i in range(len(foreign.NATIONALITIES))]

    # -- identifiers ---------------------------------------------------------------------
    def atena_no(self, pid: np.ndarray) -> np.ndarray:
        base = 10 ** (self.atena_digits - 2) + pid  # serials, leading 1 so the number keeps its width
        return atena_mod11(base, self.atena_digits - 1)

    def setai_no(self, hid: np.ndarray) -> np.ndarray:
        base = 2 * 10 ** (self.setai_digits - 2) + hid
        return atena_mod11(base, self.setai_digits - 1)

    # -- households ----------------------------------------------------------------------
    def chunks(self, n_residents: int, households_per_chunk: int = 4096) -> Iterator[Chunk]:
        """Yield chunks until exactly ``n_residents`` persons exist."""
        done_p = done_h = 0
        number = 0
        while done_p < n_residents:
            rng = np.random.default_rng([self.seed, number + 1])
            sizes = rng.choice(_SIZES, size=households_per_chunk, p=_SIZE_P)
            cum = np.cumsum(sizes)
            left = n_residents - done_p
            if cum[-1] > left:
                k = int(np.searchsorted(cum, left, side="left"))
                sizes = sizes[: k + 1].copy()
                sizes[k] = left - (int(cum[k - 1]) if k > 0 else 0)
            chunk = self._chunk(rng, number, sizes, done_p, done_h)
            done_p += chunk.n_persons
            done_h += sizes.shape[0]
            number += 1
            yield chunk

    def _chunk(self, rng: np.random.Generator, number: int, sizes: np.ndarray, p0: int, h0: int) -> Chunk:
        H = int(sizes.shape[0])
        P = int(sizes.sum())
        c = Chunk(number)
        hid = np.arange(h0, h0 + H, dtype=np.int64)
        is_foreign_h = rng.random(H) < 0.03
        married = (sizes >= 2) & (rng.random(H) < 0.8)
        three_gen = (sizes >= 4) & (rng.random(H) < 0.15)
        cohab = (sizes >= 2) & ~married & (rng.random(H) < 0.08)
        nat_h = rng.choice(len(foreign.NATIONALITIES), size=H, p=foreign.nationality_probs())

        # persons: expand households
        h_of = np.repeat(np.arange(H), sizes)
        start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        pos = np.arange(P) - start[h_of]
        last = pos == sizes[h_of] - 1
        role = np.full(P, CHILD, dtype=np.int8)
        role[pos == 0] = HEAD
        role[(pos == 1) & married[h_of]] = SPOUSE
        role[(pos == 1) & cohab[h_of]] = COHABITANT
        parent = last & three_gen[h_of] & (pos >= 3)
        role[parent] = np.where(rng.random(int(parent.sum())) < 0.7, MOTHER, FATHER)

        # ages (years) and genders
        head_age = np.where(
            sizes >= 3,
            rng.integers(30, 60, H),
            np.where(married, rng.integers(24, 92, H), rng.integers(18, 96, H)),
        ).astype(np.float64)
        head_male = np.where(married, rng.random(H) < 0.85, rng.random(H) < 0.5)
        age = np.empty(P)
        ha = head_age[h_of]
        age[:] = np.clip(ha - rng.integers(22, 40, P), 0, None)  # children
        sel = role == HEAD
        age[sel] = ha[sel]
        sel = role == SPOUSE
        age[sel] = np.clip(ha[sel] + rng.normal(-1.5, 3.0, int(sel.sum())), 18, 100)
        sel = (role == MOTHER) | (role == FATHER)
        age[sel] = np.clip(ha[sel] + rng.integers(24, 36, int(sel.sum())), 0, 104)
        sel = role == COHABITANT
        age[sel] = rng.integers(18, 80, int(sel.sum()))
        male = rng.random(P) < 0.5
        male[role == HEAD] = head_male
        male[role == SPOUSE] = ~head_male[h_of[role == SPOUSE]]
        male[role == MOTHER] = False
        male[role == FATHER] = True
        # a handful of very old single residents: births in 明治
        very_old = (sizes[h_of] == 1) & (rng.random(P) < 0.0005)
        age[very_old] = rng.uniform(112.8, 114.5, int(very_old.sum()))

        birth = (REF_DAY - age * _YEAR - rng.uniform(0, _YEAR, P)).astype(np.int64)
        # era-boundary births: a small share lands exactly on a boundary date, and the first
        # chunk always carries every boundary date once (so even tiny runs exercise them)
        snap = rng.random(P) < 0.002
        birth[snap] = rng.choice(BOUNDARY_DATES, int(snap.sum()))
        if number == 0:
            self._force_boundaries(birth, role, sizes, h_of)
        birth = np.minimum(birth, REF_DAY - 1)
        age_now = (REF_DAY - birth) / _YEAR

        # 不詳: some residents born before 1950 have an unknown day (1) or month and day (2)
        old = birth < day("1950-01-01")
        unk = np.zeros(P, dtype=np.int8)
        r = rng.random(P)
        unk[old & (r < 0.01)] = 1
        unk[old & (r < 0.004)] = 2
        if number == 0:
            first_old = np.flatnonzero(old & (role == HEAD) & ~np.isin(birth, BOUNDARY_DATES))[:2]
            unk[first_old] = [1, 2][: first_old.shape[0]]

        # names
        fam_h = rng.choice(self.fam.p.shape[0], size=H, p=self.fam.p)
        fam = fam_h[h_of].copy()
        sel = role == COHABITANT
        fam[sel] = rng.choice(self.fam.p.shape[0], size=int(sel.sum()), p=self.fam.p)
        given = np.where(
            male,
            rng.choice(self.given[0].p.shape[0], size=P, p=self.given[0].p),
            rng.choice(self.given[1].p.shape[0], size=P, p=self.given[1].p),
        )
        foreign_p = is_foreign_h[h_of]
        nat = nat_h[h_of]
        # foreign residents: family names by nationality, given names from the shared stock
        ffam_h = np.array(
            [self._ffam_by_nat[n][rng.integers(len(self._ffam_by_nat[n]))] for n in nat_h[is_foreign_h]]
        )
        ffam = np.zeros(H, dtype=np.int64)
        ffam[is_foreign_h] = ffam_h if ffam_h.size else 0
        fgiven = np.where(
            male, rng.integers(len(foreign.GIVEN_M), size=P), rng.integers(len(foreign.GIVEN_F), size=P)
        )
        status = rng.choice(len(foreign.STATUSES), size=P, p=foreign.status_probs())
        status[foreign_p & (nat == 2) & (rng.random(P) < 0.5)] = len(foreign.STATUSES) - 1  # 特別永住者 (KOR)
        card = _card_numbers(rng, P)
        has_expiry = np.array([s[2] for s in foreign.STATUSES])[status]
        expiry = np.where(has_expiry, REF_DAY + rng.integers(60, 5 * 365, P), -1)

        # addresses (households) and previous addresses (for 転居 rows)
        towns = self.muni.town.shape[0]
        town = rng.integers(0, towns, H)
        chome = np.where(self.muni.chome[town], rng.integers(1, 6, H), 0)
        ban = rng.integers(1, 40, H)
        go = rng.integers(1, 30, H)
        katagaki = np.where(rng.random(H) < 0.15, rng.integers(0, 6, H), -1)
        room = rng.integers(1, 12, H) * 100 + rng.integers(1, 10, H)

        # moves and deletions
        head_in = np.maximum(birth[start] + (18 * _YEAR), day("1968-01-01")).astype(np.int64)
        head_in = head_in + (rng.random(H) * np.maximum(REF_DAY - 30 - head_in, 1)).astype(np.int64)
        head_in = np.minimum(head_in, REF_DAY - 30)
        in_day = np.maximum(head_in[h_of], birth)
        other_in = (role == COHABITANT) | (role == SPOUSE) & (rng.random(P) < 0.5)
        in_day[other_in] = np.maximum(
            in_day[other_in], head_in[h_of][other_in] + rng.integers(0, 900, int(other_in.sum()))
        )
        in_day = np.minimum(in_day, REF_DAY - 20)
        # foreigners became 住民 when the law took them in (2012-07-09) at the earliest
        in_day = np.where(foreign_p, np.maximum(in_day, FOREIGN_START), in_day)
        born_here = (in_day <= birth) & (unk == 0)
        in_day = np.where(born_here, birth, np.maximum(in_day, birth + 1))
        relocated = (REF_DAY - in_day > 400) & (rng.random(P) < 0.2)
        span = np.maximum(REF_DAY - 10 - (in_day + 30), 1)
        move_day = np.where(relocated, in_day + 30 + (rng.random(P) * span).astype(np.int64), -1)
        state = np.full(P, LIVING, dtype=np.int8)
        single = sizes[h_of] == 1
        r = rng.random(P)
        state[single & (r < 0.05)] = MOVED_OUT
        state[single & (r < 0.05) & (age_now >= 70) & (rng.random(P) < 0.6)] = DEAD
        state[(role == CHILD) & (age_now >= 18) & (r < 0.03)] = MOVED_OUT
        state[((role == MOTHER) | (role == FATHER)) & (r < 0.08)] = DEAD
        last_change = np.maximum(in_day, move_day)
        out_day = np.where(
            state != LIVING,
            last_change + 1 + (rng.random(P) * np.maximum(REF_DAY - 2 - last_change, 1)).astype(np.int64),
            -1,
        )

        pid = np.arange(p0, p0 + P, dtype=np.int64)
        living = state == LIVING
        members = np.bincount(h_of[living], minlength=H)
        c.hh = {
            "hid": hid,
            "setai_no": self.setai_no(hid),
            "size": members,
            "town": town,
            "chome": chome,
            "ban": ban,
            "go": go,
            "katagaki": katagaki,
            "room": room,
            "foreign": is_foreign_h,
            "head_pid": pid[start],
            "head_in": head_in,
            "deleted": members == 0,
            "out_day": np.where(members == 0, out_day[start], -1),
        }
        prev_town = rng.integers(0, towns, P)
        c.pp = {
            "pid": pid,
            "hid": hid[h_of],
            "h_of": h_of,
            "pos": pos,
            "role": role,
            "male": male,
            "birth": birth,
            "unk": unk,
            "era": era_index(birth),
            "fam": fam,
            "given": given,
            "foreign": foreign_p,
            "nat": nat,
            "ffam": ffam[h_of],
            "fgiven": fgiven,
            "status": status,
            "card": card,
            "expiry": expiry,
            "atena_no": self.atena_no(pid),
            "setai_no": c.hh["setai_no"][h_of],
            "juminhyo": juminhyo_code(self.perm_juminhyo(pid)),
            "kojin": kojin_bango(self.perm_kojin(pid)),
            "state": state,
            "in_day": in_day,
            "born_here": born_here,
            "relocated": relocated,
            "move_day": move_day,
            "out_day": out_day,
            "prev_town": prev_town,
            "prev_chome": np.where(self.muni.chome[prev_town], rng.integers(1, 6, P), 0),
            "prev_ban": rng.integers(1, 40, P),
            "prev_go": rng.integers(1, 30, P),
        }
        c.hist = _history(c.pp)
        return c

    @staticmethod
    def _force_boundaries(birth: np.ndarray, role: np.ndarray, sizes: np.ndarray, h_of: np.ndarray) -> None:
        """First chunk: put every era-boundary date on some resident (old ones on single heads)."""
        heads = np.flatnonzero((role == HEAD) & (sizes[h_of] == 1))
        kids = np.flatnonzero(role == CHILD)
        old, young = BOUNDARY_DATES[:6], BOUNDARY_DATES[6:]
        birth[heads[: old.shape[0]]] = old[: heads[: old.shape[0]].shape[0]]
        birth[kids[: young.shape[0]]] = young[: kids[: young.shape[0]].shape[0]]


def _card_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """在留カード番号: 2 letters, 8 digits, 2 letters (AB12345678CD)."""
    letters = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
    b = np.empty((n, 12), dtype=np.uint8)
    b[:, [0, 1, 10, 11]] = letters[rng.integers(0, 26, (n, 4))]
    b[:, 2:10] = rng.integers(48, 58, (n, 8), dtype=np.uint8)
    return b.view("S12").ravel()


def _history(pp: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """juki.jumin rows: 記載 (出生/転入), then 転居 if any, then 転出/死亡 if deleted; last = 最新."""
    n_rows = 1 + pp["relocated"].astype(np.int64) + (pp["state"] != LIVING)
    person = np.repeat(np.arange(n_rows.shape[0]), n_rows)
    start = np.concatenate(([0], np.cumsum(n_rows)[:-1]))
    k = np.arange(person.shape[0]) - start[person]
    relocated = pp["relocated"][person]
    kind = np.where(pp["born_here"][person], ROW_BIRTH, ROW_MOVE_IN)
    kind = np.where((k == 1) & relocated, ROW_RELOCATE, kind)
    deleted_row = (k == n_rows[person] - 1) & (k > 0) & (pp["state"][person] != LIVING)
    kind = np.where(deleted_row, np.where(pp["state"][person] == DEAD, ROW_DEATH, ROW_MOVE_OUT), kind)
    event_day = np.select(
        [kind == ROW_RELOCATE, (kind == ROW_MOVE_OUT) | (kind == ROW_DEATH)],
        [pp["move_day"][person], pp["out_day"][person]],
        pp["in_day"][person],
    )
    # the row's address is the previous one only on the first row of a relocated person
    at_prev = relocated & (k == 0)
    return {
        "person": person,
        "rireki_no": k + 1,
        "latest": k == n_rows[person] - 1,
        "kind": kind,
        "event_day": event_day,
        "at_prev": at_prev,
        # the state as of that row: deleted only on the deletion row
        "row_state": np.where(deleted_row, pp["state"][person], LIVING),
    }
