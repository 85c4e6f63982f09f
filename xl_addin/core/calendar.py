"""Working days: Monday–Friday minus the public holidays of a region (SPEC §0 "Working days").

Holidays come from the maintained ``holidays`` library; years are loaded lazily and kept as
frozensets, so checks are set lookups.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from types import ModuleType

__all__ = ["WorkingCalendar", "calendar_for", "normalize_region"]


def _holidays() -> ModuleType:
    """The holidays library, imported when a region or a holiday is first asked for: a run whose
    rules count no working day does not pay its start-up time."""
    import holidays
    return holidays


def normalize_region(region: str) -> str:
    """"de" -> "DE", "de-by" / "DE_BY" / "DE-Bayern" -> "DE-BY", "it" -> "IT".
    Raises ValueError (German text) for a country/subdivision the holidays library
    does not know."""
    return _normalize_region(str(region))


@lru_cache(maxsize=256)
def _normalize_region(region: str) -> str:
    text = "-".join(str(region).replace("_", "-").split()).strip("-")
    country, _, subdiv = text.partition("-")
    country = country.upper()
    holidays = _holidays()
    # the registry's codes (aliases included, as list_supported_countries gives them): that lists
    # every country's subdivisions, importing ~300 modules (~0.05 s of every run with a region)
    if country not in set(holidays.registry.EntityLoader.get_country_codes()):
        raise ValueError(f"Feiertagsregion '{region}' ist unbekannt (z. B. DE, DE-BY, IT)")
    if not subdiv:
        return country
    known = holidays.country_holidays(country)                 # this one country's module only
    subdivisions = {s.casefold(): s for s in known.subdivisions}
    aliases = getattr(known, "subdivisions_aliases", {}) or {}
    subdivisions.update({a.casefold(): s for a, s in aliases.items()})
    canonical = subdivisions.get(subdiv.casefold())
    if canonical is None:
        sample = ", ".join(f"{country}-{s}" for s in list(known.subdivisions)[:3])
        raise ValueError(f"Feiertagsregion '{region}' ist unbekannt (z. B. {sample})")
    return f"{country}-{canonical}"


def _day(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


class WorkingCalendar:
    """Working days of one holiday region ("DE", "DE-BY", "IT", "IT-…")."""

    def __init__(self, region: str = "DE") -> None:
        self.region = normalize_region(region)
        self._country, _, subdiv = self.region.partition("-")
        self._subdiv = subdiv or None
        self._years: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.region!r})"

    def _holidays_of(self, year: int) -> dict[date, str]:
        table = self._years.get(year)
        if table is None:
            table = dict(_holidays().country_holidays(self._country, subdiv=self._subdiv, years=year))
            self._years[year] = table
        return table

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name (English, as the library gives it) or None."""
        d = _day(d)
        return self._holidays_of(d.year).get(d)

    def is_holiday(self, d: date) -> bool:
        d = _day(d)
        return d in self._holidays_of(d.year)

    def is_working_day(self, d: date) -> bool:
        d = _day(d)
        return d.weekday() < 5 and not self.is_holiday(d)

    def next_working_day(self, d: date) -> date:
        """``d`` if it is a working day, else the next one."""
        d = _day(d)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def previous_working_day(self, d: date) -> date:
        """``d`` if it is a working day, else the one before."""
        d = _day(d)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """n > 0: the n-th working day after ``d``; n == 0: ``d`` if working, else the next
        working day; n < 0: the |n|-th working day before ``d``."""
        d = _day(d)
        if n == 0:
            return self.next_working_day(d)
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end < start."""
        start, end = _day(start), _day(end)
        if end < start:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_upto(end) - _weekdays_upto(start)
        holidays_on_weekdays = sum(
            1
            for year in range(start.year, end.year + 1)
            for h in self._holidays_of(year)
            if start < h <= end and h.weekday() < 5
        )
        return weekdays - holidays_on_weekdays


def _weekdays_upto(d: date) -> int:
    """Number of Mon–Fri days from a fixed Monday (0001-01-01) up to and including d."""
    days = d.toordinal()  # 0001-01-01 is ordinal 1 and a Monday
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


@lru_cache(maxsize=64)
def _calendar(region: str) -> WorkingCalendar:
    return WorkingCalendar(region)


def calendar_for(region: str) -> WorkingCalendar:
    """A shared WorkingCalendar per region (cached)."""
    return _calendar(normalize_region(region))
