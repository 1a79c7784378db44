"""The settings every figure depends on, frozen so that they can key the figure cache."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from typing import Any

ABC_METHODS = ("dynamic", "fixed")
STATUS_RULES = ("churn", "risk")


@dataclass(frozen=True)
class FigureSettings:
    """Thresholds of SPEC.md "Customer status", "ABC tiers" and "Surges and drops".

    Build it from the product settings with :meth:`from_settings`; invalid combinations raise
    ``ValueError`` with a message naming the setting.
    """

    status_rule: str = "churn"
    churning_p: float = 0.5
    lost_p: float = 0.85
    risk_churning: float = 2.0
    risk_lost: float = 4.0
    lost_days: int = 365
    abc_method: str = "dynamic"
    abc_a_share: float = 20.0
    abc_b_share: float = 60.0
    abc_a_min: float = 100_000.0
    abc_b_min: float = 50_000.0
    abc_c_min: float = 10_000.0
    mover_min_revenue: float = 1_000.0
    mover_min_orders: int = 2
    horizon_days: int = 90

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("Invalid figure settings: " + "; ".join(problems) + ".")

    @classmethod
    def from_settings(cls, settings: Any) -> FigureSettings:
        """From ``dashboard.config.Settings`` (any object with the ``COCKPIT_*`` names as
        attributes: ``RISK_CHURNING``, ``ABC_METHOD``, ...)."""
        values = {}
        for f in fields(cls):
            raw = getattr(settings, f.name.upper())
            values[f.name] = _coerce(f.name, raw, f.type)
        return cls(**values)

    def cache_key(self) -> str:
        """A short key, equal for equal settings in every process (no ``hash()``)."""
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _coerce(name: str, raw: Any, kind: Any) -> Any:
    target = {"float": float, "int": int, "str": str}[str(kind)]
    try:
        return target(raw)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid figure settings: {name.upper()} = {raw!r} is not "
                         f"a {target.__name__}.") from None


def _problems(s: FigureSettings) -> list[str]:
    out = []
    if s.status_rule not in STATUS_RULES:
        out.append(f"STATUS_RULE must be one of {', '.join(STATUS_RULES)}")
    if not 0 < s.churning_p < s.lost_p <= 1:
        out.append("CHURNING_P and LOST_P must satisfy 0 < CHURNING_P < LOST_P <= 1")
    if not 0 < s.risk_churning < s.risk_lost:
        out.append("RISK_CHURNING must be above 0 and below RISK_LOST")
    if s.lost_days < 1:
        out.append("LOST_DAYS must be at least 1")
    if s.abc_method not in ABC_METHODS:
        out.append(f"ABC_METHOD must be one of {', '.join(ABC_METHODS)}")
    if s.abc_a_share < 0 or s.abc_b_share < 0 or s.abc_a_share + s.abc_b_share > 100:
        out.append("ABC_A_SHARE and ABC_B_SHARE must be 0 or more and add up to at most 100")
    if not s.abc_a_min >= s.abc_b_min >= s.abc_c_min >= 0:
        out.append("ABC_A_MIN >= ABC_B_MIN >= ABC_C_MIN >= 0 must hold")
    if s.mover_min_revenue < 0 or s.mover_min_orders < 0:
        out.append("MOVER_MIN_REVENUE and MOVER_MIN_ORDERS must be 0 or more")
    if s.horizon_days < 1:
        out.append("HORIZON_DAYS must be at least 1")
    return out


__all__ = ["ABC_METHODS", "FigureSettings"]
