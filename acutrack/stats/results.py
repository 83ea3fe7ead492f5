"""What the statistical functions return: small result objects that read well."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, fields

__all__ = ["Result", "fmt", "fmt_ci", "fmt_p"]


def fmt(x: float, digits: int = 1, *, missing: str = "n/a") -> str:
    """A number for people: minus as a real minus sign, a missing value as ``missing``."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ == "NAType":
        return missing
    text = f"{x:.{digits}f}"
    if float(text) == 0:  # -0.04 rounds to "-0.0": no sign on a zero
        text = text.removeprefix("-")
    return text.replace("-", "−")


def fmt_p(p: float) -> str:
    """A p-value for people: ``p = 0.03``, ``p < 0.001``."""
    if p is None or math.isnan(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def fmt_ci(ci: tuple[float, float], digits: int = 1, *, missing: str = "n/a") -> str:
    """An interval for people: ``0.4 to 2.1``; ``missing`` when either end is missing."""
    low, high = (fmt(end, digits, missing="") for end in ci)
    return f"{low} to {high}" if low and high else missing


@dataclass(frozen=True)
class Result:
    """Shared behaviour: ``summary()`` in words, a table in notebooks, ``to_dict()``.

    Every result has ``n``, ``estimate``, ``ci`` (95 %, low and high) and ``p_value``.
    """

    def summary(self) -> str:  # pragma: no cover - every result defines its own
        raise NotImplementedError

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(_cell(v))}</td></tr>"
            for k, v in self.to_dict().items()
        )
        return (
            f"<div><p>{html.escape(self.summary())}</p>"
            f"<details><summary>{type(self).__name__}: all numbers</summary>"
            f"<table>{rows}</table></details></div>"
        )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return fmt(value, 3)
    if isinstance(value, tuple) and all(isinstance(v, float) for v in value):
        return "(" + ", ".join(fmt(v, 3) for v in value) + ")"
    return str(value)
