"""At most one regular evaluation per call (DESIGN.md §3): the constraint, after settling the
duplicates that databases made before it may hold.

Before this migration a second evaluator could start an ad-hoc regular evaluation of a call
someone else was scoring, so a call could carry two or more regular evaluations, each counting
toward the agent's bonus-linked figures. For every such call this step keeps ONE as the regular
evaluation and turns each other one into a calibration evaluation — the kind the product already
gives a second evaluator's blind score of a call (double scoring): kept with its answers, total,
comments, disputes and history, shown to QA and managers beside the regular one (and in the
reliability figures), never counted toward the agent's performance and no longer shown to the
agent as feedback. Nothing is deleted.

Which one stays regular, in this order:
1. a scored one (submitted or later) before a draft;
2. among those, the evaluation of the call's primary assignment (the sampled pick, whose
   inclusion probability the random-sample estimate weights by), if it is scored;
3. then the earliest submitted (the score the agent heard first), then the earliest created.

Each evaluation changed gets a history row ("~", no user, with the reason), like any other
change to an evaluation. The step cannot turn an evaluation into a calibration when its evaluator
already has a calibration evaluation of the same call (one evaluation per call, evaluator and
kind); it then stops, listing those evaluations, for a manager to decide which of that
evaluator's two scores to keep (in the admin) before migrating again. Reversing the migration
drops the constraint and leaves the kinds as they are.

Figures computed afresh (dashboard, quota progress, performance, reports, an open month's
export) no longer count the demoted duplicates. A month already closed keeps what it froze; the
search for later changes to closed months (reports/selectors/adjustments.py) looks at submit and
resolve times, so it does not notice these on its own: the history rows with the reason above
list what changed, for a manager who wants to correct a paid month.
"""

from django.db import migrations, models
from django.db.models import Count, Q
from django.utils import timezone

SCORED = ("submitted", "feedback_delivered", "acknowledged", "disputed", "resolved")
REASON = "One regular evaluation per call: a second score became calibration"  # ≤ 100 characters
HISTORY_FIELDS = (
    "id",
    "call_id",
    "agent_id",
    "evaluator_id",
    "evaluator_role",
    "method",
    "kind",
    "version_id",
    "assignment_id",
    "status",
    "total",
    "critical_failed",
    "summary",
    "created_at",
    "started_at",
    "draft_saved_at",
    "submitted_at",
    "feedback_due_at",
    "feedback_delivered_at",
    "feedback_delivered_by_id",
    "feedback_reminded_at",
    "acknowledged_at",
    "disputed_at",
    "resolved_at",
)


def _keep_order(evaluation, primary_assignment_ids: set[int]):
    far = timezone.now().replace(year=9999)
    return (
        evaluation.status not in SCORED,
        evaluation.assignment_id not in primary_assignment_ids,
        evaluation.submitted_at or far,
        evaluation.created_at,
        evaluation.pk,
    )


def demote_duplicates(apps, schema_editor):
    Evaluation = apps.get_model("scoring", "Evaluation")
    HistoricalEvaluation = apps.get_model("scoring", "HistoricalEvaluation")
    Assignment = apps.get_model("monitoring", "Assignment")
    regular = Evaluation.objects.filter(kind="regular")
    calls = list(regular.values("call_id").annotate(n=Count("pk")).filter(n__gt=1).values_list("call_id", flat=True))
    if not calls:
        return
    primary = set(
        Assignment.objects.filter(call_id__in=calls).exclude(reason="double_scoring").values_list("pk", flat=True)
    )
    calibrating = set(
        Evaluation.objects.filter(call_id__in=calls, kind="calibration").values_list("call_id", "evaluator_id")
    )
    by_call: dict[int, list] = {}
    for evaluation in regular.filter(call_id__in=calls):
        by_call.setdefault(evaluation.call_id, []).append(evaluation)
    demote, blocked = [], []
    for evaluations in by_call.values():
        evaluations.sort(key=lambda e: _keep_order(e, primary))
        for evaluation in evaluations[1:]:
            if (evaluation.call_id, evaluation.evaluator_id) in calibrating:
                blocked.append(evaluation)
            else:
                demote.append(evaluation)
    if blocked:
        listed = ", ".join(f"evaluation {e.pk} (call {e.call_id}, evaluator {e.evaluator_id})" for e in blocked)
        raise RuntimeError(
            "These calls have more than one regular evaluation, and the evaluator of each listed one already has "
            "a calibration evaluation of the same call, so it cannot become one: " + listed + ". Decide which of "
            "that evaluator's two scores to keep (change or delete the other in the admin), then migrate again."
        )
    now = timezone.now()
    Evaluation.objects.filter(pk__in=[e.pk for e in demote]).update(kind="calibration")
    HistoricalEvaluation.objects.bulk_create(
        [
            HistoricalEvaluation(
                **{name: getattr(e, name) for name in HISTORY_FIELDS if name != "kind"},
                kind="calibration",
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
                history_user=None,
            )
            for e in demote
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),  # which needs monitoring's Assignment, read here
    ]

    operations = [
        migrations.RunPython(demote_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.UniqueConstraint(
                condition=Q(kind="regular"), fields=("call",), name="evaluation_one_regular_per_call"
            ),
        ),
    ]
