"""``chukan-layout adapters``: start an adapter from a vendor's record layout sheet.

Exit codes: 0 written; 2 the sheet could not be read (``error: book: sheet!row: problem``).
"""

from __future__ import annotations

from pathlib import Path

import click


@click.group("adapters")
def adapters() -> None:
    """Vendor adapters: scaffold one from a record layout sheet (xlsx, CSV or Markdown table)."""


@adapters.command("scaffold")
@click.option(
    "--sheet",
    "sheet",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The vendor's record layout sheet: .xlsx (every sheet = one file), .csv, .md (pipe table) or .html.",
)
@click.option("--layout", "layout_id", required=True, help="Target layout id, e.g. juki.jumin.")
@click.option(
    "-o", "--out", "out", required=True, type=click.Path(dir_okay=False), help="Adapter YAML to write."
)
@click.option(
    "--profile",
    "profile",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML with other column / label words for the sheet (see docs/adapters.md).",
)
@click.option(
    "--layouts",
    "layout_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of your own layouts. Repeatable.",
)
def scaffold_cmd(
    sheet: str, layout_id: str, out: str, profile: str | None, layout_dirs: tuple[str, ...]
) -> None:
    """Write an adapter skeleton: the definition block from the sheet (positions must tile each
    record exactly) and proposed targets matched by 項目名 (exact → normalised → fuzzy, with
    the score and TODO markers where a transform is needed).

    \b
    Example:
      chukan-layout adapters scaffold --sheet vendor_x_layout.xlsx --layout juki.jumin -o vendor_x.yaml
    """
    import yaml

    from ..adapt.layout_sheet import SheetProfile
    from ..adapt.scaffold import scaffold
    from ..spec.registry import load_layout, register_layout_dir

    for d in layout_dirs:
        register_layout_dir(d)
    prof = None
    if profile:
        prof = SheetProfile.model_validate(yaml.safe_load(Path(profile).read_text(encoding="utf-8")))
    text = scaffold(sheet, load_layout(layout_id).spec, Path(out).stem, prof)
    Path(out).write_text(text, encoding="utf-8")
    todo = text.count("TODO")
    click.echo(f"{out}: adapter skeleton for {layout_id}, {todo} TODO(s) to finish")
