"""Reads for auto-answered criteria (scoring/auto.py): the sources a builder may link, and each
source's agreement with the people who confirmed or overrode it.

Agreement is counted per line of business and source (a phrase rule belongs to a line; a measure
is read against the line's thresholds) over the pre-filled answers of scored evaluations. Each
pair is (the automatic answer, the person's submitted answer): the same value is a confirmation,
another value an override. An answer the person set to N/A is counted apart and left out of the
figures (it says the criterion did not apply, not who was right).

Positive means "the call has the problem" (the rule failed, the measure flagged): precision is
the share of the rule's failures that people agreed with, recall the share of the failures
people found that the rule had found. Cohen's kappa (scoring.stats.cohen_kappa) discounts the
agreement two raters reach by chance. A source is *trusted* once people have reviewed it on
`CalibrationPolicy.auto_trust_reviews` calls and its kappa reaches `auto_trust_kappa`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from monitoring.models import LineOfBusiness
from monitoring.models_analytics import PhraseRule

from . import auto, formula, stats
from .models import SCORED, Answer, ScorecardVersion
from .models_calibration import CalibrationPolicy


def auto_source_options(version: ScorecardVersion) -> list[dict[str, str]]:
    """The builder's choices for "answered automatically from": people (blank), each measure, and
    each active phrase rule of the scorecard's lines (all lines' when it names none), by code."""
    options = [{"value": "", "label": str(_("— answered by people —"))}]
    options += [{"value": f"{auto.MEASURE}:{k}", "label": str(v)} for k, v in auto.MEASURES.items()]
    lines = list(version.scorecard.lines_of_business.values_list("pk", flat=True))
    rules = PhraseRule.objects.filter(active=True)
    if lines:
        rules = rules.filter(line_of_business__in=lines)
    seen: dict[str, str] = {}
    for code, name in rules.order_by("code", "line_of_business_id").values_list("code", "name"):
        seen.setdefault(code, name)
    options += [{"value": f"{auto.RULE}:{c}", "label": f"{n} ({c})"} for c, n in seen.items()]
    return options


@dataclass
class Agreement:
    line: LineOfBusiness
    source: str
    label: str
    both_pass: int  # the rule passed and the person said yes
    auto_pass_human_fail: int
    auto_fail_human_pass: int
    both_fail: int
    not_applicable: int  # set to N/A, or hidden by a condition
    kappa: stats.KappaResult
    precision: float | None
    precision_interval: tuple[float, float] | None
    recall: float | None
    recall_interval: tuple[float, float] | None
    trusted: bool

    @property
    def n(self) -> int:
        return self.both_pass + self.auto_pass_human_fail + self.auto_fail_human_pass + self.both_fail

    @property
    def confirmed(self) -> int:
        return self.both_pass + self.both_fail

    @property
    def overridden(self) -> int:
        return self.auto_pass_human_fail + self.auto_fail_human_pass + self.not_applicable


def _ratio(k: int, n: int) -> tuple[float | None, tuple[float, float] | None]:
    return (k / n if n else None), stats.proportion_interval(k, n)


def agreements(
    *, line: int | None = None, sources: list[str] | None = None, since: dt.datetime | None = None
) -> list[Agreement]:
    """Each (line, source)'s agreement over pre-filled answers of scored evaluations, busiest
    first. Three queries, however many answers."""
    answers = Answer.objects.filter(auto_value__isnull=False, evaluation__status__in=SCORED)
    if line is not None:
        answers = answers.filter(evaluation__call__line_of_business=line)
    if sources is not None:
        answers = answers.filter(auto_source__in=sources)
    if since is not None:
        answers = answers.filter(evaluation__submitted_at__gte=since)
    # An answer left without a value (its criterion hidden by a condition) says nothing either way:
    # it is counted with N/A, apart from the figures.
    answered = Q(is_na=False, value__isnull=False)
    yes, no = answered & Q(value=auto.YES), answered & ~Q(value=auto.YES)
    na = Q(is_na=True) | Q(value__isnull=True)
    auto_yes, auto_no = Q(auto_value=auto.YES), ~Q(auto_value=auto.YES)
    rows = list(
        answers.values("evaluation__call__line_of_business", "auto_source")
        .annotate(
            pp=Count("pk", filter=auto_yes & yes),
            pf=Count("pk", filter=auto_yes & no),
            fp=Count("pk", filter=auto_no & yes),
            ff=Count("pk", filter=auto_no & no),
            na=Count("pk", filter=na),
        )
        .order_by()
    )
    line_ids = {r["evaluation__call__line_of_business"] for r in rows}
    lines = LineOfBusiness.objects.in_bulk(line_ids)
    names = {
        (lob, code): name
        for lob, code, name in PhraseRule.objects.filter(line_of_business__in=line_ids).values_list(
            "line_of_business_id", "code", "name"
        )
    }
    policy = CalibrationPolicy.current()
    result = []
    for r in rows:
        lob = r["evaluation__call__line_of_business"]
        kind, _sep, name = r["auto_source"].partition(":")
        label = names.get((lob, name), name) if kind == auto.RULE else auto.label(r["auto_source"])
        kappa = stats.cohen_kappa([[r["pp"], r["pf"]], [r["fp"], r["ff"]]])
        precision, precision_interval = _ratio(r["ff"], r["fp"] + r["ff"])
        recall, recall_interval = _ratio(r["ff"], r["pf"] + r["ff"])
        row = Agreement(
            line=lines[lob],
            source=r["auto_source"],
            label=label,
            both_pass=r["pp"],
            auto_pass_human_fail=r["pf"],
            auto_fail_human_pass=r["fp"],
            both_fail=r["ff"],
            not_applicable=r["na"],
            kappa=kappa,
            precision=precision,
            precision_interval=precision_interval,
            recall=recall,
            recall_interval=recall_interval,
            trusted=False,
        )
        row.trusted = (
            row.n >= policy.auto_trust_reviews
            and kappa.kappa is not None
            and kappa.kappa >= float(policy.auto_trust_kappa)
        )
        result.append(row)
    result.sort(key=lambda a: (-a.n, a.line.name, a.label))
    return result


def agreement_by_criterion(evaluation) -> dict[int, Agreement]:
    """For the scoring page: criterion id → its source's agreement on the evaluation's line (the
    version's criteria prefetched). A source nobody has reviewed yet has no entry."""
    if not any(a.auto_value is not None for a in evaluation.answers.all()):
        return {}  # nothing pre-filled (a calibration, a review, no analysis): no aggregate to run
    linked = {
        c.pk: c.auto_source
        for s in evaluation.version.sections.all()
        for c in s.criteria.all()
        if c.auto_source and c.kind == formula.YES_NO
    }
    if not linked:
        return {}
    found = {
        a.source: a for a in agreements(line=evaluation.call.line_of_business_id, sources=sorted(set(linked.values())))
    }
    return {cid: found[src] for cid, src in linked.items() if src in found}
