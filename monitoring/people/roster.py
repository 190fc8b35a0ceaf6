"""The roster from an HR system: agents and teams imported from CSV, all rows or none.

Like the call import (monitoring/ingest.py), a file with any bad row writes nothing and every
problem is reported as (row, field, reason), the row being the file's line number (the header
is line 1). Files may be UTF-8, UTF-8 with a BOM, or GB18030 (which covers GBK), as Chinese HR
systems and Excel write them. Lookups are loaded once per file, so checking 2,000 agents costs
a handful of queries.

Agents (upsert by employee_id): employee_id, name, team (the team's name), hire_date
(YYYY-MM-DD), and optionally active (yes/no) and username (link to an existing account that
holds the Agent role). A blank `active` makes a new agent active and leaves an existing one as
it is; a blank `username` links no one and leaves an existing link alone.

Teams (upsert by name): name, site (an existing site's name), and optionally lines_of_business
(codes separated by ";") and supervisors (usernames separated by ";", each holding the
Supervisor role). A column that is present replaces the team's set, even when blank; a column
left out of the file leaves the sets alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from qa_platform.roles import AGENT, SUPERVISOR

from .. import encodings
from ..ingest import RowError
from ..models import Agent, LineOfBusiness, Site, Team

User = get_user_model()

AGENT_REQUIRED = ("employee_id", "name", "team", "hire_date")
AGENT_OPTIONAL = ("active", "username")
TEAM_REQUIRED = ("name", "site")
TEAM_OPTIONAL = ("lines_of_business", "supervisors")
YES = {"1", "y", "yes", "true", "t", "active", "是", "在职"}
NO = {"0", "n", "no", "false", "f", "inactive", "否", "离职"}
# ";" and the full-width "；" a Chinese keyboard types.
SEPARATORS = (";", "；")
BATCH = 1_000


class RosterImportError(Exception):
    """Raised with every problem found; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the roster file")


@dataclass(frozen=True)
class RosterResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


# --- reading the file -------------------------------------------------------------------------


def decode(data: bytes, *, name: str = "") -> str:
    """The file's text: UTF-8 (with or without a BOM) first, then GB18030 (monitoring/encodings.py)."""
    try:
        return encodings.decode(data, name=name)
    except encodings.FileEncodingError as exc:
        raise RosterImportError([RowError(1, "file", str(exc))]) from None


def read_rows(text: str, *, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[str], list]:
    """(the header's columns, [(line number, {column: text})]) or RosterImportError."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _read(reader, required, optional)
    except csv.Error as exc:
        raise RosterImportError([RowError(reader.line_num, "file", _("Not valid CSV: %(e)s") % {"e": exc})]) from None


def _read(reader: csv.DictReader, required, optional) -> tuple[list[str], list]:
    if not reader.fieldnames:
        raise RosterImportError([RowError(1, "header", _("The file is empty or has no header row."))])
    header = [(name or "").strip().lower() for name in reader.fieldnames]
    errors = [RowError(1, c, _("Required column is missing.")) for c in required if c not in header]
    errors += [RowError(1, c or "header", _("Unknown column.")) for c in header if c not in required + optional]
    errors += [
        RowError(1, c, _("The column appears twice.")) for c in sorted({c for c in header if header.count(c) > 1})
    ]
    if errors:
        raise RosterImportError(errors)
    reader.fieldnames = header
    rows = []
    for raw in reader:
        if len(rows) >= settings.ROSTER_IMPORT_MAX_ROWS:
            message = _("More than %(n)s rows; split the file.") % {"n": settings.ROSTER_IMPORT_MAX_ROWS}
            raise RosterImportError([RowError(reader.line_num, "file", message)])
        if None in raw:
            raise RosterImportError([RowError(reader.line_num, "row", _("More cells than header columns."))])
        cells = {k: (v or "").strip() for k, v in raw.items()}
        if any(cells.values()):  # a blank line is skipped
            rows.append((reader.line_num, cells))
    if not rows:
        raise RosterImportError([RowError(2, "file", _("The file has a header but no rows."))])
    return header, rows


class _Row:
    """One row's cells and the problems found in it."""

    def __init__(self, number: int, cells: dict, errors: list[RowError]):
        self.number, self.cells, self.errors = number, cells, errors

    def fail(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.number, name, reason))

    def text(self, name: str, max_length: int, *, required: bool = False) -> str:
        value = self.cells.get(name, "")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            self.fail(name, _("Contains a line break or another control character."))
        elif required and not value:
            self.fail(name, _("This field is required."))
        elif len(value) > max_length:
            self.fail(name, _("Longer than %(n)s characters.") % {"n": max_length})
        else:
            return value
        return ""

    def flag(self, name: str) -> bool | None:
        value = self.cells.get(name, "").lower()
        if not value:
            return None
        if value in YES or value in NO:
            return value in YES
        self.fail(name, _("'%(v)s' is not yes or no.") % {"v": value})
        return None

    def date(self, name: str) -> dt.date | None:
        value = self.cells.get(name, "")
        if not value:
            self.fail(name, _("This field is required."))
            return None
        try:
            day = dt.date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            self.fail(name, _("'%(v)s' is not a date (2024-03-18).") % {"v": value})
            return None
        if not 1950 <= day.year <= timezone.localdate().year + 1:
            self.fail(name, _("%(v)s is not a plausible date.") % {"v": value})
            return None
        return day

    def names(self, name: str) -> list[str]:
        value = self.cells.get(name, "")
        for separator in SEPARATORS[1:]:
            value = value.replace(separator, SEPARATORS[0])
        return sorted({part.strip() for part in value.split(SEPARATORS[0]) if part.strip()})


