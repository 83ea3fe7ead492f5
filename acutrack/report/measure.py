"""Text measured as matplotlib's PDF backend draws it, from the font's own metrics.

Laying out a page of wrapped text measures many trial lines. The font's layout engine
(`FT2Font.set_text`) takes about 2 ms a line; the letters' advances, kerning and
outlines, read once per letter and font, give the same widths and heights to within a few
hundredths of a point (the bearings at a line's ends) in a fraction of that.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import NamedTuple

from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import Kerning, LoadFlags
from matplotlib.textpath import text_to_path

__all__ = ["Measure", "width"]


class _Letters(NamedTuple):
    """What is known of a font's letters so far, in points at its size."""

    advance: dict[str, float]
    ink: dict[str, tuple[float, float]]  # lowest and highest ink, from the baseline up
    kern: dict[tuple[str, str], float]


@lru_cache(maxsize=64)
def _letters(font: FontProperties) -> _Letters:
    return _Letters({}, {}, {})


def _learnt(text: str, font: FontProperties) -> _Letters:
    """``font``'s letters, with every letter and pair of ``text`` among them."""
    known = _letters(font)
    letters = set(text) - known.advance.keys()
    pairs = set(itertools.pairwise(text)) - known.kern.keys()
    if not letters and not pairs:
        return known
    size = font.get_size_in_points()
    face = get_font(findfont(font))
    for c in letters:
        face.set_size(size, 72)  # the face is shared with every other user of the font
        try:
            glyph = face.load_char(ord(c), LoadFlags.NO_HINTING)
        except RuntimeError:  # not in this font: the PDF draws it from a fallback font
            w, h, d = text_to_path.get_text_width_height_descent(c, font, ismath=False)
            known.advance[c], known.ink[c] = w, (-d, h - d)
        else:
            known.advance[c] = glyph.linearHoriAdvance / 65536
            known.ink[c] = (glyph.bbox[1] / 64, glyph.bbox[3] / 64)
    face.set_size(size, 72)
    for a, b in pairs:
        left, right = face.get_char_index(ord(a)), face.get_char_index(ord(b))
        known.kern[a, b] = face.get_kerning(left, right, Kerning.UNFITTED) / 64
    return known


def width(text: str, font: FontProperties) -> float:
    """Width of ``text`` in points: its letters' advances and kerning in ``font``, unhinted.

    Parameters
    ----------
    text : str
        One line.
    font : FontProperties

    Returns
    -------
    float
    """
    return _width(text, _learnt(text, font))


def _width(text: str, known: _Letters) -> float:
    return sum(known.advance[c] for c in text) + sum(
        known.kern[pair] for pair in itertools.pairwise(text)
    )


class Measure:
    """Measures text for matplotlib's layout (`Text.get_window_extent`) as the PDF draws it.

    A page laid out with it is laid out as its PDF renderer will draw it (unhinted),
    not as a screen's pixels would, in a fraction of a renderer's time.

    Parameters
    ----------
    dpi : float
        The figure's dots per inch.
    """

    def __init__(self, dpi: float):
        self.dpi = dpi

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath=False):
        """Width, height and descent of one line ``s`` in pixels (plain text only)."""
        known = _learnt(s, prop)
        low = min((known.ink[c][0] for c in s), default=0.0)
        high = max((known.ink[c][1] for c in s), default=0.0)
        scale = self.dpi / 72
        return _width(s, known) * scale, (high - low) * scale, -low * scale
