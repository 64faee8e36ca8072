"""Calendar feeds of the rosters (iCalendar): one per person and one for the team.

Times are Asia/Shanghai with its VTIMEZONE; approved swaps, leave and trips are reflected. UIDs
are stable (a duty is `<date>-<shift>-<person>`, a team shift `<date>-<shift>`, leave its record
id), so a calendar that subscribes to a feed updates its events on re-publish instead of
duplicating them; SEQUENCE counts the swaps that changed an event and DTSTAMP is the last time a
record behind it was approved, so the same records always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from kefu import outputs
from kefu.staff.book import StaffBook
from kefu.staff.roster import Duty, Week
from kefu.staff.terms import week_of

TEAM = "team"
HOST = "kefu-roster"
PAST_WEEKS = 4  # weeks before this one the feeds still hold
_ZONE = ZoneInfo("Asia/Shanghai")


def feed_weeks(book: StaffBook) -> list[str]:
    """The weeks published: from PAST_WEEKS before this one to the last roster kept."""
    first = week_of(book.today - dt.timedelta(weeks=PAST_WEEKS))
    return sorted(w for w in book.rosters if w >= first)


def feeds(book: StaffBook, weeks: Iterable[str], department: str) -> dict[str, bytes]:
    """File name -> iCalendar bytes: `team.ics` (named after the department) and
    `<person id>.ics` for everyone rostered."""
    loaded = [w for w in (book.week(week_id) for week_id in weeks) if w is not None]
    people = sorted({p for week in loaded for p in week.people()})
    out: dict[str, bytes] = {}
    team = _calendar(f"{department}值班表")
    for week in loaded:
        for day in week.days:
            for key, shift in week.shifts.items():
                duties = [d for d in week.duties if d.day == day and d.shift == key
                          and (d.person, day) not in book.away]
                if not duties:
                    continue
                names = "、".join(book.name(d.person) for d in duties)
                event = _event(f"{day:%Y%m%d}-{key}@{HOST}",
                               f"{shift.title}：{names}", _when(day, shift.start),
                               _when(day, shift.end), _stamp(book, week, duties),
                               sum(1 for d in duties if d.moved))
                team.add_component(event)
    _away(book, team, None, loaded)
    out[f"{TEAM}.ics"] = _bytes(team)
    for person in people:
        calendar = _calendar(f"{book.name(person)}的值班")
        for week in loaded:
            for duty in week.duties:
                if duty.person != person or (person, duty.day) in book.away:
                    continue
                shift = week.shifts[duty.shift]
                channels = "、".join(week.channels[c].title for c in sorted(duty.covers)
                                    if c in week.channels)
                summary = f"{shift.title}" + (f"（{channels}）" if channels else "")
                event = _event(f"{duty.day:%Y%m%d}-{duty.shift}-{person}@{HOST}",
                               summary, _when(duty.day, shift.start),
                               _when(duty.day, shift.end), _stamp(book, week, [duty]),
                               1 if duty.moved else 0)
                calendar.add_component(event)
        _away(book, calendar, person, loaded)
        out[f"{person}.ics"] = _bytes(calendar)
    return out


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kefu//客服部值班表//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    return calendar


def _event(uid: str, summary: str, start: dt.date, end: dt.date, stamp: dt.datetime,
           sequence: int) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    return event


def _away(book: StaffBook, calendar: icalendar.Calendar, person: str | None,
          weeks: list[Week]) -> None:
    """All-day events for approved leave and trips in the published weeks (no reasons)."""
    if not weeks:
        return
    first, last = weeks[0].days[0], weeks[-1].days[-1]
    for kind, word in (("leave", "请假"), ("trip", "出差")):
        for item in book.lists[kind]:
            if item.get("status") != "approved" or (person and item["person"] != person):
                continue
            end = max(item["end"], item.get("extended_to") or item["end"])
            if item["start"] > last or end < first:
                continue
            who = "" if person else f"：{book.name(str(item['person']))}"
            uid = f"{item['id']}@{HOST}" if person else f"{item['id']}-{TEAM}@{HOST}"
            stamp: dt.datetime = item.get("decided") or item.get("approved") or item["applied"]
            event = _event(uid, f"{word}{who}", item["start"],
                           end + dt.timedelta(days=1), stamp.astimezone(dt.UTC), 0)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)


def _when(day: dt.date, minute: int) -> dt.datetime:
    """The local time `minute` minutes after midnight of `day` (24:00 is the next midnight)."""
    return dt.datetime.combine(day, dt.time(0), _ZONE) + dt.timedelta(minutes=minute)


def _stamp(book: StaffBook, week: Week, duties: list[Duty]) -> dt.datetime:
    """The last approval behind these duties: the roster's, or a later swap's."""
    stamps = [week.data["prepared"]]
    for duty in duties:
        if duty.swap:
            swap = next((s for s in book.lists["swap"] if s["id"] == duty.swap), None)
            if swap is not None and swap.get("decided") is not None:
                stamps.append(swap["decided"])
        if duty.cover:
            leave = next((x for x in book.lists["leave"] if x["id"] == duty.cover), None)
            if leave is not None and leave.get("decided") is not None:
                stamps.append(leave["decided"])
    return max(stamps).astimezone(dt.UTC)


def _bytes(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def write_feeds(book: StaffBook, folder: Path, root: Path | None, department: str,
                weeks: Iterable[str] | None = None) -> list[Path]:
    """Write every feed into `folder` through kefu.files (never over a file kefu did not make,
    never into records/, docs/ or .git/ of the checkout `root`)."""
    written = []
    chosen = weeks if weeks is not None else feed_weeks(book)
    for name, data in feeds(book, chosen, department).items():
        path = outputs.output_file(f"{folder}/", name, root, "日历文件")
        written.append(outputs.write_output(path, data, "日历文件"))
    return written
