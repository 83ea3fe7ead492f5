"""The "now" the test suite gives processes it starts: ``$ACUTRACK_TEST_NOW``.

Tests run the command line in a subprocess and the app in a kernel Voilà starts; this is
how they choose those processes' clock, so that the suite passes on any date. Unset (as it
always is for people), the computer's clock rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

VARIABLE = "ACUTRACK_TEST_NOW"


def clock_from_environment() -> Callable[[], datetime] | None:
    """The clock ``$ACUTRACK_TEST_NOW`` sets, or None when it is unset.

    Its value is a time with its UTC offset (``2026-11-24T09:00:00+00:00``): "now" stays
    there. Or ``@`` and a file's path: "now" is the time the file holds when asked, so a test
    can move the clock of an app it drives from one day to the next.

    Raises
    ------
    ValueError
        When the time (or the file) is not a time with its UTC offset.
    """
    text = os.environ.get(VARIABLE)
    if not text:
        return None
    if text.startswith("@"):
        path = Path(text[1:])

        def now() -> datetime:
            return _moment(path.read_text(encoding="utf-8").strip(), f"{VARIABLE} ({path})")

        now()  # a wrong file shows at once, not at the first entry saved
        return now
    moment = _moment(text, VARIABLE)
    return lambda: moment


def _moment(text: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{where}: expected a time with its UTC offset, not {text!r}")
    return moment
