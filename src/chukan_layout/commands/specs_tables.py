"""``specs import`` / ``specs export``: official tables (xlsx, CSV) ↔ layout folders.

Added to the ``specs`` group by :mod:`chukan_layout.commands.specs`.  Exit codes: 0 ok;
2 the book could not be imported (one ``error: book: sheet!cell: problem`` line per cell).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click
import yaml

from ..errors import EXIT_FAILURE

_HEADER = (
    "# Imported by `chukan-layout specs import` from {book} with profile {profile} ({status}).\n"
    "# Items are confirmed by the row they came from (unless the book's 出典 column says modelled).\n"
    "# Check them with `chukan-layout specs lint`.\n"
)


def _dump(obj: object) -> str:
    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=110)


def write_layout_dir(out: Path, layouts: Sequence, codes: Sequence, header: str) -> list[Path]:  # type: ignore[type-arg]
    """Write layouts as ``<id>.yaml`` and code tables as ``codes/<id>.yaml`` under ``out``."""
    (out / "codes").mkdir(parents=True, exist_ok=True)
    written = []
    for lay in layouts:
        p = out / f"{lay.id}.yaml"
        p.write_text(
            header + _dump(lay.model_dump(mode="json", exclude_none=True, exclude_defaults=True)), "utf-8"
        )
        written.append(p)
    for t in codes:
        p = out / "codes" / f"{t.id}.yaml"
        p.write_text(
            header + _dump(t.model_dump(mode="json", exclude_none=True, exclude_defaults=True)), "utf-8"
        )
        written.append(p)
    return written


_profile_option = click.option(
    "--profile",
    "profile_name",
    default="kihon-data-list",
    show_default=True,
    help="Import profile: a shipped one (jlis-v27, kihon-data-list) or a profile YAML path.",
)


@click.command("import")
@click.argument("book", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Layout folder to write."
)
@_profile_option
@click.option("--gyomu-id", help="gyomu_id for layout ids when the book has no 業務ID cell (e.g. juki).")
@click.option("--record-key", help="Comma-separated item ids of the record key (overrides the book).")
@click.option(
    "--sheet", "only", multiple=True, help="Import only this item sheet (repeatable; default: all)."
)
@click.option(
    "--file-id", default="kihon", show_default=True, help="File part of layout ids the book does not name."
)
def import_cmd(
    book: Sequence[str],
    out_dir: str,
    profile_name: str,
    gyomu_id: str | None,
    record_key: str | None,
    file_id: str,
    only: Sequence[str],
) -> None:
    """Import an official table (one xlsx, or CSV files = one sheet each) into a layout folder.

    \b
    Every item gets provenance confirmed with source "<book> <sheet>!<row>"; a cell the profile
    cannot interpret is an error naming sheet!cell and nothing is written. Then:
      chukan-layout specs lint OUT/
    \b
    Example:
      chukan-layout specs import 001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx \\
          --profile kihon-data-list -o layouts/kihon/
    """
    from ..spec.workbook.importer import import_book
    from ..spec.workbook.profile import load_profile

    profile = load_profile(profile_name)
    keys = [k.strip() for k in record_key.split(",")] if record_key else None
    result = import_book(book, profile, gyomu_id=gyomu_id, record_key=keys, file_id=file_id, only=only)
    if result.problems:
        for p in result.problems:
            click.echo(f"error: {p}", err=True)
        click.echo(f"{len(result.problems)} problem(s); nothing written", err=True)
        sys.exit(EXIT_FAILURE)
    header = _HEADER.format(book=Path(book[0]).name, profile=profile.profile, status=profile.status)
    write_layout_dir(Path(out_dir), result.layouts, result.codes, header)
    n_items = sum(len(lay.items) for lay in result.layouts)
    click.echo(
        f"{len(result.layouts)} layout(s), {n_items} items, {len(result.codes)} code table(s) → {out_dir}"
        + (
            f"  [profile {profile.profile} is {profile.status}: confirm {', '.join(profile.confirm)}]"
            if profile.status == "modelled"
            else ""
        )
    )
    for lay in result.layouts:
        ed = lay.edition
        tag = " ".join(x for x in (ed.gyomu, ed.edition, ed.date) if x) if ed else ""
        click.echo(f"  {lay.id}: {len(lay.items)} items  {tag}")


@click.command("export")
@click.argument("layout_ids", nargs=-1, required=True)
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False), help="Workbook to write.")
@_profile_option
@click.option(
    "--layouts",
    "layout_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of your own layouts; overrides shipped ones by id. Repeatable.",
)
def export_cmd(layout_ids: Sequence[str], xlsx: str, profile_name: str, layout_dirs: Sequence[str]) -> None:
    """Write layouts and their code tables to a workbook in a profile's shape (for vendors and reviewers).

    `specs import` of the workbook with the same profile gives the layouts back."""
    from ..spec.registry import load_layout, register_layout_dir
    from ..spec.workbook.profile import load_profile
    from ..spec.workbook.writer import write_workbook

    for d in layout_dirs:
        register_layout_dir(d)
    profile = load_profile(profile_name)
    loaded = [load_layout(i) for i in layout_ids]
    codes = {t.id: t for L in loaded for t in L.codes.values()}
    write_workbook(xlsx, profile, [L.spec for L in loaded], [codes[k] for k in sorted(codes)])
    click.echo(f"{len(loaded)} layout(s), {len(codes)} code table(s) → {xlsx} (profile {profile.profile})")


@click.command("diff")
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@_profile_option
@click.option("--json", "as_json", is_flag=True, help="The change list as JSON on stdout.")
@click.option("--html", "as_html", is_flag=True, help="A self-contained HTML page on stdout.")
def diff_cmd(old: str, new: str, profile_name: str, as_json: bool, as_html: bool) -> None:
    """What changed between two layouts, two layout folders or two workbooks (editions).

    \b
    Items added / removed / renamed (same ID, new 項目名称), type / length / required /
    charset / code-table changes, record keys, code values added / removed / relabelled,
    with counts. Workbooks are read with --profile.
    \b
    Example:
      chukan-layout specs diff 001_住民基本台帳_基本データリスト【第2.0版】_20220831.xlsx \\
          001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx --html > diff.html
    """
    import json

    from ..spec.diff import diff_specs, load_spec_set, render_html, render_json, render_text

    a, b = load_spec_set([old], profile_name), load_spec_set([new], profile_name)
    changes = diff_specs(a, b)
    if as_json:
        click.echo(json.dumps(render_json(a, b, changes), ensure_ascii=False, indent=2))
    elif as_html:
        click.echo(render_html(a, b, changes), nl=False)
    else:
        click.echo(render_text(a, b, changes))


@click.command("crosswalk")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--check", is_flag=True, help="Check it: items exist, code maps fit, required targets covered or waived."
)
@click.option(
    "--layouts",
    "layout_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of your own layouts (e.g. imported with `specs import`). Repeatable.",
)
def crosswalk_cmd(file: str, check: bool, layout_dirs: Sequence[str]) -> None:
    """Show a crosswalk (source layout item ↔ target layout item), or --check it (exit 1 on problems).

    \b
    Example:
      chukan-layout specs crosswalk v27_to_kihon.yaml --check --layouts layouts/kihon/
    """
    from ..spec.crosswalk import check_crosswalk, load_crosswalk
    from ..spec.registry import all_codes, load_layout, register_layout_dir

    for d in layout_dirs:
        register_layout_dir(d)
    cw = load_crosswalk(file)
    covered = sum(p.source is not None for p in cw.pairs)
    waived = len(cw.pairs) - covered
    if not check:
        for p in cw.pairs:
            right = f"{p.source}" if p.source else f"(waived: {p.waived})"
            extra = f"  map {p.code_map}" if p.code_map else ""
            click.echo(f"{p.target:<28} ← {right}{extra}")
    problems = check_crosswalk(cw, file, lambda i: load_layout(i).spec, all_codes()) if check else []
    for pr in problems:
        click.echo(str(pr))
    summary = f"{cw.crosswalk}: {cw.source} → {cw.target}, {covered} pair(s), {waived} waived"
    if check:
        summary += f": {len(problems)} problem(s)" if problems else ": ok"
    click.echo(summary, err=bool(problems))
    if problems:
        sys.exit(1)
