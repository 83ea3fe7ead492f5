"""Tables from the journal: weekly trend, pain alerts, routine comparison, points ranking.

Every function takes the DataFrames of `Journal.sessions` / `Journal.ratings` and returns a
tidy DataFrame (or a small object) documented column by column. Pictures of these tables
live in `acutrack.plots`.
"""

from .experiment import (
    GERAC,
    GERAC_PUBLISHED,
    GERAC_RESPONDER,
    condition_drops,
    real_vs_sham_line,
    real_vs_sham_rescue,
    responder_rates,
)
from .measures import (
    PegChange,
    PgicSummary,
    RescueDoses,
    latest_pgic,
    peg_change,
    rescue_doses,
)
from .points import not_helpful, rank_points
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
    "PegChange",
    "PgicSummary",
    "RescueDoses",
    "compare_routines",
    "condition_drops",
    "daily_pain",
    "episode",
    "latest_pgic",
    "not_helpful",
    "pain_alerts",
    "pain_alerts_summary",
    "pain_change",
    "pain_readings",
    "peg_change",
    "rank_points",
    "real_vs_sham_line",
    "real_vs_sham_rescue",
    "rescue_doses",
    "responder_rates",
    "session_excess",
    "weekly_readings",
    "weekly_shortfall",
    "weekly_trend",
]


def __getattr__(name: str):
    if name == "Pgic":  # its old name, for one release (see `measures`)
        from . import measures

        return measures.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
