"""A convert run's inputs as the parent handles them: named, lookup sources first
(:class:`RunInputs`), and their SHA-256 for the report, made while the run goes on
(:class:`RunHashes`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapt.loader import Adapter
from ..findings import FindingSet
from ..input_hashes import BackgroundHashes, ForkedHashes, complete_digests
from .structure import alias_duplicates

if TYPE_CHECKING:
    from ._dask import DaskSession


@dataclass(frozen=True)
class RunInputs:
    """The run's inputs, each with a name of its own (accounting goes by name): the lookup
    sources' files by source id, the data files in run order, ``{alias path: original path}``."""

    lookup_paths: dict[str, list[Path]]
    files: list[tuple[str, Path, Any]]
    aliases: dict[str, str]

    @classmethod
    def named(
        cls, ad: Adapter, assigned: Mapping[str, Sequence[Path]], folder: Path, fs: FindingSet
    ) -> RunInputs:
        """``assigned`` (source id → files) named: a later input of a name taken gets an alias in
        ``folder`` (:func:`.structure.alias_duplicates`)."""
        # every input, lookup sources first, gets a name of its own: accounting goes by name
        lookup_files = [(s.id, p, s.definition) for s in ad.sources.values() if s.role == "lookup"
                        for p in assigned[s.id]]  # fmt: skip
        data_files = [(s.id, p, s.definition) for s in ad.data_sources() for p in assigned[s.id]]
        named, aliases = alias_duplicates(lookup_files + data_files, folder, fs)  # one row per input
        lookup_paths: dict[str, list[Path]] = {s.id: [] for s in ad.sources.values() if s.role == "lookup"}
        for sid, p, _ in named[: len(lookup_files)]:
            lookup_paths[sid].append(p)
        return cls(lookup_paths, named[len(lookup_files) :], aliases)


class RunHashes:
    """The SHA-256 of the run's inputs (for the report): on the Dask workers when the run has them
    (the client reads no input byte), else in a thread of this process beside the pool; what the
    command's forked child hashes (``early``) is taken from it. Only a validating run hashes."""

    def __init__(self, assigned: Mapping[str, Sequence[Path]], session: DaskSession | None,
                 early: ForkedHashes | None, *, validate: bool) -> None:  # fmt: skip
        self.paths = [p for ps in assigned.values() for p in ps]
        self.validate = validate
        self._workers = session.input_hashes() if session is not None else None
        self._hashes = self._workers if self._workers is not None else BackgroundHashes()
        # what the command's forked child hashes (a Dask run's workers hash every input themselves)
        self._early = early if self._workers is None else None
        self._forked = set(self._early.paths) if self._early is not None else set()

    def start(self) -> None:
        """Start hashing what the forked child does not (a second call does nothing). Call it after
        the workers are forked: no extra thread while forking."""
        if self.validate:
            self._hashes.start(p for p in self.paths if str(p) not in self._forked)

    @property
    def release_after(self) -> Callable[[], None] | None:
        """What the Dask session's closing thread waits for before the workers go: the hashes
        still running on them."""
        return self._workers.settle if self._workers is not None and self.validate else None

    def digests(self) -> dict[str, tuple[int, str]]:
        """``{str(path): (size, sha256 hex)}`` of every input (waits for the hashes under way)."""
        return complete_digests(
            self.paths, self._hashes.result(), self._early.result() if self._early is not None else {}
        )

    def close(self) -> None:
        self._hashes.close()
