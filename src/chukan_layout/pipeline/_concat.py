"""One output file of a run: its header and the bytes of its parts, in run order, into a temporary
sibling, hashed as they come (:class:`Concat`); renamed into place only when every output is
complete. The header rows of the standard CSV outputs and of ``gaiji.csv``."""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import OutputError
from ..files import AppendAt, AtomicFile
from ..spec.model import Layout


def standard_header(layout: Layout, encoding: str = "utf-8", eol: str = "\r\n") -> bytes:
    """The header row of 項目名称 exactly as :class:`~.write.standard_csv.StandardCsvWriter` writes it."""
    line = ",".join('"' + it.name.replace('"', '""') + '"' for it in layout.items) + eol
    return (
        line.encode("utf-8")
        if encoding.replace("-", "_").lower() in ("utf_8", "utf8")
        else line.encode(encoding)
    )


def sidecar_header() -> bytes:
    """The ``gaiji.csv`` header row (as the 外字 stage's own sidecar writer writes it)."""
    from ..gaiji.stage import SIDECAR_SCHEMA

    buf = io.BytesIO()
    opts = pacsv.WriteOptions(include_header=True, quoting_style="needed", eol="\r\n")  # type: ignore[call-arg]
    pacsv.write_csv(pa.table({f.name: pa.array([], f.type) for f in SIDECAR_SCHEMA}), buf, opts)
    return buf.getvalue()


# Bytes appended to an output before this process asks the kernel to write them out (an
# fdatasync in a background thread): the dirty pages of a 1 GB output otherwise all wait for the
# commit's fsync, ~0.5 s of a 1M-resident run in which nothing else happens (issue 15).
SYNC_BYTES = 128 << 20


class Concat:
    """``head`` + the bytes of part files into a temporary sibling of ``path``; :meth:`commit` renames it.

    Parts are appended as they come (:meth:`add`, in run order: the parent copies a part while
    the workers convert the next ones) or all at once (``parts``). :meth:`close` completes the
    file (``sha256``, ``size``); :meth:`abort` removes it unless committed. Every
    :data:`SYNC_BYTES` appended, and on :meth:`sync` (all parts are in), a background thread
    writes the file's bytes to disk (``fdatasync``) while the run goes on; :meth:`commit`'s
    own fsync then has little left to wait for.
    """

    def __init__(
        self, path: str | Path, head: bytes, parts: Sequence[str] = (), *, remove_parts: bool = False,
        remote: Callable[[AppendAt], None] | None = None,
    ) -> None:  # fmt: skip
        self.path = Path(path)
        self._file = AtomicFile(self.path)
        self._done = False
        self._remove = remove_parts
        self._remote = remote if remove_parts else None
        self._handed: list[str] = []  # parts whose copy went out: each removed once in place
        self._w = self._file.open()
        self._w.write(head)
        self.sha256 = ""
        self.size = 0
        self._syncing: threading.Thread | None = None
        self._synced = 0  # bytes written when the last background sync began
        self._reader = -1  # a readable descriptor of the file, for parts placed by a worker
        self._published = False  # workers may have placed parts (and void ones past the end)
        for p in parts:
            self.add(p)
        if parts:
            self.close()

    def add(self, part: str) -> None:
        """Append the bytes of one part file (removed afterwards with ``remove_parts``).

        With ``remote`` (and ``remove_parts``), this process only hashes the part: the copy into
        place (and the part's removal) is an :class:`~chukan_layout.files.AppendAt` handed to
        ``remote``, whose caller runs it — on a worker — before :meth:`commit`."""
        if self._remote is not None:
            offset = self._w.bytes_written
            size = self._w.hash_from(part)
            if size:
                self._remote(AppendAt(part, str(self._file.temp_path), offset, size))
                self._handed.append(part)
            else:
                os.unlink(part)
        else:
            self._w.copy_from(part)  # hashed from a mapping, copied by the kernel
            if self._remove:
                os.unlink(part)
        if self._w.bytes_written - self._synced >= SYNC_BYTES:
            self.sync()

    @property
    def temp_path(self) -> Path:
        """Where the output is written until :meth:`commit` (workers place parts there)."""
        return self._file.temp_path

    def end(self) -> int:
        """Where the next part goes (every byte before it handed to the OS: another process may
        write the next part there now, :mod:`._place`)."""
        self._file.flush()
        self._published = True
        return self._w.bytes_written

    def add_placed(self, offset: int, size: int) -> None:
        """A part a worker wrote straight into this file at ``offset`` (``end()`` when it was
        published): hashed from the file, in run order as :meth:`add` (:mod:`._place`)."""
        if not size:
            return
        if self._reader < 0:
            self._reader = os.open(self._file.temp_path, os.O_RDONLY)
        try:
            self._w.hash_placed(self._reader, offset, size)
        except ValueError as e:
            raise OutputError(f"{self.path.name}: {e}") from None
        if self._w.bytes_written - self._synced >= SYNC_BYTES:
            self.sync()

    def sync(self) -> None:
        """Start writing the bytes appended so far to disk in the background (unless a sync runs)."""
        if self._done or (self._syncing is not None and self._syncing.is_alive()):
            return
        self._synced = self._w.bytes_written
        fd = self._file.flush()
        self._syncing = threading.Thread(target=_datasync, args=(fd,), name="chukan-sync", daemon=True)
        self._syncing.start()

    def _join_sync(self) -> None:
        if self._syncing is not None:  # never close the descriptor under a running fdatasync
            self._syncing.join()
            self._syncing = None

    def close(self) -> None:
        """The file is complete: ``sha256`` and ``size`` are final (renamed by :meth:`commit`)."""
        self.sha256 = self._w.sha256
        self.size = self._w.bytes_written

    def commit(self) -> None:
        self.close()
        self._join_sync()
        if self._remote is not None:  # every copy handed out is in place: no hole, nothing short
            left = next((p for p in self._handed if os.path.exists(p)), None)
            if left is not None:  # an AppendAt removes its part only once all of it is in place
                raise OutputError(f"{self.path.name}: the copy of part {Path(left).name} was never made")
            got = os.fstat(self._file.flush()).st_size
            if got != self.size:
                raise OutputError(f"{self.path.name}: {got} bytes in place, {self.size} merged")
        if self._published:  # a void partition's placed rows may lie past the end: cut off
            os.ftruncate(self._file.flush(), self.size)
        self._close_reader()
        self._file.close()  # flush, fsync, rename into place
        self._done = True

    def _close_reader(self) -> None:
        if self._reader >= 0:
            os.close(self._reader)
            self._reader = -1

    def abort(self) -> None:
        if not self._done:
            self._join_sync()
            self._close_reader()
            self._file.abort()


def _datasync(fd: int) -> None:
    with contextlib.suppress(OSError):  # only a head start: the commit's fsync reports a real failure
        getattr(os, "fdatasync", os.fsync)(fd)  # no fdatasync on macOS