def _first_seen(rows: list[_Row], key, field: str) -> None:
    """A key (employee id, team name) may appear once in a file."""
    seen: dict[str, int] = {}
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value.lower() in seen:
            row.fail(field, _("Duplicates row %(n)s of this file.") % {"n": seen[value.lower()]})
        else:
            seen[value.lower()] = row.number


# --- agents -----------------------------------------------------------------------------------


def agents_import_csv(*, data: bytes, by=None, name: str = "") -> RosterResult:
    """Upsert agents by employee id from an HR export; all rows or none (RosterImportError)."""
    header, raw_rows = read_rows(decode(data, name=name), required=AGENT_REQUIRED, optional=AGENT_OPTIONAL)
    errors: list[RowError] = []
    rows = [_Row(n, cells, errors) for n, cells in raw_rows]
    ids = {r.cells.get("employee_id", "") for r in rows}
    usernames = {r.cells.get("username", "") for r in rows} - {""}
    teams = {t.name.lower(): t for t in Team.objects.all()}
    existing = {a.employee_id: a for a in Agent.objects.select_related("team", "user").filter(employee_id__in=ids)}
    accounts = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
    agent_holders = set(
        User.objects.filter(pk__in=[u.pk for u in accounts.values()], groups__name=AGENT).values_list("pk", flat=True)
    )
    linked = dict(Agent.objects.filter(user__in=accounts.values()).values_list("user_id", "employee_id"))
    _first_seen(rows, lambda r: r.cells.get("employee_id", ""), "employee_id")
    _first_seen(rows, lambda r: r.cells.get("username", ""), "username")

    planned: list[tuple[Agent | None, dict]] = []
    for row in rows:
        employee_id = row.text("employee_id", 32, required=True)
        values = {
            "name": row.text("name", 100, required=True),
            "hire_date": row.date("hire_date"),
        }
        team_name = row.text("team", 100, required=True)
        values["team"] = teams.get(team_name.lower())
        if team_name and values["team"] is None:
            row.fail("team", _("No team named '%(v)s'; import the teams first.") % {"v": team_name})
        active = row.flag("active")
        if active is not None:
            values["active"] = active
        username = row.text("username", 150)
        if username:
            account = accounts.get(username.lower())
            if account is None:
                row.fail("username", _("No account with username '%(v)s'.") % {"v": username})
            elif account.pk not in agent_holders:
                row.fail("username", _("%(v)s does not have the Agent role.") % {"v": username})
            elif linked.get(account.pk, employee_id) != employee_id:
                row.fail(
                    "username",
                    _("%(v)s is already the login of agent %(e)s.") % {"v": username, "e": linked[account.pk]},
                )
            else:
                values["user"] = account
        planned.append((existing.get(employee_id), {"employee_id": employee_id, **values}))
    if errors:
        raise RosterImportError(sorted(errors, key=lambda e: e.row))
    return _write_agents(planned, by=by)


def _write_agents(planned: list[tuple[Agent | None, dict]], *, by) -> RosterResult:
    new, changed, fields = [], [], set()
    for agent, values in planned:
        if agent is None:
            new.append(Agent(**{"active": True, **values}))
            continue
        diff = {k: v for k, v in values.items() if getattr(agent, k) != v}
        if diff:
            for k, v in diff.items():
                setattr(agent, k, v)
            fields.update(diff)
            changed.append(agent)
    with transaction.atomic():
        if new:
            bulk_create_with_history(
                new, Agent, batch_size=BATCH, default_user=by, default_change_reason="roster import"
            )
        if changed:
            bulk_update_with_history(
                changed, Agent, sorted(fields), batch_size=BATCH, default_user=by, default_change_reason="roster import"
            )
    return RosterResult(created=len(new), updated=len(changed), unchanged=len(planned) - len(new) - len(changed))


