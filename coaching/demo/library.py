"""Demo data for the call library (seed_demo): exemplary calls from the best-scored recorded demo
evaluations and cautionary ones from the worst, each at the moment of its telling answer, marked
by the demo QA auditor or the demo supervisor (their own teams' calls), most curated by the demo
trainer, a couple left pending for the trainer's first login. Written through the services."""

from __future__ import annotations

import random

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.demo import DemoOrg
from monitoring.models import PrivateLine
from scoring.models import SCORED, Answer, Evaluation, Kind

from ..services import library as services
from . import texts_zh

EXEMPLARY, CAUTIONARY, PENDING = 6, 4, 2

EXEMPLARY_NOTES = {
    "etiquette": gettext_lazy("The greeting and the close are warm and complete: the model for new starters."),
    "communication": gettext_lazy(
        "Listen to how the agent acknowledges the customer's frustration before solving anything."
    ),
    "knowledge": gettext_lazy("Accurate, confident information with no hesitation: the agent checks, then answers."),
    "compliance": gettext_lazy("Every disclosure is read at the right moment, without sounding scripted."),
    "resolution": gettext_lazy("The problem is solved on the first call, and the customer is told what happens next."),
}
CAUTIONARY_NOTES = {
    "etiquette": gettext_lazy("The call ends abruptly: no summary, no thanks. Notice how it lands with the customer."),
    "communication": gettext_lazy("The agent talks over the customer here; the customer repeats themselves twice."),
    "knowledge": gettext_lazy("The information given here is wrong; compare it with the knowledge base article."),
    "compliance": gettext_lazy("The identity check is skipped at this point: a compliance risk."),
    "resolution": gettext_lazy("The customer is left without a next step; a callback would have resolved it."),
}


def _candidates() -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(kind=Kind.REGULAR, status__in=SCORED, total__isnull=False)
        .exclude(call__recording="")
        .exclude(call__line__in=PrivateLine.objects.filter(active=True).values("line"))
        .select_related("call", "call__agent", "version__scorecard", "calibration_item")
        .order_by("-total", "pk")
    )


def _telling_answer(evaluation: Evaluation, *, best: bool) -> Answer | None:
    """The answer the moment is taken from: a full-marks one for an exemplary call, a lost one for
    a cautionary call; with a time offset where the evaluator marked one."""
    answers = [a for a in evaluation.answers.select_related("criterion") if not a.is_na and a.value is not None]
    if best:
        chosen = [a for a in answers if a.value == (a.criterion.scale_max if a.criterion.kind == "scale" else 1)]
    else:
        chosen = [
            a for a in answers if a.value == 0 or (a.criterion.kind == "scale" and a.value < a.criterion.scale_max)
        ]
    chosen.sort(key=lambda a: (a.time_offset is None, -a.criterion.points, a.pk))
    return chosen[0] if chosen else None


def _marker(org: DemoOrg, evaluation: Evaluation):
    """The demo supervisor marks calls of the teams they lead; the demo QA auditor the rest."""
    supervisor = org.users["supervisor"]
    if supervisor in org.team_supervisors.get(evaluation.call.agent.team_id, []):
        return supervisor
    return org.users["qa"]


def seed_library(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    candidates = _candidates()
    demo_agent_id = org.demo_agent.pk
    # Not the demo agent's own calls for cautionary entries: the library is not a pillory.
    best = candidates[: EXEMPLARY * 3]
    worst = [e for e in reversed(candidates) if e.agent_id != demo_agent_id][: CAUTIONARY * 3]
    picks = [(e, True) for e in rng.sample(best, min(EXEMPLARY, len(best)))]
    picks += [(e, False) for e in rng.sample(worst, min(CAUTIONARY, len(worst)))]
    trainer = org.users["trainer"]
    zh = texts_zh.zh(org)
    made, used = [], set()
    for evaluation, exemplary in picks:
        if evaluation.call_id in used:
            continue
        answer = _telling_answer(evaluation, best=exemplary)
        category = answer.criterion.category if answer is not None else "communication"
        notes = EXEMPLARY_NOTES if exemplary else CAUTIONARY_NOTES
        if zh:
            notes = texts_zh.EXEMPLARY_NOTES if exemplary else texts_zh.CAUTIONARY_NOTES
        # The demo's recordings are short clips from a pool (not as long as the call's talk
        # time): the moment is where one of the clip's transcript segments starts.
        segments = evaluation.call.transcript or []
        starts = [float(seg["start"]) for seg in segments if isinstance(seg, dict) and "start" in seg]
        offset = answer.time_offset if answer is not None and answer.time_offset is not None else None
        if starts and (offset is None or offset > starts[-1]):
            offset = rng.choice(starts)
        elif offset is None:
            offset = round(min(float(evaluation.call.talk_seconds) or 60.0, rng.uniform(2, 20)), 1)
        # A short call (a few seconds of talk) shares a longer clip: the moment stays within the call.
        limit = float(evaluation.call.talk_seconds + evaluation.call.hold_seconds)
        if limit and offset > limit:
            offset = max((start for start in starts if start <= limit), default=round(limit / 2, 1))
        criterion = answer.criterion if answer is not None else None
        if zh:
            title = (texts_zh.EXEMPLARY_TITLE if exemplary else texts_zh.CAUTIONARY_TITLE).format(
                what=criterion.text if criterion is not None else texts_zh.WHOLE_CALL
            )[:160]
        else:
            title = (
                (_("Exemplary: %(what)s") if exemplary else _("Cautionary: %(what)s"))
                % {"what": criterion.text if criterion is not None else _("the whole call")}
            )[:160]
        entry = services.library_mark(
            by=_marker(org, evaluation),
            evaluation=evaluation,
            kind="exemplary" if exemplary else "cautionary",
            title=title,
            note=str(notes.get(category, notes["communication"])),
            time_offset=offset,
            criterion=criterion,
        )
        made.append(entry)
        used.add(evaluation.call_id)
    pending = set(rng.sample(range(len(made)), min(PENDING, len(made))))
    for index, entry in enumerate(made):
        if index not in pending:
            services.library_set_curated(by=trainer, entry=entry, curated=True)
    curated = len(made) - len(pending)
    return {"library calls curated": curated, "library calls pending curation": len(made) - curated}
