"""The ``chukan-layout`` command line (click).

Each command lives in :mod:`chukan_layout.commands` (one module per command) and is
added here; only this module and :mod:`chukan_layout.pipeline` import every stage.
English messages, Japanese item names. Exit codes: 0 clean, 1 findings at error
severity, 2 usage or run failure.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import signal
import sys
import threading
import warnings

import click

from . import __version__
from .errors import EXIT_FAILURE, ChukanError, InterruptedRun
from .terminal import SafeStream, safe_text

# (module, attribute) of every command; each module is owned by the stage it drives. The attribute is
# the command's name; its module is imported only when that command runs (or on --help), so
# ``convert`` never pays for the reconcile, report or specs imports (issue 15: start-up ≤ 1 s).
COMMANDS: list[tuple[str, str]] = [
    ("chukan_layout.commands.specs", "specs"),
    ("chukan_layout.commands.report", "report"),
    ("chukan_layout.commands.inspect", "inspect"),
    ("chukan_layout.commands.convert", "convert"),
    ("chukan_layout.commands.validate", "validate"),
    ("chukan_layout.commands.generate", "generate"),
    ("chukan_layout.commands.gaiji", "gaiji"),
    ("chukan_layout.commands.adapters", "adapters"),
    ("chukan_layout.commands.reconcile", "reconcile"),
    ("chukan_layout.commands.export", "export"),
    ("chukan_layout.commands.snapshot", "snapshot"),
]


# Collector thresholds while a command runs: importing the stages allocates ~100,000 long-lived
# objects, and the default (700, 10, 10) spends ≈ 0.07–0.14 s of a small run's start-up in ~250
# collections that free nothing. A young generation of 10,000 keeps cycles collected (memory
# stays bounded) with ~15 collections. Restored when the command ends.
_COMMAND_GC = (10_000, 10, 10)


class _Group(click.Group):
    """Loads each command's module on first use, and turns every failure into one clear line on stderr and exit 2 — never a traceback (issue 14).

    A :class:`ChukanError` carries its own exit code; an OS error (read-only folder, full disk,
    a symlink loop) names the path and the cause; Ctrl-C says that nothing was published; any
    other exception is a bug, reported in one line (``CHUKAN_DEBUG=1`` shows the traceback).
    """

    def __call__(self, *args: object, **kwargs: object) -> object:
        if args or kwargs:  # an embedding caller (tests, scripts): click's own way out
            return super().__call__(*args, **kwargs)
        try:  # the console script (``sys.exit(main())``): this process is the command's
            return super().__call__()
        except SystemExit as e:
            leave_now(e.code)
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *(attr for _, attr in COMMANDS)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            for module, attr in COMMANDS:
                if attr == cmd_name:
                    self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        raw_stdout = sys.stdout
        sys.stdout = SafeStream(raw_stdout)  # type: ignore[assignment]
        previous_term = _terminate_like_ctrl_c()
        previous_show = warnings.showwarning
        warnings.showwarning = _show_warning
        previous_gc = gc.get_threshold()
        gc.set_threshold(*_COMMAND_GC)
        from .pipeline._probes import PandasProbes  # (the library's convert() uses it too)

        hide = PandasProbes()
        sys.meta_path.insert(0, hide)
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except ChukanError as e:  # InterruptedRun included: it names what the folder keeps
            _fail(f"error: {safe_text(str(e))}", e.exit_code)
        except KeyboardInterrupt:  # before any output folder was taken
            err = InterruptedRun("interrupted: nothing of this run was published")
            _fail(f"error: {err}", err.exit_code)
        except OSError as e:
            where = f"{e.filename}: " if e.filename is not None else ""
            if e.filename2 is not None:
                where = f"{e.filename} → {e.filename2}: "
            _fail(f"error: {safe_text(where)}{e.strerror or type(e).__name__}", EXIT_FAILURE)
        except Exception as e:
            if os.environ.get("CHUKAN_DEBUG"):
                raise
            _fail(f"error: internal error ({type(e).__name__}: {safe_text(str(e))[:300]}); "
                  "please report it (CHUKAN_DEBUG=1 shows the traceback)", EXIT_FAILURE)  # fmt: skip
        finally:
            sys.stdout = raw_stdout
            warnings.showwarning = previous_show
            gc.set_threshold(*previous_gc)
            if hide in sys.meta_path:
                sys.meta_path.remove(hide)
            if previous_term is not None:
                signal.signal(signal.SIGTERM, previous_term)  # type: ignore[arg-type]
        return None  # pragma: no cover - _fail exits


def __getattr__(name: str) -> object:
    """``_PandasProbes``: the finder a command puts on ``sys.meta_path`` (pipeline._probes, imported on
    use: ``import chukan_layout.cli`` loads no stage)."""
    if name == "_PandasProbes":
        from .pipeline._probes import PandasProbes

        return PandasProbes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _terminate_like_ctrl_c() -> object:
    """SIGTERM ends a run the way Ctrl-C does: nothing published, staging removed, exit 2.

    Returns the previous handler (restored after the command), None off the main thread.
    """

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding application): leave its handlers alone
        return None


def leave_now(code: object) -> None:
    """End the console script's process at once once its command is over: its files are complete.

    The interpreter's own exit tears down every module and object of the run (Arrow's pools,
    the adapter, the stages): ≈ 0.2 s of wall and CPU after a 1M ``convert`` had written,
    published and printed everything (issue 15). This does what that exit must do — no other
    thread still working (else the normal exit joins it), no child process left, the
    :mod:`atexit` functions run, stdout and stderr flushed — and then ``os._exit(code)``,
    the same exit status. Anything unusual (a non-integer code, a thread or child still
    alive, a stream that cannot be flushed, a profiler or debugger that reports after the
    script) returns, and the normal exit proceeds.
    """
    if code is None:
        code = 0
    if not isinstance(code, int) or threading.current_thread() is not threading.main_thread():
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # a profiler, tracer or debugger runs the script: it reports after main() returns
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        return
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.active_children():
        return
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None:  # pragma: no cover - CPython has it
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the normal exit reports it
        return
    run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code & 0xFF)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:  # fmt: skip
    """A Python warning as one ``warning:`` line on stderr (no source file, no code line)."""
    click.echo(f"warning: {safe_text(str(message))}", err=True)


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="chukan-layout")
def main() -> None:
    """Migrate municipal data into the 中間標準レイアウト仕様 (Intermediate Standard Layout).

    \b
    Typical run:
      chukan-layout specs list                      # the reference layouts
      chukan-layout inspect JUMIN.DAT               # encoding, framing, first records
      chukan-layout convert --adapter vendor_a JUMIN.DAT -o out/
      chukan-layout validate --layout juki.jumin out/住民.csv -o out/report
    """
