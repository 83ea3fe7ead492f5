"""Small hand-made tables in the shape `Journal.sessions` and `Journal.ratings` return, and
formulas worked by hand to check the library against."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from acutrack.fields import CONDITIONS


def _times(stamps):
    texts = pd.Series(stamps, dtype=str)
    utc = pd.to_datetime(texts, format="ISO8601", utc=True)
    local = pd.to_datetime(texts.str.replace(r"(Z|[+-]\d\d:\d\d)$", "", regex=True))
    return utc, local


def sessions_frame(rows):
    """rows: (started_at ISO text, routine, condition, points tuple, before, after)."""
    utc, local = _times([r[0] for r in rows])
    return pd.DataFrame(
        {
            "id": [f"s-{i:010d}" for i in range(len(rows))],
            "started_at": utc,
            "local_time": local,
            "routine": [r[1] for r in rows],
            "points": [tuple(r[3]) for r in rows],
            "condition": pd.Categorical([r[2] for r in rows], categories=CONDITIONS),
            "duration_min": 5.0,
            "pain_before": pd.Series([r[4] for r in rows], dtype="int64"),
            "pain_after": pd.Series([r[5] for r in rows], dtype="int64"),
            "location": "lower-back",
            "notes": "",
        }
    )


def ratings_frame(rows):
    """rows: (rated_at ISO text, pain) or (rated_at, pain, session_id)."""
    utc, local = _times([r[0] for r in rows])
    return pd.DataFrame(
        {
            "id": [f"r-{i:010d}" for i in range(len(rows))],
            "rated_at": utc,
            "local_time": local,
            "pain": pd.Series([r[1] for r in rows], dtype="int64"),
            "location": "lower-back",
            "session_id": pd.Series([r[2] if len(r) > 2 else None for r in rows], dtype="str"),
            "stress": pd.Series([None] * len(rows), dtype="Int64"),
            "notes": "",
        }
    )


def wilson(k, n):
    """Wilson's score 95 % interval, by hand (k and n need not be whole)."""
    z = sps.norm.ppf(0.975)
    centre = (k + z**2 / 2) / (n + z**2)
    half = z / (n + z**2) * np.sqrt(k * (n - k) / n + z**2 / 4)
    return centre - half, centre + half
