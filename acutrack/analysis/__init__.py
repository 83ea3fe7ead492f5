"""Tables from the journal: weekly trend, pain alerts, routine comparison, points ranking.

Every function takes the DataFrames of `Journal.sessions` / `Journal.ratings` and returns a
tidy DataFrame (or a small object) documented column by column. Pictures of these tables
live in `acutrack.plots`.
"""

from .experiment import (
    GERAC_RESPONDER,
    condition_drops,
    real_vs_sham_line,
    real_vs_sham_rescue,
)
from .measures import (
    PegChange,
    PgicSummary,
    RescueDoses,
    latest_pgic,
    peg_change,
    rescue_doses,
)
from .pain_now import PainChange, pain_change
from .points import LEAVE_ONE_OUT, points_to_show, rank_points, why_not_more_relief
from .routines import compare_routines
from .trend import (
    CLINICIAN_ADVICE,
    Episode,
    daily_pain,
    episode,
    pain_alerts,
    pain_alerts_summary,
    pain_readings,
    session_excess,
    weekly_readings,
    weekly_shortfall,
    weekly_trend,
)

__all__ = [
    "CLINICIAN_ADVICE",
    "GERAC_RESPONDER",
    "LEAVE_ONE_OUT",
    "Episode",
    "PainChange",
    "PegChange",
    "PgicSummary",
    "RescueDoses",
    "compare_routines",
    "condition_drops",
    "daily_pain",
    "episode",
    "latest_pgic",
    "pain_alerts",
    "pain_alerts_summary",
    "pain_change",
    "pain_readings",
    "peg_change",
    "points_to_show",
    "rank_points",
    "real_vs_sham_line",
    "real_vs_sham_rescue",
    "rescue_doses",
    "session_excess",
    "weekly_readings",
    "weekly_shortfall",
    "weekly_trend",
    "why_not_more_relief",
]


def __getattr__(name: str):
    if name == "Pgic":  # its old name, for one release (see `measures`)
        from . import measures

        return measures.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
