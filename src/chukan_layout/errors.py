"""The one exception tree of chukan-layout.

Findings are data (see :mod:`chukan_layout.findings`); exceptions stop the run.
Every exception carries the exit code the CLI returns for it (docs/design.md §4.3)::

    ChukanError (2)
    ├── SpecError              a layout / code table / meta-format problem
    │   ├── SpecLoadError      one file could not be loaded (names file, item, problem)
    │   ├── UnknownLayoutError a layout id that is not registered (also a KeyError)
    │   └── ExprError          a rule / derivation expression does not parse or type-check (also a ValueError)
    ├── DefinitionError        a vendor record definition or adapter is wrong
    ├── ReadError              input bytes could not be read under a strict policy
    │   ├── DecodeError        undecodable bytes
    │   └── FramingError       wrong record length, truncated record, bad RDW/BDW
    ├── EncodingDetectionError no candidate encoding decodes the data
    ├── GaijiError             a 外字 table or MJ index problem
    ├── OutputEncodingError    a value cannot be written in the requested output encoding
    ├── ReportFileError        a report.json that cannot be read (re-rendering)
    ├── SynthDataMissing       the ``synth`` extra (reference data packages) is not installed
    ├── ValidationRunError     the validator could not run (not: the data has findings)
    ├── OptionsError           a run option has a wrong value (found before anything is read)
    ├── AccountingError        records read != written + rejected (a bug: never ignore)
    ├── PluginError            a plugin failed to load (reported, not fatal to others)
    ├── OutputError            the outputs cannot be written where asked
    │   ├── InputOverwriteError an output path resolves to an input (names both)
    │   └── RunLockedError     another run holds the output folder's lock
    ├── ReconcileError         a reconciliation (突合) could not run
    ├── InterruptedRun         Ctrl-C / SIGTERM: nothing published (says what was kept)
    ├── ExportError            an export could not run (profile, inputs, outputs)
    └── SnapshotError          a snapshot folder is unusable (no snapshot.json, bad arguments)

Exit codes: 0 clean, 1 findings at error severity (not an exception), 2 usage or run failure.
Every class above carries its ``exit_code`` (all 2 today); the CLI prints one line
(``error: …``) and exits with it. Internal signals that never leave the module that raises them
(``readers.csv_guard.GuardTripped``: fall back to the exact CSV path) are not in the tree.
"""

from __future__ import annotations

__all__ = [
    "EXIT_FAILURE",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "AccountingError",
    "ChukanError",
    "DecodeError",
    "DefinitionError",
    "EncodingDetectionError",
    "ExportError",
    "ExprError",
    "FramingError",
    "GaijiError",
    "InputOverwriteError",
    "InterruptedRun",
    "OptionsError",
    "OutputEncodingError",
    "OutputError",
    "PluginError",
    "ReadError",
    "ReconcileError",
    "ReportFileError",
    "RunLockedError",
    "SnapshotError",
    "SpecError",
    "SpecLoadError",
    "SynthDataMissing",
    "UnevenLinesError",
    "UnknownLayoutError",
    "ValidationRunError",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_FAILURE = 2


class ChukanError(Exception):
    """Base of every error raised by chukan-layout."""

    exit_code: int = EXIT_FAILURE


class SpecError(ChukanError):
    """A layout, code table or meta-format problem."""


class SpecLoadError(SpecError):
    """A layout or code-table file could not be loaded.

    The message is one line: ``file: item: problem``.
    """

    def __init__(self, file: str, problem: str, item: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.item = item
        self.problem = problem
        self.line = line
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {item}: {problem}" if item else f"{where}: {problem}")

    def __reduce__(self) -> tuple[object, ...]:  # workers send errors back pickled
        return (type(self), (self.file, self.problem, self.item, self.line))


class UnknownLayoutError(SpecError, KeyError):
    """A layout id that is not registered; the message lists the valid ones."""

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0]) if self.args else ""


