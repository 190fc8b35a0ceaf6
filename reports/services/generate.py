"""Generating the PDF reports and keeping them (DESIGN.md §6): the month's reports per agent,
team and line of business and the center's QA analysis; the daily and weekly summaries.

Every entry point — the month-end Celery task, `manage.py generate_reports`, the reports page's
"Generate now" — calls these functions. The month's figures come from `selectors.monthly` in a
fixed number of grouped queries (no query per scope, none per evaluation); each PDF is then
rendered from memory in the report's language and written through Django's default storage.

Regenerating replaces: a report is identified by its kind, scope (agent, team or line), period
start and language, and a second run updates the row and deletes the old file — so the task is
safe to run twice (acks_late redelivery). The new file is written first and the row switched to
it in a transaction; the old file is removed only after that commits, so a failure half-way
leaves the previous report in place. Rows are written in batches (`BATCH`), a few queries per
batch.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from monitoring.selectors import Period
from planning.periods import monday

from ..models import GeneratedReport, ReportKind
from ..pdf import agent as agent_pdf
from ..pdf import center as center_pdf
from ..pdf import daily as daily_pdf
from ..pdf import line as line_pdf
from ..pdf import team as team_pdf
from ..pdf import weekly as weekly_pdf
from ..selectors.monthly import MonthFigures, month_figures
from ..selectors.qa import Scope
from ..selectors.summaries import daily_summary, weekly_summary

logger = logging.getLogger(__name__)

MONTHLY_KINDS = (ReportKind.CENTER, ReportKind.LINE, ReportKind.TEAM, ReportKind.AGENT)
BATCH = 100


class Progress(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int, str], Progress]


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Job:
    """One PDF to write: what it is, and how to draw it."""

    kind: str
    period_start: dt.date
    period_end: dt.date
    name: str  # the file's name in storage, under reports/<year>/<month>/
    render: Callable[[], bytes]
    agent_id: int | None = None
    team_id: int | None = None
    line_id: int | None = None

    @property
    def key(self) -> tuple:
        return (self.kind, self.period_start, self.agent_id, self.team_id, self.line_id)


def report_language(language: str | None) -> str:
    """`language` if it is one of the product's (LANGUAGES), the default language when blank."""
    language = (language or settings.LANGUAGE_CODE).lower()
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {
                "language": _("“%(value)s” is not a language of the product (%(choices)s).")
                % {"value": language, "choices": ", ".join(dict(settings.LANGUAGES))}
            }
        )
    return language


def _file_name(period_start: dt.date, stem: str, language: str) -> str:
    return f"reports/{period_start:%Y/%m}/{get_valid_filename(stem)}-{language}.pdf"


# --- the month ----------------------------------------------------------------------------------


def _monthly_jobs(figures: MonthFigures, kinds, *, agent_ids, team_ids, line_ids, language: str) -> list[Job]:
    period = figures.period
    start, after = dt.date(period.year, period.month, 1), period.next
    end = dt.date(after.year, after.month, 1)
    label = period.label
    jobs: list[Job] = []
    if ReportKind.CENTER in kinds:
        jobs.append(
            Job(
                ReportKind.CENTER,
                start,
                end,
                _file_name(start, f"center-{label}", language),
                lambda: center_pdf.render(figures),
            )
        )
    # One report per scope of each kind: (kind, ids, what the figures know of them, the
    # file-name stem from that, the renderer, the Job field the id goes in).
    if ReportKind.AGENT in kinds:
        if agent_ids is not None:
            agents = list(agent_ids)
        elif team_ids is not None:
            agents = [
                pk
                for pk in figures.with_data(Scope.AGENT)
                if figures.agent_info.get(pk, {}).get("team_id") in set(team_ids)
            ]
        else:
            agents = figures.with_data(Scope.AGENT)
    per_scope = [
        (
            ReportKind.LINE,
            line_ids,
            Scope.LINE,
            figures.line_info,
            lambda pk, i: f"line-{i['code']}",
            line_pdf,
            "line_id",
        ),
        (ReportKind.TEAM, team_ids, Scope.TEAM, figures.team_info, lambda pk, i: f"team-{pk}", team_pdf, "team_id"),
        (
            ReportKind.AGENT,
            None,
            None,
            figures.agent_info,
            lambda pk, i: f"agent-{i['employee_id']}",
            agent_pdf,
            "agent_id",
        ),
    ]
    for kind, ids, scope, info, stem, module, field in per_scope:
        if kind not in kinds:
            continue
        chosen = agents if kind == ReportKind.AGENT else (ids if ids is not None else figures.with_data(scope))
        for pk in chosen:
            if pk in info:
                name = _file_name(start, f"{stem(pk, info[pk])}-{label}", language)
                jobs.append(Job(kind, start, end, name, _bind(module.render, figures, pk), **{field: pk}))
    return jobs


def _bind(render, figures, pk) -> Callable[[], bytes]:
    return lambda: render(figures, pk)


def _ids(values) -> list[int] | None:
    return None if values is None else [getattr(v, "pk", v) for v in values]


