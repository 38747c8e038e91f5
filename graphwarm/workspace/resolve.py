"""Identity resolution: one stored person per real person, one account per organisation.

A record is matched, in order, on its normalised LinkedIn URL, then its e-mail, then its name
at the same account; a record with only a name matches the one person of that name who has no
company either; and a team member's name at the team's own account is that member. Two records with
different LinkedIn URLs are never merged. Indexes live in memory while a command runs, so a
1 M-row import does not ask SQLite for each row.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable

from ..identity import (
    better_display,
    company_key,
    domain_key,
    email_domain,
    email_key,
    name_key,
    record_forget_keys,
    url_key,
)
from ..settings import Settings
from ..sources.records import PersonRecord

__all__ = ["Folder", "Resolver"]

_CHUNK = 900  # below SQLite's bound-parameter limit
_AMBIGUOUS = -1
_UNSET = object()  # "not looked up yet", as opposed to "no account"


class Folder:
    """What a person's sightings add up to, and which account a company is: the part of a
    :class:`Resolver` that reading an earlier state needs, without its indexes of people."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings) -> None:
        self.conn = conn
        self.public_domains = settings.public_mail_domains
        self.aliases: dict[str, str] = {}
        for canonical, names in settings.aliases.items():
            target = company_key(canonical)
            for alias in names:
                key = company_key(alias)
                if key and target and key != target:
                    self.aliases[key] = target
        self.account_by_key: dict[str, int] = dict(conn.execute("SELECT key, id FROM accounts"))

    def account_key(self, company: str | None) -> str | None:
        key = company_key(company)
        return self.aliases.get(key, key) if key else None

    def sightings(
        self, pids: list[int], rows: str, holds: Callable[[int], bool] | None = None
    ) -> dict[int, list[tuple]]:
        """Each person's sightings among ``rows`` (an SQL condition: the current ones, all of
        the history, a past state holding the imports that ``holds``), oldest first.

        A sighting that later imports of its file repeated unchanged is as new as the newest
        of them (in that state): it is stored once, with its first import.
        """
        seen: dict[int, list[tuple]] = {pid: [] for pid in pids}
        if not pids:
            return seen
        following = dict(self.conn.execute("SELECT id, superseded_by FROM imports"))

        def newest(row: tuple) -> tuple[int, int]:
            last, until = row[-2], row[-1]
            step = following.get(last)
            while step is not None and (until is None or step < until):
                if holds is not None and not holds(step):
                    break
                last, step = step, following.get(step)
            return last, row[-2]

        found: list[tuple] = self.conn.execute(
            "SELECT person_id, name, url, email, company, title, is_target, import_id,"
            f" until_import FROM sightings WHERE person_id IN ({','.join('?' * len(pids))})"
            f" AND {rows}",
            pids,
        ).fetchall()
        for row in sorted(found, key=newest):
            seen[row[0]].append(row[1:-2])
        return seen

    def fold(self, state: list, sighting: tuple) -> None:
        """Add one sighting (oldest first) to ``[name, company, title, url, is_target]``.

        The newest sighting wins a changed name, company or title; spellings of the same value
        keep their best form.
        """
        s_name, s_url, _email, s_company, s_title, s_target = sighting
        name, company = state[0], state[1]
        if s_name:
            same = name_key(s_name) == name_key(name)
            state[0] = better_display(name, s_name) if same else s_name.strip()
        if s_company:
            same = self.account_key(s_company) == self.account_key(company)
            state[1] = better_display(company, s_company) if same else s_company.strip()
        state[2] = _clean(s_title) or state[2]
        if s_url and url_key(s_url):
            state[3] = s_url
        state[4] = state[4] or bool(s_target)