class ExprError(SpecError, ValueError):
    """A syntax or type error in an expression; ``pos`` is the 0-based character offset."""

    def __init__(self, message: str, pos: int | None = None) -> None:
        self.message = message
        self.pos = pos
        super().__init__(message if pos is None else f"{message} (at column {pos + 1})")


class DefinitionError(ChukanError):
    """A vendor record definition or adapter file is wrong (found before reading data)."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        prefix = "" if file is None else (f"{file}: " if line is None else f"{file}:{line}: ")
        super().__init__(prefix + message)
        self._init_args = (message, file, line)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), self._init_args)


class ReadError(ChukanError):
    """Input could not be read under the ``strict`` policy.

    Names the file, the 1-based record number, the byte offset and a hex excerpt.
    """

    def __init__(
        self,
        reason: str,
        file: str,
        record: int | None = None,
        offset: int | None = None,
        excerpt: bytes | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.record = record
        self.offset = offset
        self.excerpt = excerpt
        parts = [file]
        if record is not None:
            parts.append(f"record {record}")
        if offset is not None:
            parts.append(f"byte offset {offset}")
        msg = ", ".join(parts) + f": {reason}"
        if excerpt:
            msg += f" [hex: {excerpt[:32].hex(' ')}{' …' if len(excerpt) > 32 else ''}]"
        super().__init__(msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reason, self.file, self.record, self.offset, self.excerpt))


class DecodeError(ReadError):
    """Bytes that the declared encoding cannot decode."""


class FramingError(ReadError):
    """Wrong record length, truncated record, bad RDW/BDW, trailing garbage."""


class UnevenLinesError(FramingError):
    """A line of another length inside a byte range of an LF/CRLF file that was split on the
    assumption that every line has one length (names the file and the line's byte offset).

    Internal: the worker of that range then reads the rest of the file as one partition, where
    the ordinary reader rejects or reports the line exactly as in a whole-file read. It reaches
    a user only through a bug."""


class EncodingDetectionError(ChukanError):
    """No candidate encoding decodes the data strictly."""


class GaijiError(ChukanError):
    """A 外字 mapping table or MJ index problem."""


class OutputEncodingError(ChukanError):
    """A value cannot be written in the requested output encoding."""


class ReportFileError(ChukanError):
    """A report.json that cannot be read (not JSON, wrong schema version, invalid content)."""


class SynthDataMissing(ChukanError):
    """The optional ``synth`` extra (reference data packages) is not installed."""


class ValidationRunError(ChukanError):
    """The validator could not run (not: the data has findings)."""


class OptionsError(ChukanError):
    """A run option (``ConvertOptions`` / ``ValidateOptions``) has a wrong value; names the option."""


class AccountingError(ChukanError):
    """Records read do not equal records written + rejected. Always a bug; never ignored."""


class PluginError(ChukanError):
    """A plugin (entry point) failed to load. Reported; other plugins still load."""


class ReconcileError(ChukanError):
    """``reconcile`` could not run (unreadable input, unknown key item, bad code map or evidence file)."""


class OutputError(ChukanError):
    """The outputs cannot be written where asked (read-only folder, full disk, a path loop …)."""


class InputOverwriteError(OutputError):
    """An output path resolves to one of the inputs (also through symlinks or hard links)."""

    def __init__(self, output: str, input: str) -> None:
        self.output = output
        self.input = input
        super().__init__(f"output {output} would overwrite the input {input}; choose another output folder")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.output, self.input))


class RunLockedError(OutputError):
    """Another run writes into the same output folder (its lock file is held by a live process)."""


class InterruptedRun(ChukanError, KeyboardInterrupt):
    """The run was interrupted (Ctrl-C, SIGTERM): nothing of it was published.

    Also a :class:`KeyboardInterrupt`, so that callers that stop on Ctrl-C still do.
    """


class ExportError(ChukanError):
    """An export could not run (profile, inputs or outputs; not: records with findings)."""


class SnapshotError(ChukanError):
    """A snapshot folder is unusable (no or unreadable ``snapshot.json``, wrong arguments)."""