def reports_generate(
    *,
    month: Period,
    kinds: Iterable[str] = MONTHLY_KINDS,
    agents: Iterable | None = None,
    teams: Iterable | None = None,
    lines: Iterable | None = None,
    language: str | None = None,
    by=None,
    progress: ProgressFactory | None = None,
) -> list[GeneratedReport]:
    """The month's PDF reports of `kinds` (agent, team, line, center), stored and returned.

    Without scope filters: one report per line, team and agent with calls or evaluations in the
    month. `agents`, `teams`, `lines` (ids or objects) limit the reports to those scopes (`teams`
    also limits agent reports to the teams' agents) and write them even for a quiet month."""
    asked = set(kinds)
    kinds = [k for k in MONTHLY_KINDS if k in asked]
    if asked - set(MONTHLY_KINDS) or not kinds:
        raise ValidationError({"kinds": _("Choose among: %(kinds)s.") % {"kinds": ", ".join(MONTHLY_KINDS)}})
    language = report_language(language)
    agent_ids, team_ids, line_ids = _ids(agents), _ids(teams), _ids(lines)
    with translation.override(language):
        figures = month_figures(month, kinds=kinds, agent_ids=agent_ids, team_ids=team_ids, line_ids=line_ids)
        jobs = _monthly_jobs(
            figures, kinds, agent_ids=agent_ids, team_ids=team_ids, line_ids=line_ids, language=language
        )
        return _store(
            jobs, language=language, by=by, progress=progress, desc=_("Reports %(month)s") % {"month": month.label}
        )


# --- the summaries ------------------------------------------------------------------------------


def daily_summary_generate(*, day: dt.date, language: str | None = None, by=None) -> GeneratedReport:
    """The daily summary of `day` (evaluations submitted that day, feedback, disputes)."""
    language = report_language(language)
    with translation.override(language):
        summary = daily_summary(day)
        job = Job(
            ReportKind.DAILY,
            day,
            day + dt.timedelta(days=1),
            _file_name(day, f"daily-{day.isoformat()}", language),
            lambda: daily_pdf.render(summary),
        )
        return _store([job], language=language, by=by)[0]


def weekly_summary_generate(*, week_start: dt.date, language: str | None = None, by=None) -> GeneratedReport:
    """The weekly summary of the ISO week starting `week_start` (quota progress, findings)."""
    week_start = monday(week_start)
    language = report_language(language)
    with translation.override(language):
        summary = weekly_summary(week_start, by=by)
        year, week, _day = week_start.isocalendar()
        job = Job(
            ReportKind.WEEKLY,
            week_start,
            week_start + dt.timedelta(days=7),
            _file_name(week_start, f"weekly-{year}-W{week:02d}", language),
            lambda: weekly_pdf.render(summary),
        )
        return _store([job], language=language, by=by)[0]


# --- storage ------------------------------------------------------------------------------------


def _existing(jobs: list[Job], language: str) -> dict[tuple, list[GeneratedReport]]:
    found: dict[tuple, list[GeneratedReport]] = {}
    rows = GeneratedReport.objects.filter(
        kind__in={j.kind for j in jobs}, period_start__in={j.period_start for j in jobs}, language=language
    ).order_by("pk")
    for r in rows:
        found.setdefault((r.kind, r.period_start, r.agent_id, r.team_id, r.line_of_business_id), []).append(r)
    return found


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a file already gone is no reason to fail the run
            logger.warning("could not delete the replaced report file %s", name, exc_info=True)


def _flush(
    batch: list[tuple[Job, GeneratedReport | None, list[GeneratedReport], str, int]], *, language, by
) -> list[GeneratedReport]:
    """Write a batch's rows in one transaction: new rows in one INSERT, replaced ones in one
    UPDATE (their current file read under a row lock, so a concurrent run's file is the one
    removed), duplicates left by a concurrent first run deleted; old files removed once it
    commits. Returns the rows in the batch's order."""
    now = timezone.now()
    out, created, updated, stale, doomed = [], [], [], [], []
    with transaction.atomic():
        current = dict(
            GeneratedReport.objects.select_for_update()
            .filter(pk__in=[row.pk for _j, row, _d, _n, _s in batch if row is not None])
            .values_list("pk", "file")
        )
        for job, row, duplicates, name, size in batch:
            if row is not None and row.pk in current:
                if current[row.pk] and current[row.pk] != name:
                    stale.append(current[row.pk])
                row.file.name, row.size, row.period_end, row.generated_by, row.generated_at = (
                    name,
                    size,
                    job.period_end,
                    by,
                    now,
                )
                updated.append(row)
            else:
                row = GeneratedReport(
                    kind=job.kind,
                    period_start=job.period_start,
                    period_end=job.period_end,
                    agent_id=job.agent_id,
                    team_id=job.team_id,
                    line_of_business_id=job.line_id,
                    language=language,
                    file=name,
                    size=size,
                    generated_by=by,
                )
                created.append(row)
            out.append(row)
            doomed += duplicates
        GeneratedReport.objects.bulk_update(updated, ["file", "size", "period_end", "generated_by", "generated_at"])
        GeneratedReport.objects.bulk_create(created)
        if doomed:
            stale += [d.file.name for d in doomed if d.file.name]
            GeneratedReport.objects.filter(pk__in=[d.pk for d in doomed]).delete()
        transaction.on_commit(lambda: _delete_files(stale))
    return out


def _store(
    jobs: list[Job], *, language: str, by=None, progress: ProgressFactory | None = None, desc: str = ""
) -> list[GeneratedReport]:
    existing = _existing(jobs, language)
    bar = (progress or (lambda total, desc: _Silent()))(len(jobs), desc)
    out: list[GeneratedReport] = []
    batch: list = []
    try:
        for job in jobs:
            pdf = job.render()
            name = default_storage.save(job.name, ContentFile(pdf))
            rows = existing.get(job.key, [])
            batch.append((job, rows[0] if rows else None, rows[1:], name, len(pdf)))
            bar.update(1)
            if len(batch) >= BATCH:
                out += _flush(batch, language=language, by=by)
                batch = []
        if batch:
            out += _flush(batch, language=language, by=by)
    finally:
        bar.close()
    return out
