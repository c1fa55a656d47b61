"""Import profiles: which sheets, which header labels mean which field, how type words map.

A profile is data (YAML), never code: the shipped ``jlis-v27`` and ``kihon-data-list`` are
*modelled* from public descriptions of the official books (their headers say which
columns a user must confirm against the real workbook), and ``--profile PATH`` loads one's
own.  Format: ``docs/layout-format.md`` §"If you hold the official tables".
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ...errors import SpecLoadError
from ..model import Charset, ItemType, LengthUnit

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

#: item fields a column may hold (see ``importer``); the first three are the minimum
ItemField = Literal[
    "id",
    "name",
    "type",
    "name_en",
    "length",
    "length_unit",
    "scale",
    "charset",
    "required",
    "repeat",
    "codes",
    "pattern",
    "check_digit",
    "partial_date",
    "era_range",
    "nonexistent",
    "allow_controls",
    "era_of",
    "sensitivity",
    "description",
    "note",
    "key",
    "provenance",
    "group",
    "number",
    "extra",
]
#: layout fields read from label/value rows above the header (label in any column, value right of it)
MetaField = Literal[
    "id",
    "gyomu",
    "gyomu_id",
    "file_name",
    "title_ja",
    "title_en",
    "spec_version",
    "description",
    "record_key",
    "edition",
    "date",
    "provenance",
    "reconcile",
    "extra",
]
CodeField = Literal["table_id", "table_name", "table_name_en", "code", "label", "label_en"]
RuleField = Literal["layout", "id", "when", "check", "message", "message_en", "severity", "items"]
RelationField = Literal["layout", "id", "items", "target_layout", "target_items", "optional"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TypeWord(_Strict):
    """What one データ型 word of the book means in the layout vocabulary."""

    word: Annotated[str, Field(min_length=1)]
    type: ItemType
    charset: Charset | None = None
    scale: int | None = None


class ItemSheets(_Strict):
    sheets: list[str] = ["*"]  # fnmatch patterns on sheet names; each matching sheet is one layout
    exclude: list[str] = []
    header_row: int | Literal["auto"] = "auto"  # 1-based, or the first row holding a `name` label
    columns: dict[ItemField, list[str]]  # field → header labels accepted (first one is written on export)
    required_columns: list[ItemField] = ["id", "name", "type"]
    meta: dict[MetaField, list[str]] = {}
    # a book without 項目ID: "error" (default), or "number" — ids i_<項番> from the number column
    missing_id: Literal["error", "number"] = "error"

    @model_validator(mode="after")
    def _check(self) -> ItemSheets:
        missing = [f for f in self.required_columns if f not in self.columns]
        if missing:
            raise ValueError(f"required_columns {missing} have no labels in columns")
        return self


class TableSheets(_Strict):
    """Code-list, rule or relation sheets: one header row, one entry per row."""

    sheets: list[str]
    header_row: int | Literal["auto"] = "auto"
    columns: dict[str, list[str]]
    required_columns: list[str] = []


class Profile(_Strict):
    profile: Annotated[str, Field(min_length=1)]
    title: str
    status: Literal["modelled", "confirmed"]  # modelled: the shape is not seen in an official book
    note: str | None = None
    confirm: list[str] = []  # columns / cells a user must check against the real book
    book_pattern: str | None = None  # regex on the file name with groups no, gyomu, edition, date
    gyomu_ids: dict[str, str] = {}  # 業務 → gyomu_id used in layout ids
    items: ItemSheets
    codes: TableSheets | None = None
    rules: TableSheets | None = None
    relations: TableSheets | None = None
    types: Annotated[list[TypeWord], Field(min_length=1)]
    required_words: list[str] = ["○", "◯", "〇", "必須", "Y", "1"]
    optional_words: list[str] = ["", "-", "－", "任意", "N", "0", "×"]
    length_unit: LengthUnit = LengthUnit.CHARS
    length_encoding: str | None = None  # for length_unit bytes
    byte_words: list[str] = ["バイト", "byte", "bytes", "B"]
    char_words: list[str] = ["文字", "桁", "chars"]
    spec_version: str = "{gyomu} {edition}"  # default when no meta cell; {gyomu} {edition} {date} {book}
    group_separator: str = "_"  # 上位項目 + separator + 項目名 (転入前住所_市区町村コード)

    @model_validator(mode="after")
    def _unique_words(self) -> Profile:
        words = [t.word for t in self.types]
        dup = sorted({w for w in words if words.count(w) > 1})
        if dup:
            raise ValueError(f"データ型 words listed twice: {', '.join(dup)}")
        return self


def profile_names() -> list[str]:
    """Names of the shipped profiles."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name (``jlis-v27``), or a profile YAML file by path."""
    import yaml

    p = Path(name_or_path)
    if not p.is_file():
        shipped = PROFILES_DIR / f"{name_or_path}.yaml"
        if not shipped.is_file():
            raise SpecLoadError(
                str(name_or_path), f"no such profile; shipped profiles: {', '.join(profile_names())}"
            )
        p = shipped
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except yaml.YAMLError as e:
        raise SpecLoadError(str(p), f"YAML syntax error: {str(e).splitlines()[0]}") from None
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise SpecLoadError(str(p), f"{loc}: {err['msg']}") from None
