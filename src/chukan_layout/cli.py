"""The ``chukan-layout`` command line (click).

Each command lives in :mod:`chukan_layout.commands` (one module per command) and is
added here; only this module and :mod:`chukan_layout.pipeline` import every stage.
English messages, Japanese item names. Exit codes: 0 clean, 1 findings at error
severity, 2 usage or run failure.
"""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__
from .errors import ChukanError

# (module, attribute) of every command; each module is owned by the stage it drives.
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
]


class _Group(click.Group):
    """Turns a :class:`ChukanError` into one clear line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ChukanError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)


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


for _module, _attr in COMMANDS:
    main.add_command(getattr(importlib.import_module(_module), _attr))