# --- teams ------------------------------------------------------------------------------------


def teams_import_csv(*, data: bytes, by=None, name: str = "") -> RosterResult:
    """Upsert teams by name from an HR export; all rows or none (RosterImportError)."""
    header, raw_rows = read_rows(decode(data, name=name), required=TEAM_REQUIRED, optional=TEAM_OPTIONAL)
    errors: list[RowError] = []
    rows = [_Row(n, cells, errors) for n, cells in raw_rows]
    sites = {s.name.lower(): s for s in Site.objects.all()}
    lines = {lob.code.lower(): lob for lob in LineOfBusiness.objects.all()}
    wanted = {u for r in rows for u in r.names("supervisors")}
    supervisors = {
        u.username.lower(): u for u in User.objects.filter(username__in=wanted, groups__name=SUPERVISOR).distinct()
    }
    others = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    existing = {t.name.lower(): t for t in Team.objects.prefetch_related("lines_of_business", "supervisors")}
    _first_seen(rows, lambda r: r.cells.get("name", ""), "name")

    planned = []
    for row in rows:
        name = row.text("name", 100, required=True)
        site_name = row.text("site", 100, required=True)
        site = sites.get(site_name.lower())
        if site_name and site is None:
            row.fail("site", _("No site named '%(v)s'.") % {"v": site_name})
        row_lines = row_supervisors = None
        if "lines_of_business" in header:
            row_lines = []
            for code in row.names("lines_of_business"):
                if code.lower() in lines:
                    row_lines.append(lines[code.lower()])
                else:
                    row.fail("lines_of_business", _("No line of business with code '%(v)s'.") % {"v": code})
        if "supervisors" in header:
            row_supervisors = []
            for username in row.names("supervisors"):
                if username.lower() in supervisors:
                    row_supervisors.append(supervisors[username.lower()])
                elif username in others:
                    row.fail("supervisors", _("%(v)s does not have the Supervisor role.") % {"v": username})
                else:
                    row.fail("supervisors", _("No account with username '%(v)s'.") % {"v": username})
        planned.append((existing.get(name.lower()), name, site, row_lines, row_supervisors))
    if errors:
        raise RosterImportError(sorted(errors, key=lambda e: e.row))
    return _write_teams(planned)


def _write_teams(planned) -> RosterResult:
    created = updated = 0
    with transaction.atomic():
        made = Team.objects.bulk_create(
            [Team(name=name, site=site) for team, name, site, _l, _s in planned if team is None], batch_size=BATCH
        )
        made_by_name = {t.name.lower(): t for t in made}
        moved, line_links, supervisor_links = [], {}, {}
        for team, name, site, row_lines, row_supervisors in planned:
            is_new, changed = team is None, False
            if is_new:
                team = made_by_name[name.lower()]
                created += 1
            elif team.site_id != site.pk or team.name != name:
                team.site, team.name = site, name
                moved.append(team)
                changed = True
            # A new team has no links yet; an existing one's were prefetched.
            if row_lines is not None:
                current = set() if is_new else {x.pk for x in team.lines_of_business.all()}
                if {x.pk for x in row_lines} != current:
                    line_links[team.pk] = {x.pk for x in row_lines}
                    changed = True
            if row_supervisors is not None:
                current = set() if is_new else {u.pk for u in team.supervisors.all()}
                if {u.pk for u in row_supervisors} != current:
                    supervisor_links[team.pk] = {u.pk for u in row_supervisors}
                    changed = True
            updated += changed and not is_new
        Team.objects.bulk_update(moved, ["site", "name"], batch_size=BATCH)
        _replace_links(Team.lines_of_business.through, "lineofbusiness_id", line_links)
        _replace_links(Team.supervisors.through, "user_id", supervisor_links)
    return RosterResult(created=created, updated=updated, unchanged=len(planned) - created - updated)


def _replace_links(through, column: str, links: dict[int, set[int]]) -> None:
    """Set each team's many-to-many rows to `links[team]`: two set-based statements."""
    if not links:
        return
    through.objects.filter(team_id__in=list(links)).delete()
    through.objects.bulk_create(
        [through(team_id=team_id, **{column: other}) for team_id, others in links.items() for other in others],
        batch_size=BATCH,
    )
