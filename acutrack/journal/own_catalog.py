"""The person's own points and routines (``points.csv``, ``routines.csv``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import POINTS, ROUTINES, Catalog, Point, Routine
from ..errors import InvalidValue
from ..loading import read_rows
from ..records import Problem
from ..tables import (
    TableSpec,
    check_routine,
    point_spec,
    rating_spec,
    routine_spec,
    session_spec,
)

if TYPE_CHECKING:
    pass

from .store import _IMPORTED_RATINGS, _OUTCOME_SPECS, _stamp


class _OwnCatalog:
    """The person's own points and routines (``points.csv``, ``routines.csv``).

    A part of `Journal`, which brings the parts together; not used on its own.
    """

    @property
    def catalog(self) -> Catalog:
        """The points and routines this journal may use: the built-ins and the user's own."""
        return self._catalog()[0]

    def _catalog(self) -> tuple[Catalog, list[Problem]]:
        """The catalog and its files' problems, read again only when those files change."""
        stamp = tuple(_stamp(self.path / name) for name in ("points.csv", "routines.csv"))
        if self._catalog_cache is None or self._catalog_cache[0] != stamp:
            self._catalog_cache = (stamp, self._read_catalog())
        return self._catalog_cache[1]

    def _read_catalog(self) -> tuple[Catalog, list[Problem]]:
        spec = point_spec()
        rows, problems = read_rows(self.file(spec), spec)
        points = dict(POINTS)
        for code, row in rows.items():
            if code in POINTS:
                why = "a built-in point has this code; choose another"
                problems.append(Problem(spec.filename, row.line, "code", code, why))
            else:
                points[code] = Point(sham=False, **row.values)
        catalog = Catalog(points=points)
        spec = routine_spec(catalog)
        rows, found = read_rows(self.file(spec), spec)
        problems += found
        routines = dict(ROUTINES)
        for key, row in rows.items():
            try:
                check_routine(row.values)
            except InvalidValue as err:
                problems.append(
                    Problem(spec.filename, row.line, err.field, str(err.value), err.allowed)
                )
                continue
            if key in ROUTINES:
                why = "a built-in routine has this key; choose another"
                problems.append(Problem(spec.filename, row.line, "key", key, why))
            else:
                routines[key] = Routine(**row.values)
        return Catalog(points=points, routines=routines), problems

    def _specs(self) -> tuple[TableSpec, ...]:
        """The files of entries that have ids and can be corrected and deleted."""
        return (session_spec(self.catalog), rating_spec(), *_OUTCOME_SPECS, _IMPORTED_RATINGS)

    def add_point(self, code: str, name: str, location: str = "", how: str = "") -> Point:
        """Declare a point of your own, so that routines and sessions may use its code.

        Parameters
        ----------
        code : str
            Letters, digits, ``-`` or ``_``, starting with a letter; not a built-in code.
        name, location, how : str
            What to call it, where it is and how to press it.

        Returns
        -------
        Point
        """
        spec = point_spec(self.catalog)
        values = {
            f.name: f.parse(v)
            for f, v in zip(spec.fields, (code, name, location, how), strict=True)
        }
        if values["code"] in POINTS:
            raise InvalidValue("code", code, "expected a code that is not a built-in point")
        self._put(spec, values)
        return Point(**values)

    def add_routine(
        self,
        key: str,
        points: list[str] | tuple[str, ...] | str,
        seconds_per_point: float = 60,
        rounds: int = 1,
        condition: str | None = None,
        title: str = "",
    ) -> Routine:
        """Define a routine of your own (stored in ``routines.csv`` in the journal).

        Parameters
        ----------
        key : str
            Its name: lower-case letters, digits, ``-`` or ``_``; not a built-in routine.
        points : list of str or str
            Point codes in the order they are pressed: built-in ones or ones declared
            with `add_point`.
        seconds_per_point : float
            How long each point is pressed: 1 to 3600 seconds, and a whole session
            (points × seconds × rounds) no longer than 600 minutes.
        rounds : int
            How many times the sequence is repeated (1–100).
        condition : {"real", "sham"}, optional
            Fix the condition of its sessions, or leave either possible.
        title : str
            A human title.

        Returns
        -------
        Routine
        """
        catalog = self.catalog
        spec = routine_spec(catalog)
        given = dict(
            key=key,
            title=title,
            points=points,
            seconds_per_point=seconds_per_point,
            rounds=rounds,
            condition=condition,
        )
        values = {f.name: f.parse(given[f.name]) for f in spec.fields}
        check_routine(values)
        if values["key"] in ROUTINES:
            raise InvalidValue("key", key, "expected a name that is not a built-in routine")
        self._put(spec, values)
        return Routine(**values)
