"""One pass per standard file: copy, SHA-256, record count and the Parquet copy.

With a Parquet copy wanted, :func:`copy_file` has the kernel copy the file while a
:class:`~.copyread.CopyReader` reads and hashes the copy behind it, and the guarded standard CSV reader
(:func:`~chukan_layout.readers.standard_csv.read_standard_csv`: quoted newlines counted right,
undecodable or ragged records counted as rejects) parses those bytes; its batches go to the
:class:`~.parquet.ParquetSink`. Without, nothing is parsed: the kernel copies the file while another
thread hashes the copy and :class:`~.count.LineCounter` counts its line ends outside quotes with the
reader's byte-guard checks (:mod:`.kernelcopy`); only a file the count stops on is counted by the
reader (the same number either way). :func:`scan_file` is that pass without a copy (``snapshot verify``).

:func:`reuse_file` is the pass of ``create --base`` for a file the base snapshot holds: kernel copy
and hash of the copy only, the base's count and Parquet copy when the hash is the same (:mod:`.reuse`).

:func:`copy_files` runs the files in parallel, one process per file (largest first, 2 by
default): SHA-256 and zstd are single-threaded per file, so files are the unit of parallelism.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..spec.model import Layout
from .reuse import Reuse
from .tee import TeeReader


@dataclass(frozen=True)
class FileCopy:
    """What one pass found: the bytes (size, SHA-256), the records, and the Parquet copy if any."""

    size: int
    sha256: str
    records: int
    parquet_columns: dict[str, str] | None = None
    reused: bool = False  # records (and the Parquet copy) taken from the base snapshot (:mod:`.reuse`)
    parquet_hash: tuple[int, str] | None = None  # (size, SHA-256) of the Parquet copy when already known


def _count(src: Path, dest: Path | None, layout: Layout, hashed: tuple[int, str] | None = None) -> FileCopy:
    """Kernel copy + SHA-256 and :class:`~.count.LineCounter` of the copy (:mod:`.kernelcopy`, no parse);
    the guarded reader, over the copy, only if the count trips."""
    from ..readers.standard_csv import column_ids, header_names
    from .count import LineCounter
    from .kernelcopy import copy_hashed

    names = header_names(src)
    column_ids(layout, names, src.name)  # a header the layout does not know is an error, as when parsing
    counter = LineCounter(empty_lines=len(names) > 1)
    size, sha = copy_hashed(src, dest, counter.feed, hashing=hashed is None)
    size, sha = hashed or (size, sha)
    records = counter.records
    if records is None:
        records = _parse(dest or src, None, layout, None, (size, sha)).records
    return FileCopy(size, sha, records)


def _pass(src: Path, dest: Path | None, layout: Layout, parquet: Path | None,
          hashed: tuple[int, str] | None = None) -> FileCopy:  # fmt: skip
    """The one pass; ``hashed``: (size, SHA-256) of ``src`` already known (it is not hashed again)."""
    if parquet is not None:
        return _parse(src, dest, layout, parquet, hashed)
    return _count(src, dest, layout, hashed)


def _parse(src: Path, dest: Path | None, layout: Layout, parquet: Path | None,
           hashed: tuple[int, str] | None = None) -> FileCopy:  # fmt: skip
    from ..readers.standard_csv import StandardCsvReader
    from .copyread import CopyReader
    from .parquet import ParquetSink

    tee = (
        TeeReader(src, None, hashing=hashed is None)
        if dest is None
        else CopyReader(src, dest, hashed is None)
    )
    sink = None
    try:
        reader = StandardCsvReader(tee, layout, source_id=src.name)  # type: ignore[arg-type]
        sink = ParquetSink(layout, parquet) if parquet is not None else None
        rows = 0
        for b in reader:
            rows += b.num_rows
            if sink is not None:
                sink.write(b)
        if sink is not None:
            sink.close()
        size, sha = tee.finish()
        size, sha = hashed or (size, sha)
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    finally:
        tee.close()
    records = rows + reader.reader.stats.records_rejected
    return FileCopy(size, sha, records, sink.columns if sink is not None else None)


def copy_file(src: Path, dest: Path, layout: Layout, parquet: Path | None = None) -> FileCopy:
    """Copy ``src`` to ``dest`` byte for byte, hash and count it, and write its Parquet copy (one read)."""
    return _pass(src, dest, layout, parquet)


def scan_file(path: Path, layout: Layout) -> FileCopy:
    """(size, SHA-256, records) of a standard file in one read (what ``snapshot verify`` compares)."""
    return _pass(path, None, layout, None)


def reuse_file(src: Path, dest: Path, layout: Layout, parquet: Path | None, reuse: Reuse) -> FileCopy:
    """Copy and hash ``src`` (nothing parsed); when its SHA-256 is the base's, take the base's record
    count and Parquet copy (:mod:`.reuse`), else parse the copy just written like :func:`copy_file`.

    The base's Parquet copy is linked and its hash checked on a thread of its own while the file is
    copied (last month's Parquet is rarely in the page cache: its read overlaps the copy); it is
    dropped again when the file's hash is not the base's."""
    from concurrent.futures import ThreadPoolExecutor

    from .kernelcopy import copy_hashed
    from .reuse import take_parquet

    with ThreadPoolExecutor(1, thread_name_prefix="snapshot-base") as pool:
        taken = (
            None if parquet is None or reuse.parquet is None else pool.submit(take_parquet, reuse, parquet)
        )
        try:
            size, sha = copy_hashed(src, dest)  # the SHA-256 of the copy: what the snapshot holds
        finally:
            took = taken is not None and taken.result()
    if (size, sha) == (reuse.size, reuse.sha256):
        if parquet is None:
            return FileCopy(size, sha, reuse.records, reused=True)
        if took:
            return FileCopy(
                size, sha, reuse.records, reuse.columns, True, (reuse.parquet_size, reuse.parquet_sha256)
            )
    elif took and parquet is not None:
        parquet.unlink()  # the base's Parquet copy is of other bytes
    # changed (or its base Parquet did not verify): the full pass over the copy just written (page-cached)
    return _pass(dest, None, layout, parquet, (size, sha))


Task = tuple[Path, Path | None, str, Path | None, Reuse | None]
_Plain = tuple[str, str | None, str, str | None, Reuse | None]


def _run(state: dict[str, Layout], task: _Plain) -> FileCopy:
    from ..spec.registry import load_layout

    src, dest, layout_id, parquet, reuse = task
    if layout_id not in state:
        state[layout_id] = load_layout(layout_id).spec
    pq = None if parquet is None else Path(parquet)
    if reuse is not None and dest is not None:
        return reuse_file(Path(src), Path(dest), state[layout_id], pq, reuse)
    return _pass(Path(src), None if dest is None else Path(dest), state[layout_id], pq)


def copy_files(tasks: Sequence[Task], workers: int = 2) -> list[FileCopy]:
    """:func:`copy_file` (``dest`` None: :func:`scan_file`; a :class:`~.reuse.Reuse`: :func:`reuse_file`)
    of every (src, dest, layout id, parquet, reuse) task, ``workers`` files at a time; results in task order."""
    from ..pipeline.executors import Job, ordered_map

    order = sorted(range(len(tasks)), key=lambda i: -tasks[i][0].stat().st_size)  # largest first
    plain: list[_Plain] = [(str(s), None if d is None else str(d), lid, None if p is None else str(p), r)
                           for s, d, lid, p, r in (tasks[i] for i in order)]  # fmt: skip
    job: Job[dict[str, Layout], _Plain, FileCopy] = Job(_run, make_state=dict)
    # the objects built so far (modules, layouts) leave the collector's generations while the files
    # run: a forked worker's full collections neither walk them nor copy their pages (copy-on-write)
    gc.freeze()
    try:
        results = list(ordered_map(job, plain, workers=workers))
    finally:
        gc.unfreeze()
    out: list[FileCopy | None] = [None] * len(tasks)
    for i, r in zip(order, results, strict=True):
        out[i] = r
    return [r for r in out if r is not None]
