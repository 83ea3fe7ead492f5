"""The points and routines that acutrack knows.

The built-in catalog follows the home routines of the source article: five points for the
back, pressed in rounds for about five seconds each, and three points for stress, held for
about three minutes each. Each has a sham twin that presses nearby spots which are not
acupoints, with a light touch and the same timing, so that real and sham can be compared.

This module uses nothing else of acutrack, so the journal, the forms and the charts can all
rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import InvalidValue

__all__ = [
    "CAUTIONS",
    "POINTS",
    "ROUTINES",
    "Catalog",
    "Point",
    "Routine",
    "point_label",
]

CAUTIONS = (
    "Never press on the spine itself: work beside it.",
    "Press firmly but gently, moving the thumb or fingertips in small circles.",
    "If a spot is sore to the touch, give that part of the body a break.",
    "Listen to your body; stop if the pain sharpens or spreads.",
    "acutrack is a diary, not medical advice: see a clinician for severe, rising or new pain.",
)


@dataclass(frozen=True)
class Point:
    """One place to press.

    Attributes
    ----------
    code : str
        Standard acupoint code (``BL23``), or a code starting ``SH-`` for a sham spot.
    name : str
        Usual name of the point.
    location : str
        Where to find it, in plain words.
    how : str
        How to press it.
    uses : tuple of str
        What it is pressed for.
    caution : str
        What to take care of at this point.
    sham : bool
        True for a spot that is deliberately not an acupoint.
    map : tuple of (view, x, y)
        Where the body map draws it: ``"front"`` or ``"back"``, then x (−1 to 1, the
        person's left to right as seen) and y (0 feet to 8 top of the head); one entry per
        side for points on both sides.
    """

    code: str
    name: str
    location: str
    how: str
    uses: tuple[str, ...] = ()
    caution: str = ""
    sham: bool = False
    map: tuple[tuple[str, float, float], ...] = ()


def point_label(code: str, name: str, sep: str = " ") -> str:
    """A point as every page names it: ``"BL23 Shenshu"`` (``sep`` between code and name),
    or the name alone when it starts with the code (``"Yintang (EX-HN3)"``, not
    ``"Yintang Yintang (EX-HN3)"``)."""
    return name if name.startswith(code) else f"{code}{sep}{name}".strip()


def _both(view: str, x: float, y: float) -> tuple[tuple[str, float, float], ...]:
    return ((view, -x, y), (view, x, y))


@dataclass(frozen=True)
class Routine:
    """A sequence of points pressed in one session.

    Attributes
    ----------
    key : str
        Name used in the journal (``back``, ``stress-sham``).
    title : str
        Human title.
    points : tuple of str
        Point codes in the order they are pressed. Empty for ``custom``.
    seconds_per_point : float
        How long each point is pressed before moving on.
    rounds : int
        How many times the whole sequence is repeated.
    condition : str or None
        ``"real"`` or ``"sham"`` when the routine fixes it, ``None`` when either fits.
    pressure : str
        How hard to press.
    twin : str or None
        The key of the matching real or sham routine.
    """

    key: str
    title: str
    points: tuple[str, ...]
    seconds_per_point: float = 0.0
    rounds: int = 1
    condition: str | None = None
    pressure: str = "firm but gentle, in small circles"
    twin: str | None = None

    @property
    def default_minutes(self) -> float | None:
        """Minutes the routine takes at its own timing (``None`` when it has none)."""
        total = len(self.points) * self.seconds_per_point * self.rounds
        return round(total / 60, 2) if total > 0 else None


_BACK_USES = ("lower back pain",)

POINTS: dict[str, Point] = {
    p.code: p
    for p in (
        Point(
            "BL23",
            "Shenshu",
            "On the back at waist level, about two finger-widths out from the spine on "
            "each side (level with the second lumbar vertebra).",
            "Hands on the waist, thumbs on the points; press with small circles, standing, "
            "then again leaning back slightly.",
            _BACK_USES,
            "Stay off the spine itself.",
            map=_both("back", 0.15, 4.6),
        ),
        Point(
            "BL52",
            "Zhishi",
            "At waist level, twice as far out as the points beside the spine: about four "
            "finger-widths from the spine, on the muscle that is often tender.",
            "Press tenderly with the fingertips, in small circles.",
            _BACK_USES,
            "Often tender: press gently and ease off if sore.",
            map=_both("back", 0.32, 4.6),
        ),
        Point(
            "GB30",
            "Huantiao",
            "In the middle of each buttock, in the hollow of the hip.",
            "Rest the palms there and press gently.",
            (*_BACK_USES, "sciatic pain"),
            map=_both("back", 0.28, 3.75),
        ),
        Point(
            "CV4",
            "Guanyuan",
            "On the front, on the midline, four finger-widths below the navel.",
            "Press gently with the fingertips.",
            (*_BACK_USES, "menstrual cramps"),
            "Press gently; skip it during pregnancy unless a clinician agrees.",
            map=(("front", 0.0, 4.05),),
        ),
        Point(
            "BL57",
            "Chengshan",
            "Back of the lower leg, in the middle of the calf below the knee.",
            "Sit on a stool, reach behind the leg and press the calf gently.",
            _BACK_USES,
            "Not too hard: the calf bruises easily.",
            map=_both("back", 0.22, 1.3),
        ),
        Point(
            "BL40",
            "Weizhong",
            "In the middle of the crease behind the knee, just above BL57.",
            "Sit and press gently with the fingertips.",
            _BACK_USES,
            "Press lightly: vessels run close under the skin here.",
            map=_both("back", 0.22, 2.05),
        ),
        Point(
            "PC6",
            "Neiguan",
            "Palm side of the forearm, about three finger-widths up from the wrist crease, "
            "between the two tendons.",
            "Press with the thumb or fingers of the other hand.",
            ("stress", "nausea"),
            map=_both("front", 0.68, 3.75),
        ),
        Point(
            "Yintang",
            "Yintang (EX-HN3)",
            'Between the eyebrows, the "third eye".',
            "Press with the index finger in a circular motion.",
            ("stress", "headache"),
            map=(("front", 0.0, 7.45),),
        ),
        Point(
            "CV17",
            "Shanzhong",
            "On the middle of the breastbone, level with the nipples.",
            "Press with the first three fingers, gently yet firmly.",
            ("stress", "chest tightness"),
            "Usually tender: keep the pressure gentle.",
            map=(("front", 0.0, 5.9),),
        ),
        # Sham spots: nearby places that are not acupoints, touched lightly.
        Point(
            "SH-LB",
            "Sham: upper back",
            "On the back a hand-width above waist level, between the spine and the "
            "lower tip of the shoulder blade.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("back", 0.25, 5.4),
        ),
        Point(
            "SH-FLANK",
            "Sham: flank",
            "On the side of the waist, a hand-width further out than the muscles beside the spine.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("back", 0.46, 4.5),
        ),
        Point(
            "SH-HIP",
            "Sham: upper hip",
            "On the outer hip bone, just above the buttock.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("back", 0.4, 4.05),
        ),
        Point(
            "SH-ABD",
            "Sham: side of the belly",
            "Three finger-widths to the side of the navel, off the midline.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("front", 0.25, 4.35),
        ),
        Point(
            "SH-SHIN",
            "Sham: outer shin",
            "On the outer shin, a hand-width below the knee.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("front", 0.3, 1.5),
        ),
        Point(
            "SH-ARM",
            "Sham: back of the forearm",
            "Back of the forearm, halfway between wrist and elbow, off the tendons.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("back", 0.68, 4.2),
        ),
        Point(
            "SH-TEMPLE",
            "Sham: forehead edge",
            "At the hairline above the outer end of the eyebrow.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("front", 0.14, 7.75),
        ),
        Point(
            "SH-CHEST",
            "Sham: upper chest",
            "Below the middle of the collarbone, away from the breastbone.",
            "Touch lightly, without circling.",
            sham=True,
            map=_both("front", 0.3, 6.4),
        ),
    )
}

_SHAM_PRESSURE = "light touch, no circling"

ROUTINES: dict[str, Routine] = {
    r.key: r
    for r in (
        Routine(
            "back",
            "Lower back (five points in rounds)",
            ("BL23", "BL52", "GB30", "CV4", "BL57"),
            seconds_per_point=5,
            rounds=6,
            condition="real",
            twin="back-sham",
        ),
        Routine(
            "back-sham",
            "Lower back, sham (nearby non-points)",
            ("SH-LB", "SH-FLANK", "SH-HIP", "SH-ABD", "SH-SHIN"),
            seconds_per_point=5,
            rounds=6,
            condition="sham",
            pressure=_SHAM_PRESSURE,
            twin="back",
        ),
        Routine(
            "stress",
            "Stress (three points, three minutes each)",
            ("PC6", "Yintang", "CV17"),
            seconds_per_point=180,
            condition="real",
            twin="stress-sham",
        ),
        Routine(
            "stress-sham",
            "Stress, sham (nearby non-points)",
            ("SH-ARM", "SH-TEMPLE", "SH-CHEST"),
            seconds_per_point=180,
            condition="sham",
            pressure=_SHAM_PRESSURE,
            twin="stress",
        ),
        Routine("custom", "Free-form: the points you name", ()),
    )
}


# Compared by identity, never changed once made, and not shown: a dataclass without the
# generated __eq__, __repr__ and frozen __setattr__ and __delattr__ (each compiled from
# source at import, which every cold `acutrack log` pays) is several times quicker to make.
@dataclass(eq=False, repr=False)
class Catalog:
    """The points and routines one journal may use: the built-ins plus the user's own.

    Parameters
    ----------
    points, routines : dict
        By code and by key.
    """

    points: dict[str, Point] = field(default_factory=lambda: dict(POINTS))
    routines: dict[str, Routine] = field(default_factory=lambda: dict(ROUTINES))

    def __post_init__(self) -> None:
        # Codes match case-insensitively, so two that differ only in case are one point: its
        # first spelling, its latest definition (a hand-edited file may hold both).
        first: dict[str, str] = {}
        points: dict[str, Point] = {}
        for code, point in self.points.items():
            code = first.setdefault(code.casefold(), code)
            points[code] = point if point.code == code else replace(point, code=code)
        self.points = points

    def routine(self, key: object) -> Routine:
        """The routine named ``key`` (in any case); `InvalidValue` naming ``routine`` if none."""
        if isinstance(key, str) and key.strip().lower() in self.routines:
            return self.routines[key.strip().lower()]
        raise InvalidValue("routine", key, f"expected one of {', '.join(sorted(self.routines))}")

    def tested(self, key: object) -> Routine:
        """The real routine that routine ``key`` tests: itself, or the twin of a sham."""
        routine = self.routine(key)
        return (
            self.routine(routine.twin) if routine.condition == "sham" and routine.twin else routine
        )

    def point_code(self, code: object) -> str:
        """The canonical spelling of a point code (codes match case-insensitively)."""
        known = self.spelling(code) if isinstance(code, str) else None
        if known is None:
            raise InvalidValue(
                "points", code, f"expected point codes such as {', '.join(list(self.points)[:9])}"
            )
        return known

    def spelling(self, code: str) -> str | None:
        """The known code equal to ``code`` but for case and spaces around, or None."""
        wanted = code.strip().casefold()
        return next((known for known in self.points if known.casefold() == wanted), None)
