"""Counts in words: the one way every output says "1 reading" and "3 readings"."""

from __future__ import annotations

__all__ = ["plural"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` with ``word``, in the plural unless ``n`` is 1.

    Parameters
    ----------
    n : int
    word : str
        The singular.
    many : str, optional
        The plural when it is not ``word + "s"`` (``plural(2, "entry", "entries")``).

    Returns
    -------
    str

    Examples
    --------
    >>> plural(1, "reading"), plural(3, "reading"), plural(0, "day")
    ('1 reading', '3 readings', '0 days')
    >>> plural(2, "check-in"), plural(2, "entry", "entries")
    ('2 check-ins', '2 entries')
    """
    return f"{n} {word if n == 1 else many or word + 's'}"
