"""A figure as PNG bytes: the one way the report and the app turn a chart into a picture."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave

#: Dots per inch of every PNG: sharp on a screen, and small enough to embed.
DPI = 110
#: zlib's effort: 3 compresses a chart's flat colours in two thirds of the default's (6)
#: time, for a file about a tenth larger.
COMPRESSION = 3


def figure_pixels(fig: Figure, *, dpi: float = DPI) -> tuple[np.ndarray, bytes]:
    """``fig`` drawn once by Agg: its pixels, and the same pixels as a PNG.

    The PNG is what `figure_png` gives; the pixels let another page (the report's PDF)
    show the chart without drawing it again.

    Parameters
    ----------
    fig : Figure
        A figure that belongs to no window (`matplotlib.figure.Figure`).
    dpi : float

    Returns
    -------
    pixels : ndarray
        Height × width × 4 (RGBA), uint8.
    png : bytes
        Without the software's name.
    """
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()  # runs the figure's layout engine, as `savefig` would
    pixels = np.array(canvas.buffer_rgba())  # a copy: the buffer is the renderer's
    buffer = io.BytesIO()
    imsave(
        buffer,
        pixels,
        format="png",
        dpi=dpi,
        metadata={"Software": None},
        pil_kwargs={"compress_level": COMPRESSION},
    )
    return pixels, buffer.getvalue()


def figure_png(fig: Figure, *, dpi: float = DPI) -> bytes:
    """``fig`` drawn as a PNG, by Agg (no GUI, no pyplot), without the software's name.

    Parameters
    ----------
    fig : Figure
        A figure that belongs to no window (`matplotlib.figure.Figure`).
    dpi : float

    Returns
    -------
    bytes
    """
    return figure_pixels(fig, dpi=dpi)[1]
