"""Per-item 外字 policies: what the stage does with a character the receiver cannot take as is.

- ``error``   — tables are not consulted; every 外字 is ``gaiji.unmapped`` (error severity), the
  value is kept and the caller rejects the record when errors reject.
- ``map``     — through the 外字対応表. exact/identified → the target; a ``degraded`` entry is applied
  and flagged ``gaiji.degraded``; no entry / ``unmapped`` → ``gaiji.unmapped`` and the original code
  stays in the value.
- ``degrade`` — like ``map``, but what cannot be carried is made storable: no entry → the
  policy's ``fallback`` (default 〓), a mapped IVS sequence the item's charset cannot store → its
  base character; every such change is flagged ``gaiji.degraded`` and recorded in ``gaiji.csv``.
- ``replace`` — every 外字 and unstorable character → 〓 (U+3013), flagged ``gaiji.replaced``
  (CJK compatibility ideographs U+F900–FAFF are never replaced: they pass through untouched).

Written in option strings as ``map``, ``degrade`` or ``degrade:＿`` (fallback ＿ U+FF3F, IPA's
"候補なし" mark), ``replace``, ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..errors import GaijiError

GETA = "\u3013"  # 〓 げた記号


class Action(StrEnum):
    ERROR = "error"
    MAP = "map"
    DEGRADE = "degrade"
    REPLACE = "replace"


@dataclass(frozen=True)
class Policy:
    """An action plus the fallback text ``degrade`` uses when nothing better exists."""

    action: Action = Action.MAP
    fallback: str = GETA

    @classmethod
    def parse(cls, value: Policy | Action | str) -> Policy:
        """``"map"`` / ``"degrade:＿"`` / :class:`Action` / :class:`Policy` → :class:`Policy`."""
        if isinstance(value, Policy):
            return value
        text = str(value)
        name, _, fallback = text.partition(":")
        try:
            action = Action(name.strip().lower())
        except ValueError:
            raise GaijiError(
                f"unknown 外字 policy {text!r}; valid: {', '.join(a.value for a in Action)}"
            ) from None
        if fallback and action is not Action.DEGRADE:
            raise GaijiError(f"only degrade takes a fallback (got {text!r})")
        return cls(action, fallback or GETA)

    def __str__(self) -> str:
        if self.action is Action.DEGRADE and self.fallback != GETA:
            return f"degrade:{self.fallback}"
        return self.action.value


def parse_policies(spec: Mapping[str, Policy | str] | None) -> dict[str, Policy]:
    """Parse an ``{item_id: policy}`` mapping."""
    return {k: Policy.parse(v) for k, v in (spec or {}).items()}


def parse_policy_options(options: list[str] | tuple[str, ...]) -> dict[str, Policy]:
    """CLI ``--policy ITEM=POLICY`` options → ``{item_id: Policy}``."""
    out: dict[str, Policy] = {}
    for opt in options:
        item, sep, pol = opt.partition("=")
        if not sep or not item.strip():
            raise GaijiError(f"--policy expects ITEM=POLICY (e.g. shimei=degrade), got {opt!r}")
        out[item.strip()] = Policy.parse(pol)
    return out
