"""A figure as PNG bytes: the one way the report and the app turn a chart into a picture."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Dots per inch of every PNG: sharp on a screen, and small enough to embed.
DPI = 110


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
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
