"""The finding codes: severities, the registry and the checks of a run's severity overrides.

Codes are registered once by the stage that raises them (:func:`register_code`) with a
default severity and a one-line summary in English and Japanese; ``docs/findings.md`` is
generated from that registry. ``--severity`` and an adapter's ``rules:`` override a code's
severity (or a row rule's, ``rule:<id>``): :func:`check_override` and :func:`check_rule_names`
check those keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is. ``error`` findings make the run exit 1 and can reject records."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class FindingCode:
    """A registered finding code."""

    code: str
    severity: Severity
    summary_en: str
    summary_ja: str
    stage: str
    doc: str = ""


_CODES: dict[str, FindingCode] = {}


def register_code(
    code: str,
    severity: Severity | str,
    summary_en: str,
    summary_ja: str,
    *,
    stage: str,
    doc: str = "",
) -> FindingCode:
    """Register a finding code (idempotent for identical re-registration)."""
    fc = FindingCode(code, Severity(severity), summary_en, summary_ja, stage, doc)
    old = _CODES.get(code)
    if old is not None and (old.severity, old.summary_en, old.stage) != (
        fc.severity,
        fc.summary_en,
        fc.stage,
    ):
        raise ValueError(f"finding code {code!r} registered twice with different meaning")
    _CODES[code] = fc
    return fc


def get_code(code: str) -> FindingCode:
    """The registered code; unknown codes list the valid ones."""
    try:
        return _CODES[code]
    except KeyError:
        raise KeyError(f"unknown finding code {code!r}; known: {', '.join(sorted(_CODES))}") from None


def registered_codes() -> Mapping[str, FindingCode]:
    """All registered codes (read-only view)."""
    return dict(_CODES)


RULE_PREFIX = "rule:"


def check_override(key: str, level: str) -> str:
    """Validate one severity override, return the level (``error|warning|info``, or ``off``).

    ``key`` is a finding code (``item.pattern``) or ``rule:<row rule id>``; only a rule can be
    turned ``off``. Unknown codes raise :class:`KeyError` listing the known ones; a rule id is
    checked against the layouts by the run (:func:`check_rule_names`)."""
    lv = str(level).strip().lower()
    if key.startswith(RULE_PREFIX):
        if not key[len(RULE_PREFIX) :].strip():
            raise ValueError(f"{key!r}: give the rule id (rule:NAME)")
        if lv != "off":
            Severity(lv)
        return lv
    get_code(key)
    return str(Severity(lv))


def check_rule_names(keys: Iterable[str], known: Iterable[str]) -> None:
    """Every ``rule:<id>`` key names a row rule of the run's layouts (else ValueError, did-you-mean)."""
    import difflib

    ids = sorted(set(known))
    for key in keys:
        if key.startswith(RULE_PREFIX) and key[len(RULE_PREFIX) :] not in ids:
            name = key[len(RULE_PREFIX) :]
            near = difflib.get_close_matches(name, ids, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(f"unknown row rule {name!r}{hint}; rules: {', '.join(ids) or '(none)'}")
