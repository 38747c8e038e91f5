"""Reading Salesforce's logged activities: ``Task.csv`` and ``Event.csv`` of a data export.

Salesforce's weekly Data Export (a ``.zip`` of CSV files named by object, headers in API
names, records named by 15- or 18-character Ids) and Data Loader extracts of the same objects
name an activity's owner and people by Id: ``OwnerId`` is a ``User``, ``WhoId`` a ``Contact``
or a ``Lead``, and an event's attendees are rows of ``EventRelation`` (``EventId``,
``RelationId``, ``Status``). :class:`SalesforceActivities` looks each Id up in the export's
``User.csv``, ``Contact.csv`` and ``Lead.csv`` (a contact's company in ``Account.csv``) and
yields the same :class:`~graphwarm.sources.activities.Activity` rows as a HubSpot export.

A task counts when it is done (``IsClosed``, else ``Status`` ``Completed``) and is an e-mail
or a call (``TaskSubtype``, else ``Type``; ``Meeting`` too), dated by ``ActivityDate``, else
``CompletedDateTime``, else ``CreatedDate``; an e-mail's direction comes from the
``EmailMessage.csv`` row that logged it (``Incoming``), where the export has one; a task
shared with several contacts names the others in ``TaskRelation.csv``. An event
counts as a meeting between its owner and its ``WhoId`` and each person of its
``EventRelation`` rows who did not decline, on the UTC day of ``StartDateTime`` (else
``ActivityDateTime``, else ``ActivityDate``); each user among them attended it too, and is
yielded again as the owner of the same row (``invited``) with its contacts and leads, for the
import to keep where that user is a member (an assistant books the meeting that an account
executive holds). All-day events, events with more than
``max_attendees`` people, and the copies Salesforce keeps for invited users (``IsChild``) are
skipped. Deleted rows (``IsDeleted``), the records that only define a recurring series
(``IsRecurrence``, ``GroupEventType`` 3: each occurrence is a row of its own) and anything
after ``as_of`` are skipped; every skip is counted by reason. Only these columns are read:
never a subject, description or body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._words import counted
from ..errors import InputError
from ._archive import base_name, folder_entries, zip_entries
from ._csvfile import Source, Table, read_table
from ._dates import DateColumn
from ._headers import norm_header
from .activities import _NOT_CONNECTED, _TYPES, ActivitiesReader, Activity
from .crm import SalesforceAccounts, TableReader, _Pick, salesforce_id
from .records import ColumnChoice, PersonRecord

__all__ = ["OBJECTS", "SalesforceActivities", "activities_reader", "salesforce_files"]

OBJECTS = (
    "task",
    "taskrelation",
    "event",
    "eventrelation",
    "emailmessage",
    "user",
    "contact",
    "lead",
    "account",
)
"""The objects of an export this reads, by their file names (``Task.csv``, …)."""

_USER, _CONTACT, _LEAD = "005", "003", "00Q"  # the Id prefixes of people
_PEOPLE = {_USER: "user", _CONTACT: "contact", _LEAD: "lead"}
_TRUE = frozenset(("true", "1", "yes"))
_FALSE = frozenset(("false", "0", "no", ""))
_SERIES = "a recurring series' own record (its occurrences are rows of their own)"
_NOT_TASKS = (  # flags that make a row no activity, and why
    ("deleted", "deleted (IsDeleted)"),
    ("series", _SERIES),
)
_NOT_MEETINGS = (
    *_NOT_TASKS,
    ("child", "an invited user's copy (IsChild)"),
    ("all_day", "all-day event"),
)
_SPELLED: dict[str, str] = {}  # each API name's normal form → as Salesforce writes it


def _api(**fields: str) -> dict[str, tuple[str, ...]]:
    """Fields read from API-named columns: ``owner="OwnerId"`` → ``{"owner": ("ownerid",)}``."""
    _SPELLED.update((norm_header(n), n) for n in fields.values())
    return {f: (norm_header(n),) for f, n in fields.items()}


_ACTIVITY = {
    "id": "Id",
    "owner": "OwnerId",
    "who": "WhoId",
    "deleted": "IsDeleted",
    "series": "IsRecurrence",
}
_PERSON = {"id": "Id", "name": "Name", "first_name": "FirstName", "last_name": "LastName"}
_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "task": _api(
        **_ACTIVITY,
        subtype="TaskSubtype",
        type="Type",
        closed="IsClosed",
        status="Status",
        result="CallDisposition",
        date="ActivityDate",
        completed="CompletedDateTime",
        created="CreatedDate",
    ),
    "event": _api(
        **_ACTIVITY,
        start="StartDateTime",
        time="ActivityDateTime",
        date="ActivityDate",
        all_day="IsAllDayEvent",
        child="IsChild",
        group_type="GroupEventType",
    ),
    "eventrelation": _api(
        activity="EventId",
        relation="RelationId",
        what="IsWhat",
        status="Status",
        deleted="IsDeleted",
    ),
    "taskrelation": _api(
        activity="TaskId", relation="RelationId", what="IsWhat", deleted="IsDeleted"
    ),
    "emailmessage": _api(task="ActivityId", incoming="Incoming", deleted="IsDeleted"),
    "user": _api(**_PERSON, email="Email", active="IsActive"),
}
_FIELDS["contact"] = _api(**_PERSON, email="Email", account_id="AccountId", deleted="IsDeleted")
_FIELDS["lead"] = _api(**_PERSON, email="Email", company="Company", deleted="IsDeleted")
_NEEDED = {
    "task": ("id", "owner", "who"),
    "event": ("id", "owner", "who"),
    "eventrelation": ("activity", "relation"),
    "taskrelation": ("activity", "relation"),
    "emailmessage": ("task", "incoming"),
    "user": ("id",),
    "contact": ("id",),
    "lead": ("id",),
}
_COLUMNS = {
    "task": "Id, OwnerId, WhoId, TaskSubtype, Status, ActivityDate, …",
    "event": "Id, OwnerId, WhoId, StartDateTime, IsAllDayEvent, …",
    "eventrelation": "EventId, RelationId, Status, …",
    "taskrelation": "TaskId, RelationId, IsWhat, …",
    "emailmessage": "ActivityId, Incoming, …",
    "user": "Id, Name, Email, …",
    "contact": "Id, Name, Email, AccountId, …",
    "lead": "Id, Name, Email, Company, …",
}


def activities_reader(
    paths: Sequence[str | Path],
    *,
    as_of: dt.date,
    max_attendees: int = 8,
    columns: dict[str, str] | None = None,
    activity_type: str | None = None,
) -> ActivitiesReader | SalesforceActivities:
    """The reader of ``paths``: a Salesforce export's where they hold one (several files of
    it named by their folder, as the folder itself would be), else one activity file's
    (:class:`~graphwarm.sources.activities.ActivitiesReader`, with ``columns`` and
    ``activity_type``, which an export's files, named by API names, refuse)."""
    files = salesforce_files(paths)
    if files is None and len(paths) == 1:
        return ActivitiesReader(paths[0], as_of=as_of, columns=columns, activity_type=activity_type)
    if files is None:
        raise InputError(
            f"{len(paths)} folders or archives given, none of them a Salesforce export",
            hint="give one activity file at a time, or a Salesforce data export (its .zip,"
            " folder, or its Task.csv, Event.csv, EventRelation.csv, User.csv, Contact.csv and"
            " Lead.csv)",
        )
    for given, flag in ((columns, "--column"), (activity_type, "--type")):
        if given:
            raise InputError(
                f"{flag} is for one activity file: a Salesforce export's files name their"
                " columns and types by API name",
                file=paths[0],
                hint=f"leave out {flag}",
            )
    name = str(paths[0]) if len(paths) == 1 else str(Path(paths[0]).resolve().parent)
    return SalesforceActivities(files, name=name, as_of=as_of, max_attendees=max_attendees)


def salesforce_files(paths: Sequence[str | Path]) -> dict[str, Source] | None:
    """The files of a Salesforce export among ``paths`` (a ``.zip``, a folder, or CSV files),
    by object (``{"task": Source, "user": Source, …}``); ``None`` when they hold none. Several
    CSV files must all be an export's.

    A zip or folder's files are known by name (the Data Export names them by object); a CSV
    given by itself by its name where its header has an Id, else by the API names in its
    header (a Data Loader extract may be named anything).
    """
    found: dict[str, list[Source]] = {}
    for given in map(Path, paths):
        if not given.exists():
            raise InputError("no such file", file=given, hint="check the path")
        if given.is_dir() or given.suffix.lower() == ".zip":
            entries = folder_entries(given) if given.is_dir() else zip_entries(given)
            for _, source in entries:
                name = base_name(source).removesuffix(".csv")
                if base_name(source).endswith(".csv") and name in OBJECTS:
                    found.setdefault(name, []).append(source)
            continue
        source = Source.from_path(given)
        kind = _kind(source)
        if kind is not None:
            found.setdefault(kind, []).append(source)
        elif len(paths) > 1:
            raise InputError(
                "is no file of a Salesforce export (Task, TaskRelation, Event, EventRelation,"
                " EmailMessage, User, Contact, Lead or Account), and only such files are read"
                " together",
                file=given,
                hint="import one activity file at a time, or the files of one export",
            )
    if not found:
        return None
    for kind, sources in found.items():
        if len(sources) > 1:
            raise InputError(
                f"{len(sources)} files hold Salesforce {_OBJECT_NAMES[kind]} records:"
                f" {', '.join(s.name for s in sources)}",
                hint="give one export (its .zip or folder), or one file of each object",
            )
    return {kind: sources[0] for kind, sources in found.items()}


_OBJECT_NAMES = {
    "task": "Task",
    "event": "Event",
    "eventrelation": "EventRelation",
    "taskrelation": "TaskRelation",
    "emailmessage": "EmailMessage",
    "user": "User",
    "contact": "Contact",
    "lead": "Lead",
    "account": "Account",
}


def _kind(source: Source) -> str | None:
    """Which object a CSV file given by itself holds: the one it is named after (its header
    has an Id: no other CRM's file named ``Event.csv``), else the one its API names tell."""
    try:
        header = {norm_header(h) for h in read_table(source).header}
    except InputError:
        return None  # not a CSV: the activity reader says what is wrong with it
    name = base_name(source).removesuffix(".csv")
    if name in OBJECTS and header & {"id", "eventid", "taskid"}:
        return name
    if {"eventid", "relationid"} <= header:
        return "eventrelation"
    if {"taskid", "relationid"} <= header:
        return "taskrelation"
    if {"activityid", "incoming"} <= header:
        return "emailmessage"
    if "ownerid" in header and "whoid" in header:
        if header & {"startdatetime", "isalldayevent", "eventsubtype", "durationinminutes"}:
            return "event"
        return "task"
    if "username" in header:
        return "user"
    if {"id", "lastname", "accountid"} <= header:
        return "contact"
    if {"id", "lastname", "company"} <= header:
        return "lead"
    return None


class _Object(TableReader):
    """One object's file of an export, its columns found by API name."""

    may_be_empty = True  # an export holds every object's file, with or without records

    def __init__(self, source: Source, kind: str) -> None:
        self.fields = _FIELDS[kind]
        self.what = f"Salesforce {_OBJECT_NAMES[kind]}"
        self.kind = kind
        super().__init__(source)
        self.file = Path(self.name.rsplit(":", 1)[-1]).name
        """``Task.csv`` of ``export.zip:Task.csv``: how the report names it."""
        self.inactive: list[str] = []
        """The users :meth:`people` found who are no longer active (``IsActive`` false)."""

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        needed = [f for f in _NEEDED[self.kind] if f not in picks]
        if self.kind in ("user", "contact", "lead") and not {"name", "last_name"} & picks.keys():
            needed.append("name")
        if needed:
            columns = ", ".join(
                " or ".join(_SPELLED.get(c, c) for c in self.fields[f]) for f in needed
            )
            raise InputError(
                f"no {columns} column (found: {', '.join(table.header)})",
                file=self.name,
                line=table.header_line,
                hint=f"give the {_OBJECT_NAMES[self.kind]}.csv of a Salesforce data export"
                f" or Data Loader extract (its columns are {_COLUMNS[self.kind]})",
            )

    def _fuzzy(self, *_: object) -> None:
        """API names are exact: no header is taken for one it only nearly spells."""

    def flag(self, f: list[str], field_: str, line: int) -> bool | None:
        """A true/false cell (false where the file has no such column); ``None`` where it is
        neither, the row then skipped with why."""
        if field_ not in self.column:
            return False
        text = self.get(f, field_).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        column = self.table.header[self.column[field_]]
        self.skipped.append((line, f"{column} {text!r} is not true or false"))
        return None

    def people(self, wanted: set[str]) -> dict[str, tuple[PersonRecord, str]]:
        """Id → (the person, their AccountId) for the ``wanted`` Ids (15-character form)."""
        out: dict[str, tuple[PersonRecord, str]] = {}
        value = self.value
        for line, f in self._rows():
            key = salesforce_id(value(f, "id"))
            if key not in wanted or key in out or self.flag(f, "deleted", line) is not False:
                continue  # a deleted contact: the activities naming it are skipped
            name = value(f, "name") or " ".join(
                p for p in (value(f, "first_name"), value(f, "last_name")) if p
            )
            if name or value(f, "email"):
                person = PersonRecord(
                    name=name or None,
                    email=value(f, "email") or None,
                    company=value(f, "company") or None,
                )
                out[key] = person, salesforce_id(value(f, "account_id"))
                if "active" in self.column and self.flag(f, "active", line) is False:
                    self.inactive.append(name or value(f, "email"))
        return out


@dataclass(slots=True)
class _Draft:
    """An activity whose people are still Ids (15-character form)."""

    file: str
    line: int
    owner: str
    who: list[str]
    type: str
    day: str
    incoming: bool | None = None
    declined: set[str] = field(default_factory=set)
    alone: str = "no contact (WhoId)"
    """Why it is skipped when it names no one else."""
    attended: bool = False
    """Whether the users it names attended it (an event's) and count with its contacts."""

    def activity(
        self, user: PersonRecord, contacts: list[PersonRecord], *, invited: bool = False
    ) -> Activity:
        """The activity of ``user``, its owner or a user invited, with ``contacts``."""
        owner = PersonRecord(name=user.name, email=user.email)
        incoming = bool(self.incoming)
        return Activity(
            self.line, owner, contacts, self.type, self.day, incoming, self.file, invited
        )


class SalesforceActivities:
    """A Salesforce export's tasks and events; iterate for
    :class:`~graphwarm.sources.activities.Activity` rows up to ``as_of``.

    ``files`` are the export's files by object (:func:`salesforce_files`); ``name`` names the
    import. Whatever is skipped is counted by reason in :attr:`skip_counts`.
    """

    def __init__(
        self,
        files: dict[str, Source],
        *,
        name: str,
        as_of: dt.date,
        max_attendees: int = 8,
    ) -> None:
        if not {"task", "event"} & files.keys():
            raise InputError(
                "holds no Task.csv or Event.csv: no activities to import",
                file=name,
                hint="export Task and Event (with EventRelation, User, Contact and Lead) from"
                " Salesforce, or give a HubSpot activity export",
            )
        self.name = name
        self.files = files
        self.as_of = as_of.isoformat()
        self.max_attendees = max_attendees
        self.rows_read = 0
        """Tasks and events read."""
        self.skipped: list[tuple[int, str]] = []  # always empty: an export's skips are counted
        self.skip_counts: Counter[str] = Counter()
        self.notes: list[str] = []
        self.choices: list[ColumnChoice] = []
        self.readers = {
            kind: _Object(files[kind], kind)
            for kind in ("task", "taskrelation", "event", "eventrelation", "emailmessage")
            if kind in files
        }
        digest = hashlib.sha256()
        for kind in sorted(files):
            digest.update(f"{kind}:{files[kind].sha256()}\n".encode())
        self.sha256 = digest.hexdigest()
        """The files' contents together: the same files again are the same import."""

    def __iter__(self) -> Iterator[Activity]:
        drafts = [*self._tasks(), *self._events()]
        people = self._people(drafts)
        skip = self.skip_counts
        no_direction = 0
        unknown: dict[str, str] = {}  # reason → the first Id
        for d in drafts:
            owner = people.get(d.owner)
            if owner is None:
                why = "owner not in User.csv" if d.owner else "no owner (OwnerId)"
                skip[why] += 1
                unknown.setdefault(why, d.owner)
                continue
            contacts = [people[w] for w in d.who if w in people and w != d.owner]
            if not contacts:
                missing = [w for w in d.who if w not in people]
                why = f"{d.file}: " + (
                    "contact or lead not in Contact.csv or Lead.csv" if missing else d.alone
                )
                skip[why] += 1
                if missing:
                    unknown.setdefault(why, missing[0])
                continue
            if d.type == "email" and d.incoming is None:
                no_direction += 1
            yield d.activity(owner, contacts)
            if d.attended:
                yield from _invited(d, people)
        for why, key in unknown.items():
            if key:
                self.notes.append(
                    f"{why}: {counted(skip[why], 'activity', 'activities')},"
                    f" e.g. {_what(key)} (deleted, or of another export)"
                )
        for kind, reader in self.readers.items():
            self.notes += [f"{reader.file}: {note}" for note in reader.notes]
            if kind in ("task", "event"):  # an activity's row: counted with the others
                for _, reason in reader.skipped:
                    skip[f"{reader.file}: {reason}"] += 1
            elif reader.skipped:
                line, reason = reader.skipped[0]
                self.notes.append(
                    f"{reader.file}: {counted(len(reader.skipped), 'row')} not read (first:"
                    f" line {line}, {reason})"
                )
        self.rows_read = sum(
            self.readers[k].rows_read for k in ("task", "event") if k in self.readers
        )
        if no_direction:
            why = (
                "EmailMessage.csv has no row for them"
                if "emailmessage" in self.readers
                else "give the export's EmailMessage.csv too: it says which were received"
            )
            self.notes.append(
                f"{counted(no_direction, 'e-mail')} without a direction: counted as sent by"
                f" their owner ({why})"
            )

    def _tasks(self) -> Iterator[_Draft]:
        reader = self.readers.get("task")
        if reader is None:
            return
        incoming = self._directions()
        tasks: dict[str, _Draft] = {}
        value, flag, skip, file = reader.value, reader.flag, self.skip_counts, reader.file
        dates = _Dates(reader, ("date", "completed", "created"), self)
        done_by = next((c for c in ("closed", "status") if c in reader.column), None)
        if done_by is None:
            self.notes.append(f"{file} has no IsClosed or Status column: every task read as done")
        for line, f in reader._rows():
            if self._flagged(reader, f, line, _NOT_TASKS):
                continue
            subtype = value(f, "subtype")
            said = subtype if norm_header(subtype) not in ("", "task") else value(f, "type")
            if norm_header(said) == "listemail":
                skip[f"{file}: a list e-mail (one message to many)"] += 1
                continue
            kind = _TYPES.get(norm_header(said))
            if kind is None:
                what = f"type {said!r} is" if said else "no type (TaskSubtype or Type):"
                skip[f"{file}: {what} not an e-mail, call or meeting"] += 1
                continue
            if done_by == "closed":
                closed = flag(f, "closed", line)
                if closed is False:
                    skip[f"{file}: not done (IsClosed false)"] += 1
                if not closed:
                    continue
            elif done_by == "status" and norm_header(value(f, "status")) != "completed":
                skip[f"{file}: not done (Status {value(f, 'status')!r})"] += 1
                continue
            result = value(f, "result")
            if kind[0] == "call" and norm_header(result) in _NOT_CONNECTED:
                skip[f"{file}: call not answered ({result})"] += 1
                continue
            day = dates.day(f, line)
            if day is None:
                continue
            task, who = salesforce_id(value(f, "id")), salesforce_id(value(f, "who"))
            if self._repeated(file, task, tasks):
                continue
            direction = kind[1] if kind[1] is not None else incoming.get(task)
            owner = salesforce_id(value(f, "owner"))
            tasks[task] = _Draft(file, line, owner, [who] if who else [], kind[0], day, direction)
        dates.finish()
        self._relations("taskrelation", tasks)
        yield from tasks.values()

    def _events(self) -> Iterator[_Draft]:
        reader = self.readers.get("event")
        if reader is None:
            return
        value, skip, file = reader.value, self.skip_counts, reader.file
        dates = _Dates(reader, ("start", "time", "date"), self)
        events: dict[str, _Draft] = {}
        for line, f in reader._rows():
            if self._flagged(reader, f, line, _NOT_MEETINGS):
                continue
            if value(f, "group_type") == "3":  # a Lightning event series' own record
                skip[f"{file}: {_SERIES}"] += 1
                continue
            day = dates.day(f, line)
            if day is None:
                continue
            key, who = salesforce_id(value(f, "id")), salesforce_id(value(f, "who"))
            if self._repeated(file, key, events):
                continue
            owner = salesforce_id(value(f, "owner"))
            event = _Draft(file, line, owner, [who] if who else [], "meeting", day)
            event.alone = "no other attendees"
            event.attended = True
            events[key] = event
        dates.finish()
        if "eventrelation" not in self.readers and events:
            self.notes.append(
                "no EventRelation.csv: each event counts with its WhoId only (its other"
                " attendees are in EventRelation.csv)"
            )
        self._relations("eventrelation", events)
        for event in events.values():
            event.who = [w for w in event.who if w not in event.declined]
            if len({event.owner, *event.who, *event.declined}) > self.max_attendees:
                skip[f"{file}: more than {self.max_attendees} attendees"] += 1
                continue
            yield event

    def _flagged(
        self, reader: _Object, f: list[str], line: int, flags: tuple[tuple[str, str], ...]
    ) -> bool:
        """Whether one of ``flags`` (``(field, why)``) is true in a row (counted as why) or
        cannot be read (counted by the reader)."""
        for field_, why in flags:
            said = reader.flag(f, field_, line)
            if said:
                self.skip_counts[f"{reader.file}: {why}"] += 1
            if said is not False:
                return True
        return False

    def _repeated(self, file: str, key: str, seen: dict[str, _Draft]) -> bool:
        """Whether a row has no Id or one an earlier row has (skipped and counted: the
        relations of an Id could not tell the two apart)."""
        if key and key not in seen:
            return False
        self.skip_counts[f"{file}: {'an Id an earlier row has' if key else 'no Id'}"] += 1
        return True

    def _relations(self, kind: str, drafts: dict[str, _Draft]) -> None:
        """Add the people of each activity (by Id) from TaskRelation.csv (the contacts a task
        is shared with) or EventRelation.csv (an event's attendees, declined ones apart)."""
        reader = self.readers.get(kind)
        if reader is None:
            return
        value, flag = reader.value, reader.flag
        not_people = 0
        for line, f in reader._rows():
            draft = drafts.get(salesforce_id(value(f, "activity")))
            if draft is None or flag(f, "deleted", line) is not False:
                continue  # a relation of an activity skipped, or of none this export holds
            if flag(f, "what", line) is not False:
                continue  # the account or opportunity it is about
            person = salesforce_id(value(f, "relation"))
            if not person.startswith((_USER, _CONTACT, _LEAD)):
                not_people += 1
            elif norm_header(value(f, "status")) == "declined":
                draft.declined.add(person)
            elif person not in draft.who:
                draft.who.append(person)
        if not_people:
            self.notes.append(
                f"{reader.file}: {counted(not_people, 'relation')} not counted: no user, contact"
                " or lead (a room or other resource)"
            )

    def _directions(self) -> dict[str, bool]:
        """Task Id → whether the e-mail it logged came in (EmailMessage.csv's Incoming)."""
        reader = self.readers.get("emailmessage")
        if reader is None:
            return {}
        out: dict[str, bool] = {}
        for line, f in reader._rows():
            incoming = reader.flag(f, "incoming", line)
            task = salesforce_id(reader.value(f, "task"))
            if task and incoming is not None:
                out.setdefault(task, incoming)
        return out

    def _people(self, drafts: list[_Draft]) -> dict[str, PersonRecord]:
        """Id → person for every owner and attendee the drafts name, from User.csv,
        Contact.csv and Lead.csv (a contact's company from Account.csv)."""
        wanted = {d.owner for d in drafts} | {w for d in drafts for w in d.who}
        found: dict[str, PersonRecord] = {}
        by_account: dict[str, list[PersonRecord]] = {}
        for kind, prefix in (("user", _USER), ("contact", _CONTACT), ("lead", _LEAD)):
            ids = {w for w in wanted if w.startswith(prefix)}
            if not ids:
                continue
            if kind not in self.files:
                self._missing(kind, ids)
                continue
            reader = _Object(self.files[kind], kind)
            people = reader.people(ids)
            if kind == "user" and not people:  # users are never deleted: another org's file
                raise InputError(
                    f"holds none of the {counted(len(ids), _OBJECT_NAMES[kind])} the activities"
                    f" name (e.g. {min(ids)})",
                    file=reader.name,
                    hint="give the files of one export: its tasks, events and"
                    f" {reader.file} come from the same Salesforce org",
                )
            for key, (person, account) in people.items():
                found[key] = person
                if kind == "user":
                    person.company = None  # the team's own org, not a workplace to read
                elif account:
                    by_account.setdefault(account, []).append(person)
            self.notes += [f"{reader.file}: {note}" for note in reader.notes]
            if reader.inactive:
                self.notes.append(
                    f"{reader.file}: {counted(len(reader.inactive), 'user')} no longer active in"
                    f" Salesforce (IsActive false): {', '.join(sorted(reader.inactive))}"
                )
        if by_account and "account" in self.files:
            names = SalesforceAccounts(self.files["account"]).names()
            for account, persons in by_account.items():
                for person in persons:
                    person.company = names.get(account)
            if unknown := sorted(set(by_account) - names.keys()):
                self.notes.append(
                    f"{counted(len(unknown), 'AccountId')} of contacts not in Account.csv"
                    f" (e.g. {unknown[0]}): those contacts are imported without a company"
                )
        elif by_account:
            self.notes.append(
                "no Account.csv: contacts are imported without their company (Contact.csv names"
                " it by AccountId)"
            )
        return found

    def _missing(self, kind: str, ids: set[str]) -> None:
        """A file of people the activities name is not there: an error for User.csv, and for
        Contact.csv and Lead.csv both missing; else a note (their rows are skipped)."""
        file = f"{_OBJECT_NAMES[kind]}.csv"
        if kind == "user" or not {"contact", "lead"} & self.files.keys():
            by = "owner by OwnerId" if kind == "user" else "contact by WhoId"
            raise InputError(
                f"names each {by}, but no {file} was given to look them up in",
                file=self.readers["task" if "task" in self.readers else "event"].name,
                hint=f"give the {file} of the same export too, or import the whole export"
                " (its folder or .zip)",
            )
        self.notes.append(
            f"no {file}: {counted(len(ids), _OBJECT_NAMES[kind].lower())} the activities name"
            " cannot be looked up; their activities are skipped"
        )


class _Dates:
    """An activity's day: the first of several date columns that is not empty."""

    def __init__(
        self, reader: _Object, fields: tuple[str, ...], into: SalesforceActivities
    ) -> None:
        found = [f for f in fields if f in reader.column]
        if not found:
            columns = " or ".join(_SPELLED[reader.fields[f][0]] for f in fields)
            raise InputError(
                f"no date column ({columns}; found: {', '.join(reader.table.header)})",
                file=reader.name,
                line=reader.table.header_line,
                hint=f"give the {_OBJECT_NAMES[reader.kind]}.csv of a Salesforce data export"
                f" (its columns are {_COLUMNS[reader.kind]})",
            )
        self.reader = reader
        self.into = into
        header = reader.table.header
        self.columns = [(f, DateColumn(reader.name, header[reader.column[f]])) for f in found]

    def day(self, f: list[str], line: int) -> str | None:
        """The day of one row, or ``None`` (the row skipped and counted)."""
        skip, as_of = self.into.skip_counts, self.into.as_of
        for field_, dates in self.columns:
            text = self.reader.get(f, field_)
            if not text:
                continue
            day = dates.read(text, line)
            if day is None:
                skip[f"{self.reader.file}: date cannot be read ({dates.column})"] += 1
                return None
            if day > as_of:
                skip[f"after as_of ({as_of}): not held yet"] += 1
                return None
            return day
        skip[f"{self.reader.file}: no date"] += 1
        return None

    def finish(self) -> None:
        for _, dates in self.columns:
            self.into.notes += [
                f"{self.reader.file}: {n}" for n in dates.notes("their rows are skipped")
            ]


def _invited(event: _Draft, people: dict[str, PersonRecord]) -> Iterator[Activity]:
    """An event again for each user but its owner who attended it, with its contacts and
    leads (the owner's activity has them with the owner only)."""
    contacts = [people[w] for w in event.who if w in people and not w.startswith(_USER)]
    if not contacts:
        return
    for key in event.who:
        user = people.get(key) if key.startswith(_USER) and key != event.owner else None
        if user is not None:
            yield event.activity(user, contacts, invited=True)


def _what(key: str) -> str:
    """How a note names an Id: ``contact 0035g00000AbCdE``."""
    return f"{_PEOPLE.get(key[:3], 'record')} {key}"
