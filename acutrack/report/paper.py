"""The PDF's paper sizes, known without importing the PDF backend (a plain HTML report
never loads it)."""

from __future__ import annotations

__all__ = ["PAPERS"]

#: Paper sizes of the PDF (width, height in inches).
PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
