"""Which figure of an evaluation a QA average averages (`models.QAFigure`): the center's choice,
`qa_figure` on the QA component of the performance score — the agent score by default, or the
interaction total. The performance score, the monthly close and the HR export read it through
`selectors.performance.Config.qa_figure`; every QA average they show is headed with it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ..models import ComponentSource, QAFigure


def qa_figure_of(components: Iterable) -> str:
    """The center's QA figure: that of its QA component (the first active one by position, else
    the first), the agent score when it has none. The settings keep every QA component's alike."""
    qa = sorted(
        (c for c in components if c.source == ComponentSource.QA), key=lambda c: (not c.active, c.position, c.code)
    )
    if not qa:
        return QAFigure.AGENT_SCORE
    return getattr(qa[0], "qa_figure", None) or QAFigure.AGENT_SCORE


QA_AVERAGE_LABELS = {
    QAFigure.AGENT_SCORE: _("QA average (agent score)"),
    QAFigure.TOTAL: _("QA average (interaction total)"),
}


def qa_average_label(figure: str) -> str:
    """The QA average's heading, "QA average (agent score)" or "… (interaction total)": every QA
    average a person or HR reads says which figure it averages."""
    return str(QA_AVERAGE_LABELS.get(figure, QA_AVERAGE_LABELS[QAFigure.TOTAL]))


def qa_figure_expression(figure: str):
    """The figure of each evaluation a QA average of `figure` averages: the agent score, or the
    total where there is none (older evaluations); or the total."""
    return Coalesce("agent_score", "total") if figure == QAFigure.AGENT_SCORE else F("total")


def critical_failure_q(figure: str) -> Q:
    """The evaluations whose critical failure counts under `figure`: for the agent score only
    the agent's own (one put down to a cause outside their control does not; older evaluations
    without the distinction count theirs), for the total every one."""
    if figure == QAFigure.AGENT_SCORE:
        return Q(agent_critical_failed=True) | Q(agent_critical_failed__isnull=True, critical_failed=True)
    return Q(critical_failed=True)
