"""Mutation fuzzing of ``convert`` over real synthetic vendor A / B / C exports (issue 14, point 5).

Each example mutates every file of one vendor export (bit flips, cuts, splices of the file's
own bytes, inserted CR / LF / NUL / CRLF, damaged RDWs / BDWs) and runs :func:`chukan_layout.convert` with
validation on all of them. What must hold, whatever the bytes:

- the run ends with a result or with an exception of the documented tree (:class:`ChukanError`);
- when it ends with a result, every file's accounting balances (in = out + rejected + control);
- it ends in bounded time.

Used by ``tests/pipeline/test_fuzz_convert.py`` (a bounded run in ``make test``) and by
``make fuzz`` (``python -m tests.pipeline.fuzzing --inputs 100000``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

VENDORS = {"a": ("vendor_a", "*.DAT"), "b": ("vendor_b", "*.csv"), "c": ("vendor_c", "*.EBC")}
INSERTS = (b"\r", b"\n", b"\x00", b"\r\n", b'"')

# one mutation: (kind, position as a fraction of the file, size / byte argument)
mutation = st.tuples(
    st.sampled_from(["flip", "cut_tail", "cut_middle", "splice", "insert", "frame"]),
    st.floats(0, 1, allow_nan=False),
    st.integers(0, 4096),
)
mutations = st.lists(mutation, min_size=1, max_size=4)


def mutate(data: bytes, ops: list[tuple[str, float, int]]) -> bytes:
    """``data`` with the mutations applied in order (positions scale with the current length)."""
    b = bytearray(data)
    for kind, frac, arg in ops:
        pos = min(len(b), int(frac * len(b)))
        if kind == "flip" and b:
            b[min(pos, len(b) - 1)] ^= 1 << (arg % 8)
        elif kind == "cut_tail":
            del b[pos:]
        elif kind == "cut_middle":
            del b[pos : pos + 1 + arg % 512]
        elif kind == "splice" and b:
            src = (arg * 7919) % len(b)
            b[pos:pos] = b[src : src + 1 + arg % 700]
        elif kind == "insert":
            b[pos:pos] = INSERTS[arg % len(INSERTS)]
        elif kind == "frame" and len(b) >= 4:  # an RDW / BDW (vendor C), else the first 4 bytes
            p = _descriptor_near(b, pos)
            if arg % 3 == 0:
                b[p + 2 : p + 4] = bytes([1 + arg % 255, 0x40])  # its zero half made non-zero
            elif arg % 3 == 1:
                n = int.from_bytes(b[p : p + 2], "big") + (arg % 9) - 4  # a plausible wrong length
                b[p : p + 2] = max(0, min(n, 0xFFFF)).to_bytes(2, "big")
            else:
                b[p : p + 2] = b"\xff\xff"  # longer than what is left
    return bytes(b)


def _descriptor_near(b: bytearray, pos: int) -> int:
    """Offset of the RDW (VB: BDW) at or before ``pos``, following the length chain from the start."""
    p = 0
    while p + 4 <= len(b):
        n = int.from_bytes(b[p : p + 2], "big")
        if n < 4 or b[p + 2 : p + 4] != b"\0\0" or p + n > pos or p + n + 4 > len(b):
            break
        p += n
    return p


def make_corpus(root: Path, residents: int = 40, seed: int = 3) -> dict[str, list[Path]]:
    """Vendor A, B and C exports of one small synthetic town: ``{adapter: [files]}``."""
    from chukan_layout.synth.generate import generate

    out: dict[str, list[Path]] = {}
    for v, (adapter, pattern) in VENDORS.items():
        generate(root / v, vendors=v, residents=residents, seed=seed)
        out[adapter] = sorted((root / v / adapter).glob(pattern))
    return out


@dataclass
class Tally:
    """What a fuzz run saw."""

    runs: int = 0
    inputs: int = 0  # mutated files
    completed: int = 0  # runs that ended with a result
    documented_errors: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)  # anything outside the error tree
    unbalanced: list[str] = field(default_factory=list)
    slowest: float = 0.0


_ADAPTERS: dict[str, object] = {}


def run_one(adapter: str, originals: list[Path], ops: list[tuple[str, float, int]], work: Path,
            tally: Tally) -> None:  # fmt: skip
    """Mutate every file of one export with ``ops`` (shifted per file), convert, check the outcome."""
    from chukan_layout import convert
    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.errors import ChukanError

    if adapter not in _ADAPTERS:  # parsed once: the adapter YAML took most of a small run
        _ADAPTERS[adapter] = load_adapter(adapter)

    if work.exists():
        shutil.rmtree(work)
    inputs = work / "in"
    inputs.mkdir(parents=True)
    files = []
    for i, p in enumerate(originals):
        shifted = [(k, (f + i * 0.137) % 1.0, a + i) for k, f, a in ops]
        q = inputs / p.name
        q.write_bytes(mutate(p.read_bytes(), shifted))
        files.append(q)
    tally.runs += 1
    tally.inputs += len(files)
    t0 = time.perf_counter()
    try:
        res = convert(_ADAPTERS[adapter], files, work / "out", validate=True, workers=1)
    except ChukanError as e:
        name = type(e).__name__
        tally.documented_errors[name] = tally.documented_errors.get(name, 0) + 1
    except Exception as e:
        tally.crashes.append(f"{adapter} {ops!r}: {type(e).__name__}: {e}"[:500])
    else:
        tally.completed += 1
        for acc in res.files:
            if not acc.balanced:
                tally.unbalanced.append(f"{adapter} {acc.file} {ops!r}")
    tally.slowest = max(tally.slowest, time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    """``make fuzz``: ≥ N mutated inputs through convert; prints the tally, exit 1 on any crash."""
    from hypothesis import HealthCheck, given, seed, settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=100_000, help="mutated files to try (≈ 5 per run)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a tmpfs if any)")
    a = ap.parse_args(argv)
    base = a.work or (Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir()))
    scratch = Path(tempfile.mkdtemp(prefix="chukan-fuzz-", dir=base))
    tally = Tally()
    t0 = time.time()
    try:
        corpus = make_corpus(scratch / "corpus")
        per_run = sum(len(v) for v in corpus.values()) / len(corpus)

        rounds = 0
        # rounds until the count is reached: examples per round come from the average files per
        # run, so one round alone can fall a few inputs short of --inputs
        while tally.inputs < a.inputs:
            before = tally.inputs
            examples = int((a.inputs - tally.inputs) / per_run) + 1

            @seed(a.seed + 1_000_003 * rounds)
            @settings(max_examples=examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            @given(st.sampled_from(sorted(corpus)), mutations)
            def fuzz(adapter: str, ops: list[tuple[str, float, int]]) -> None:
                run_one(adapter, corpus[adapter], ops, scratch / "run", tally)
                if tally.runs % 500 == 0:
                    print(
                        f"  {tally.inputs} inputs, {len(tally.crashes)} crashes, {time.time() - t0:.0f} s",
                        flush=True,
                    )

            fuzz()
            rounds += 1
            if tally.inputs == before:  # pragma: no cover - Hypothesis found nothing more to try
                break
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"fuzz: {tally.inputs} mutated inputs in {tally.runs} convert runs, {time.time() - t0:.0f} s; "
          f"completed {tally.completed}, documented errors {tally.documented_errors}; "
          f"crashes {len(tally.crashes)}, accounting violations {len(tally.unbalanced)}; "
          f"slowest run {tally.slowest:.2f} s")  # fmt: skip
    for c in tally.crashes[:20] + tally.unbalanced[:20]:
        print("  ", c)
    return 1 if tally.crashes or tally.unbalanced else 0


if __name__ == "__main__":
    sys.exit(main())
