"""Charts of acutrack's tables, in words a patient understands.

Every function takes data (a table from `acutrack.analysis`, or the sessions table) and an
optional ``ax``, draws on it (or on the current Axes) and returns the Axes. Nothing here
reads a file. `figure_png` turns a figure into PNG bytes.
"""

from .experiment import plot_condition_drops
from .png import figure_png
from .points import plot_body_map, plot_point_forest
from .routines import plot_before_after, plot_routine_forest
from .trend import plot_calendar, plot_daily_pain, plot_pain_over_time, plot_weekly_trend

__all__ = [
    "figure_png",
    "plot_before_after",
    "plot_body_map",
    "plot_calendar",
    "plot_condition_drops",
    "plot_daily_pain",
    "plot_pain_over_time",
    "plot_point_forest",
    "plot_routine_forest",
    "plot_weekly_trend",
]
