"""Tables from the journal: weekly trend, pain alerts, routine comparison, points ranking.

Every function takes the DataFrames of `Journal.sessions` / `Journal.ratings` and returns a
tidy DataFrame (or a small object) documented column by column. Pictures of these tables
live in `acutrack.plots`.
"""

from .experiment import GERAC, GERAC_PUBLISHED, GERAC_RESPONDER, condition_drops, responder_rates
from .points import rank_points
from .routines import compare_routines
from .trend import (
    CLINICIAN_ADVICE,
    Episode,
    PainChange,
    daily_pain,
    episode,
    pain_alerts,
    pain_alerts_summary,
    pain_change,
    pain_readings,
    session_excess,
    weekly_readings,
    weekly_shortfall,
    weekly_trend,
)

__all__ = [
    "CLINICIAN_ADVICE",
    "GERAC",
    "GERAC_PUBLISHED",
    "GERAC_RESPONDER",
    "Episode",
    "PainChange",
    "compare_routines",
    "condition_drops",
    "daily_pain",
    "episode",
    "pain_alerts",
    "pain_alerts_summary",
    "pain_change",
    "pain_readings",
    "rank_points",
    "responder_rates",
    "session_excess",
    "weekly_readings",
    "weekly_shortfall",
    "weekly_trend",
]
