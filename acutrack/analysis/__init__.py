"""Tables from the journal: weekly trend, red flags, routine comparison, points ranking.

Every function takes the DataFrames of `Journal.sessions` / `Journal.ratings` and returns a
tidy DataFrame (or a small object) documented column by column. Pictures of these tables
live in `acutrack.plots`.
"""

from .points import rank_points
from .routines import compare_routines
from .trend import (
    CLINICIAN_ADVICE,
    Episode,
    daily_pain,
    episode,
    pain_readings,
    red_flags,
    weekly_trend,
)

__all__ = [
    "CLINICIAN_ADVICE",
    "Episode",
    "compare_routines",
    "daily_pain",
    "episode",
    "pain_readings",
    "rank_points",
    "red_flags",
    "weekly_trend",
]
