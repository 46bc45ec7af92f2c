"""Query parameters shared by the API and the dashboard, parsed into keyword arguments."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Query

__all__ = [
    "BadParameter",
    "EventFilter",
    "event_filter",
    "parse_code",
    "parse_date",
    "parse_int",
    "period_range",
    "require_code",
]

CODE_RE = re.compile(r"^[A-Z0-9_.:-]{1,40}$")
TYPE_RE = re.compile(r"^[A-Z_]{1,40}$")
MAX_Q = 200
MAX_CURSOR = 1000


class BadParameter(ValueError):
    """A query parameter the API cannot use; answered with 400 and this message."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def _blank(value: str | None) -> str | None:
    """HTML forms send empty fields; treat them as absent."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_code(name: str, value: str | None) -> str | None:
    value = _blank(value)
    if value is None:
        return None
    value = value.upper()
    if not CODE_RE.match(value):
        raise BadParameter(name, f"{value[:50]!r} is not an actor code like IRN or IRNGOV")
    return value


def require_code(name: str, value: str | None) -> str:
    code = parse_code(name, value)
    if code is None:
        raise BadParameter(name, "is required (an actor code like IRN)")
    return code


def parse_date(name: str, value: str | None) -> str | None:
    """Accept 2021, 2021-11 or 2021-11-17; return an ISO date (first day for partial dates)."""
    value = _blank(value)
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date(int(value[:4]), int(value[5:]), 1).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise BadParameter(name, f"{value[:50]!r} is not a date like 2021-11-17")


def parse_int(name: str, value: str | None, *, lo: int, hi: int, default: int | None) -> int | None:
    value = _blank(value)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(name, f"{value[:50]!r} is not a whole number") from None
    if not lo <= number <= hi:
        raise BadParameter(name, f"{number} is outside {lo}..{hi}")
    return number


def parse_bool(name: str, value: str | None, *, default: bool) -> bool:
    value = _blank(value)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise BadParameter(name, f"{value[:50]!r} is not true or false")


def parse_dyad(value: str | None) -> tuple[str, str] | None:
    value = _blank(value)
    if value is None:
        return None
    parts = re.split(r"[,\s]+|(?<=[A-Za-z0-9])-(?=[A-Za-z])", value)
    parts = [p for p in parts if p]
    if len(parts) != 2:
        raise BadParameter("dyad", f"{value[:50]!r} is not two actor codes like IRN,RUS")
    return require_code("dyad", parts[0]), require_code("dyad", parts[1])


@dataclass(frozen=True)
class EventFilter:
    """The filters of /api/events and /events, validated."""

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    both_directions: bool = True
    type: str | None = None
    quad_class: int | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    merged: bool = True

    def store_kwargs(self) -> dict[str, Any]:
        return asdict(self) | {"dyad": self.dyad}

    def query(self) -> dict[str, str]:
        """The filter as URL query parameters (for links: next page, CSV, JSON twin)."""
        out: dict[str, str] = {}
        for key, value in asdict(self).items():
            if value is None:
                continue
            if key == "dyad":
                out[key] = ",".join(value)
            elif key in ("both_directions", "merged"):
                if value is False:
                    out[key] = "false"
            else:
                out[key] = str(value)
        return out


async def event_filter(
    actor: Annotated[
        str | None, Query(description="Actor code (source or target), e.g. IRN.", max_length=40)
    ] = None,
    dyad: Annotated[
        str | None, Query(description="Two actor codes, source first: IRN,RUS.", max_length=90)
    ] = None,
    both_directions: Annotated[
        str | None,
        Query(description="With dyad: also events from the second to the first (default true)."),
    ] = None,
    type: Annotated[
        str | None, Query(description="PLOVER event type, e.g. CONSULT.", max_length=40)
    ] = None,
    quad_class: Annotated[
        str | None, Query(description="QuadClass 1-4 (1 verbal cooperation … 4 material conflict).")
    ] = None,
    since: Annotated[
        str | None, Query(description="First date, inclusive: 2021, 2021-11 or 2021-11-17.")
    ] = None,
    until: Annotated[
        str | None, Query(description="Last date, inclusive: 2021, 2021-11 or 2021-11-17.")
    ] = None,
    q: Annotated[
        str | None, Query(description="Words to find in the event's sentence.", max_length=MAX_Q)
    ] = None,
    merged: Annotated[
        str | None,
        Query(description="true: events merged across articles (default); false: mentions."),
    ] = None,
) -> EventFilter:
    """Parse the event filters; raises BadParameter with what was wrong.

    async only so that FastAPI runs it inline instead of in a worker thread.
    """
    until_date = _until(until)
    since_date = parse_date("since", since)
    if since_date and until_date and since_date > until_date:
        raise BadParameter("until", f"{until_date} is before since {since_date}")
    kind = _blank(type)
    if kind is not None:
        kind = kind.upper()
        if not TYPE_RE.match(kind):
            raise BadParameter("type", f"{kind[:50]!r} is not a PLOVER type like CONSULT")
    text = _blank(q)
    if text is not None and len(text) > MAX_Q:
        raise BadParameter("q", f"is longer than {MAX_Q} characters")
    return EventFilter(
        actor=parse_code("actor", actor),
        dyad=parse_dyad(dyad),
        both_directions=parse_bool("both_directions", both_directions, default=True),
        type=kind,
        quad_class=parse_int("quad_class", quad_class, lo=1, hi=4, default=None),
        since=since_date,
        until=until_date,
        q=text,
        merged=parse_bool("merged", merged, default=True),
    )


def _until(value: str | None) -> str | None:
    """A partial `until` means the end of that year or month."""
    value = _blank(value)
    start = parse_date("until", value)
    if start is None or value is None:
        return None
    if len(value) == 4:
        return f"{value}-12-31"
    if len(value) == 7:
        return period_range(value)[1]
    return start


def period_range(period: str, by: str = "") -> tuple[str, str]:
    """The first and last day of a trend period: 2021, 2021-11, 2021-W46 or 2021-11-16.

    A week is named by its first day (the store's convention); pass by="week".
    """
    if by == "week" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        first = dt.date.fromisoformat(period)
        return first.isoformat(), (first + dt.timedelta(days=6)).isoformat()
    if re.fullmatch(r"\d{4}", period):
        return f"{period}-01-01", f"{period}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", period):
        first = dt.date(int(period[:4]), int(period[5:]), 1)
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first.isoformat(), (nxt - dt.timedelta(days=1)).isoformat()
    m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", period)
    if m:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
    day = dt.date.fromisoformat(period)
    return day.isoformat(), day.isoformat()
