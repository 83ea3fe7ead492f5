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


def leave_one_out_plan(blocks):
    """Sessions and slots of a done leave-one-out plan of GB30, one session a day.

    ``blocks`` holds each block's sessions as (pain before, pain after, left out: the
    point's code or None for the whole routine).
    """
    rows, slots = [], []
    for number, block in enumerate(blocks, start=1):
        for before, after, left_out in block:
            points = ("BL23",) if left_out else ("BL23", "GB30")
            day = f"2026-07-{len(rows) + 1:02d}T19:00:00+02:00"
            rows.append((day, "back", "real", points, before, after))
            slots.append(
                {
                    "block": number,
                    "session_id": f"s-{len(rows) - 1:010d}",
                    "due": pd.Timestamp("2026-07-05", tz="UTC"),
                    "leave_out": left_out,
                }
            )
    return sessions_frame(rows), pd.DataFrame(slots)