class Resolver(Folder):
    """Matches records to stored people and accounts, creating what is new."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings) -> None:
        super().__init__(conn, settings)
        q = conn.execute
        self.account_by_domain: dict[str, int] = dict(
            q("SELECT domain, account_id FROM account_domains")
        )
        self.by_url: dict[str, int] = {}
        self.url_of: dict[int, str] = {}
        self.by_name_account: dict[tuple[str, int], int] = {}
        self.by_name_only: dict[str, int] = {}
        self.member_by_name: dict[str, int] = {}
        self.account_of: dict[int, int | None] = {}
        for pid, nkey, ukey, aid, is_member in q(
            "SELECT id, name_key, url_key, account_id, is_member FROM people"
        ):
            self._index(pid, nkey, ukey, aid, bool(is_member))
        self.by_email: dict[str, int] = dict(q("SELECT email, person_id FROM emails"))
        self.forget_salt, self.forgotten = _forgotten(conn)
        self.next_id = (q("SELECT max(id) FROM people").fetchone()[0] or 0) + 1
        self._new_people: list[tuple] = []
        self._new_emails: list[tuple[str, int]] = []

    def flush(self) -> None:
        """Write the people and e-mails created since the last flush (in batches: fast)."""
        if self._new_people:
            self.conn.executemany(
                "INSERT INTO people (id, name, name_key, url, url_key, company, account_id, title,"
                " is_member, is_target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._new_people,
            )
            self._new_people.clear()
        if self._new_emails:
            self.conn.executemany(
                "INSERT OR IGNORE INTO emails (email, person_id) VALUES (?, ?)", self._new_emails
            )
            self._new_emails.clear()

    def _index(
        self, pid: int, nkey: str | None, ukey: str | None, aid: int | None, is_member: bool
    ) -> None:
        self.account_of[pid] = aid
        if ukey:
            self.by_url[ukey] = pid
            self.url_of[pid] = ukey
        if nkey and aid is not None:
            self.by_name_account.setdefault((nkey, aid), pid)
        elif nkey:  # a name alone identifies someone only while no one else has it
            known = self.by_name_only.get(nkey)
            self.by_name_only[nkey] = pid if known in (None, pid) else _AMBIGUOUS
        if nkey and is_member:
            self.member_by_name[nkey] = pid

    # -- accounts -----------------------------------------------------------------------------

    def account_for(self, company: str | None, email: str | None = None) -> int | None:
        """The account a company name (or, failing that, an e-mail domain) belongs to."""
        key = self.account_key(company)
        if key:
            aid = self.account_by_key.get(key)
            if aid is None:
                cur = self.conn.execute(
                    "INSERT INTO accounts (key, name) VALUES (?, ?)", (key, company.strip())
                )
                aid = int(cur.lastrowid or 0)
                self.account_by_key[key] = aid
            return aid
        domain = email_domain(email, self.public_domains)
        return self.account_by_domain.get(domain) if domain else None

    def set_account_domain(self, account_id: int, domain: str | None) -> None:
        key = domain_key(domain)
        if key and key not in self.account_by_domain:
            self.account_by_domain[key] = account_id
            self.conn.execute(
                "INSERT OR IGNORE INTO account_domains (domain, account_id) VALUES (?, ?)",
                (key, account_id),
            )
            self.conn.execute(
                "UPDATE accounts SET domain = coalesce(domain, ?) WHERE id = ?", (key, account_id)
            )

    # -- people -------------------------------------------------------------------------------

    def is_forgotten(self, rec: PersonRecord) -> bool:
        """Whether ``rec`` describes someone erased with ``graphwarm forget --person``."""
        if not self.forgotten:
            return False
        keys = record_forget_keys(self.forget_salt, rec.url, rec.email, rec.name, rec.company)
        return not self.forgotten.isdisjoint(keys)

    def match(self, rec: PersonRecord, *, team_accounts: Iterable[int] = ()) -> int | None:
        """The stored person this record is, or ``None`` when it is someone new."""
        ukey = url_key(rec.url)
        if ukey and ukey in self.by_url:
            return self.by_url[ukey]
        return self._match(rec, ukey, email_key(rec.email), name_key(rec.name), team_accounts)[0]

    def resolve(self, rec: PersonRecord, team_accounts: Iterable[int] = ()) -> tuple[int, bool]:
        """The stored person this record is, created when new: ``(id, created)``.

        The same as :meth:`match`, then :meth:`add_person` or :meth:`add_email` and
        :meth:`note_url`, with each key computed once (the import's per-row path).
        """
        keys = rec.keys
        ukey = url_key(rec.url) if keys is None else keys[0]
        if ukey:
            pid = self.by_url.get(ukey)
            if pid is not None:
                if rec.email:
                    self.add_email(pid, rec.email)
                return pid, False
        ekey = email_key(rec.email) if rec.email else None
        nkey = name_key(rec.name) if keys is None else keys[1]
        pid, aid = self._match(rec, ukey, ekey, nkey, team_accounts)
        if pid is None:
            if aid is _UNSET:
                aid = self.account_for(rec.company, rec.email)
            return self._add(rec, ukey, ekey, nkey, aid, False), True  # type: ignore[arg-type]
        if ekey and ekey not in self.by_email:
            self.by_email[ekey] = pid
            self._new_emails.append((ekey, pid))
        if ukey and pid not in self.url_of and ukey not in self.by_url:
            self.by_url[ukey] = pid
            self.url_of[pid] = ukey
        return pid, False

    def _match(
        self,
        rec: PersonRecord,
        ukey: str | None,
        ekey: str | None,
        nkey: str | None,
        team_accounts: Iterable[int],
    ) -> tuple[int | None, int | object | None]:
        """:meth:`match` past the URL step, given the record's keys; also returns the account
        it looked up (``_UNSET`` when it did not get that far)."""
        url_of = self.url_of
        if ekey:
            pid = self.by_email.get(ekey)
            if pid is not None:
                known = url_of.get(pid)
                if not (ukey and known and known != ukey):
                    return pid, _UNSET
        if not nkey:
            return None, _UNSET
        aid = self.account_for(rec.company, rec.email)
        if aid is not None:
            pid = self.by_name_account.get((nkey, aid))
            if pid is not None:
                known = url_of.get(pid)
                if not (ukey and known and known != ukey):
                    return pid, aid
        elif not ukey:  # a name (and an unknown e-mail): one without a company
            pid = self.by_name_only.get(nkey)
            if pid is not None and pid != _AMBIGUOUS:
                return pid, aid
        member = self.member_by_name.get(nkey)
        if member is not None:
            known = url_of.get(member)
            if not (ukey and known and known != ukey):
                member_account = self.account_of.get(member)
                same_team = aid is None or aid in team_accounts
                if same_team and (member_account is None or member_account == aid or aid is None):
                    return member, aid
        return None, aid

    def add_person(self, rec: PersonRecord, *, is_member: bool = False) -> int:
        """Store a new person from one record and index them."""
        aid = self.account_for(rec.company, rec.email)
        return self._add(
            rec, url_key(rec.url), email_key(rec.email), name_key(rec.name), aid, is_member
        )

    def _add(
        self,
        rec: PersonRecord,
        ukey: str | None,
        ekey: str | None,
        nkey: str | None,
        aid: int | None,
        is_member: bool,
    ) -> int:
        # Someone with only an address is shown by it; nkey stays None: never matched by name
        name = (rec.name or "").strip() or email_key(rec.email) or "(no name)"
        pid = self.next_id
        self.next_id += 1
        self._new_people.append(
            (
                pid,
                name,
                nkey,
                rec.url if ukey else None,
                ukey,
                _clean(rec.company),
                aid,
                _clean(rec.title),
                int(is_member),
                int(rec.is_target),
            )
        )
        self._index(pid, nkey, ukey, aid, is_member)
        if ekey and ekey not in self.by_email:
            self.by_email[ekey] = pid
            self._new_emails.append((ekey, pid))
        if is_member:
            self.flush()
        return pid

    def add_email(self, pid: int, email: str | None) -> None:
        ekey = email_key(email)
        if ekey and ekey not in self.by_email:
            self.by_email[ekey] = pid
            self._new_emails.append((ekey, pid))

    def note_url(self, pid: int, url: str | None) -> None:
        """Index a URL learnt for an existing person (kept in the store by refresh)."""
        ukey = url_key(url)
        if ukey and pid not in self.url_of and ukey not in self.by_url:
            self.by_url[ukey] = pid
            self.url_of[pid] = ukey

    def people_of_imports(self, import_ids: list[int]) -> set[int]:
        """Everyone an import saw or tied, so they can be refreshed after it is removed."""
        self.flush()
        marks = ",".join("?" * len(import_ids))
        q = self.conn.execute
        touched = {
            r[0]
            for r in q(f"SELECT person_id FROM sightings WHERE import_id IN ({marks})", import_ids)
        }
        touched |= {
            r[0]
            for r in q(
                f"SELECT member_id FROM imports WHERE id IN ({marks}) AND member_id IS NOT NULL",
                import_ids,
            )
        }
        return touched

    def refresh_people(self, pids: Iterable[int], *, drop_accounts: bool = True) -> None:
        """Recompute each person's shown fields from what their current sightings say.

        The newest sighting wins a changed company or title; spellings of the same value keep
        their best form. People only superseded imports saw are kept ``retired`` (out of the
        graph; their id kept for the history and for when an import sees them again), shown as
        all their sightings say. People no import sees any more are deleted with their ties,
        except those an ask refers to: their row stays retired, with no company, account, title
        or target, so the ask keeps its evidence and shows their name, and the id is never given
        to someone else; ``graphwarm forget`` finds and erases them like anyone.
        ``drop_accounts``: also delete the accounts they were at that nothing names any more.
        """
        self.flush()
        pids = sorted(set(pids))
        before = {self.account_of.get(pid) for pid in pids} - {None}
        q = self.conn.execute
        for start in range(0, len(pids), _CHUNK):
            chunk = pids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            members = {
                r[0]
                for r in q(
                    f"SELECT DISTINCT member_id FROM imports WHERE member_id IN ({marks})", chunk
                )
            }
            seen = self.sightings(chunk, "until_import IS NULL")
            unseen = [pid for pid, rows in seen.items() if not rows and pid not in members]
            seen.update(self.sightings(unseen, "1"))
            gone = [pid for pid in unseen if not seen[pid]]
            held = self._asked_about(gone)
            gone = [pid for pid in gone if pid not in held]
            if gone:
                q(f"DELETE FROM people WHERE id IN ({','.join('?' * len(gone))})", gone)
            if held:
                q(
                    "UPDATE people SET company = NULL, account_id = NULL, title = NULL,"
                    f" is_target = 0, retired = 1 WHERE id IN ({','.join('?' * len(held))})",
                    sorted(held),
                )
            kept = [pid for pid in chunk if seen[pid] or pid in members]
            updates, emails = [], []
            for pid in kept:
                update = self._refreshed(pid, seen[pid], pid in members)
                updates.append((*update[:-2], int(pid in unseen), pid))
                emails += [(e, pid) for e in update[-1]]
            self.conn.executemany(
                "UPDATE people SET name = ?, name_key = ?, url = ?, url_key = ?, company = ?,"
                " account_id = ?, title = ?, is_member = ?, is_target = ?, retired = ?"
                " WHERE id = ?",
                updates,
            )
            # a row kept for an ask (held) keeps its e-mails, so forget can still find it
            q(f"DELETE FROM emails WHERE person_id IN ({','.join('?' * len(kept))})", kept)
            self.conn.executemany(
                "INSERT OR IGNORE INTO emails (email, person_id) VALUES (?, ?)", emails
            )
        if drop_accounts:
            self.drop_orphan_accounts(before)

    def _refreshed(self, pid: int, rows: list[tuple], is_member: bool) -> tuple:
        """The people row (and e-mails, last) that one person's sightings add up to."""
        state: list = [None, None, None, None, False]
        for sighting in rows:
            self.fold(state, sighting)
        name, company, title, url, is_target = state
        emails = list(dict.fromkeys(e for e in (email_key(r[2]) for r in rows) if e))
        nkey = name_key(name)
        if name is None:  # no sighting names them: keep what they are shown by, no name key
            row = self.conn.execute("SELECT name FROM people WHERE id = ?", (pid,)).fetchone()
            name = row[0] if row else "(no name)"
        aid = self.account_for(company, emails[0] if emails else None)
        ukey = url_key(url)
        self._index(pid, nkey, ukey, aid, is_member)
        return (
            name,
            nkey,
            url,
            ukey,
            company,
            aid,
            title,
            int(is_member),
            int(is_target),
            pid,
            emails,
        )

    def absorb(self, newest: dict[int, tuple]) -> None:
        """Fold one new sighting per person into their stored row (an import's fast path).

        Equal to :meth:`refresh_people` when ``newest`` is the latest sighting of each: the
        stored row already is the fold of the older ones.
        """
        self.flush()
        pids = sorted(newest)
        q = self.conn.execute
        for start in range(0, len(pids), _CHUNK):
            chunk = pids[start : start + _CHUNK]
            updates = []
            for pid, name, nkey, company, title, url, is_target, aid, is_member in q(
                "SELECT id, name, name_key, company, title, url, is_target, account_id,"
                f" is_member FROM people WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                sighting = newest[pid]
                s_name, s_url, _email, s_company, s_title, s_target = sighting
                if (
                    (s_name is None or s_name == name)
                    and (s_company is None or s_company == company)
                    and (_clean(s_title) or title) == title
                    and (s_url is None or s_url == url)
                    and (is_target or not s_target)
                ):
                    continue  # says what the row says: the fold would change nothing
                state = [name, company, title, url, bool(is_target)]
                self.fold(state, sighting)
                if state == [name, company, title, url, bool(is_target)]:
                    continue
                if state[1] != company:
                    aid = self.account_for(state[1], sighting[2])
                ukey = url_key(state[3])
                if state[0] != name:  # an unchanged name keeps its key (None for an address)
                    nkey = name_key(state[0])
                self._index(pid, nkey, ukey, aid, bool(is_member))
                updates.append(
                    (
                        state[0],
                        nkey,
                        state[3],
                        ukey,
                        state[1],
                        aid,
                        state[2],
                        int(state[4]),
                        pid,
                    )
                )
            self.conn.executemany(
                "UPDATE people SET name = ?, name_key = ?, url = ?, url_key = ?, company = ?,"
                " account_id = ?, title = ?, is_target = ? WHERE id = ?",
                updates,
            )

    def _asked_about(self, pids: list[int]) -> set[int]:
        """Those of ``pids`` that an ask refers to (``ask_people``)."""
        if not pids:
            return set()
        marks = ",".join("?" * len(pids))
        return {
            r[0]
            for r in self.conn.execute(
                f"SELECT DISTINCT person_id FROM ask_people WHERE person_id IN ({marks})", pids
            )
        }

    def drop_orphan_accounts(self, candidates: set[int]) -> None:
        """Delete those of these accounts that no person, target list, position or ask
        names (an ask keeps its account, as it keeps its people: :meth:`refresh_people`)."""
        ids = sorted(candidates)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            gone = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM accounts a WHERE id IN ({','.join('?' * len(chunk))})"
                    " AND NOT EXISTS (SELECT 1 FROM people WHERE account_id = a.id)"
                    " AND NOT EXISTS (SELECT 1 FROM account_targets WHERE account_id = a.id)"
                    " AND NOT EXISTS (SELECT 1 FROM positions WHERE account_id = a.id)"
                    " AND NOT EXISTS (SELECT 1 FROM asks WHERE account_id = a.id"
                    " OR target_id = -a.id)",
                    chunk,
                )
            ]
            for aid in gone:
                self.conn.execute("DELETE FROM accounts WHERE id = ?", (aid,))
            self.account_by_key = {k: v for k, v in self.account_by_key.items() if v not in gone}


def _forgotten(conn: sqlite3.Connection) -> tuple[int, set[str]]:
    """The workspace's forget salt and the keys of everyone erased on request."""
    try:
        row = conn.execute("SELECT value FROM workspace_meta WHERE key = 'forget_salt'").fetchone()
        keys = {key for (key,) in conn.execute("SELECT key FROM forgotten")}
    except sqlite3.OperationalError:  # a read-only file from before the list: no one on it
        return 0, set()
    return (int(row[0]) if row else 0), keys


@functools.lru_cache(maxsize=65_536)
def _clean(text: str | None) -> str | None:
    text = " ".join(text.split()) if text else None
    return text or None
