"""Dispute overturn rates (issue 9): how often a dispute's final decision changed an evaluator's
score, and how often it changed each criterion.

A dispute's FINAL decision is the level-2 appeal's decision when the agent appealed, else the
level-1 decision; a level-1 decision whose appeal is still open has no final decision yet. The
window [since, until) applies to the final decision's `resolved_at`. An evaluator is overturned
when the score left by the final decision differs from the score they gave; a criterion is
changed when its answer after the final decision differs from the evaluator's (a level-2 decision
that puts a level-1 change back counts as no change). Three queries whatever the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from .models import Criterion, Dispute, DisputeChange, DisputeStatus
from .stats import proportion_interval


@dataclass(frozen=True)
class OverturnCount:
    resolved: int
    overturned: int

    @property
    def rate(self) -> float | None:
        """Share of the evaluator's finally decided disputes that changed their score (0–1)."""
        return self.overturned / self.resolved if self.resolved else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """95 % Wilson interval of the rate."""
        return proportion_interval(self.overturned, self.resolved)


@dataclass(frozen=True)
class CriterionOverturn:
    text: str
    resolved: int
    changed: int

    @property
    def rate(self) -> float | None:
        """Share of finally decided disputes on a scorecard with this criterion that changed it (0–1)."""
        return self.changed / self.resolved if self.resolved else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return proportion_interval(self.changed, self.resolved)


@dataclass(frozen=True)
class _Chain:
    first_id: int
    final_id: int
    evaluator_id: int
    version_id: int
    overturned: bool


def _final_chains(*, since: datetime | None, until: datetime | None) -> list[_Chain]:
    qs = Dispute.objects.exclude(status=DisputeStatus.OPEN).filter(
        Q(level=2) | Q(level=1, appeal__isnull=True), resolved_at__isnull=False
    )
    if since is not None:
        qs = qs.filter(resolved_at__gte=since)
    if until is not None:
        qs = qs.filter(resolved_at__lt=until)
    rows = qs.values(
        "pk",
        "level",
        "status",
        "original_total",
        "adjusted_total",
        "appeal_of_id",
        "appeal_of__original_total",
        "evaluation__evaluator_id",
        "evaluation__version_id",
    )
    chains = []
    for row in rows:
        first_total = row["appeal_of__original_total"] if row["level"] == 2 else row["original_total"]
        final_total = row["adjusted_total"]
        if first_total is None or final_total is None:
            # Only a hand-made row lacks the totals; fall back on the decision itself.
            overturned = row["status"] == DisputeStatus.ADJUSTED
        else:
            overturned = final_total != first_total
        chains.append(
            _Chain(
                first_id=row["appeal_of_id"] if row["level"] == 2 else row["pk"],
                final_id=row["pk"],
                evaluator_id=row["evaluation__evaluator_id"],
                version_id=row["evaluation__version_id"],
                overturned=overturned,
            )
        )
    return chains


def overturns_by_evaluator(*, since: datetime | None, until: datetime | None) -> dict[int, OverturnCount]:
    """Original evaluator id → disputes finally decided in [since, until) and how many changed the score."""
    counts: dict[int, list[int]] = {}
    for chain in _final_chains(since=since, until=until):
        c = counts.setdefault(chain.evaluator_id, [0, 0])
        c[0] += 1
        c[1] += int(chain.overturned)
    return {uid: OverturnCount(resolved=r, overturned=o) for uid, (r, o) in counts.items()}


def overturns_by_criterion(*, since: datetime | None, until: datetime | None) -> list[CriterionOverturn]:
    """Per criterion text (across scorecard versions): disputes finally decided in [since, until)
    on a scorecard holding it, and how many of them changed its answer. Most changed first."""
    chains = _final_chains(since=since, until=until)
    if not chains:
        return []
    texts_by_version: dict[int, set[str]] = {}
    for version_id, text in Criterion.objects.filter(
        section__version_id__in={c.version_id for c in chains}
    ).values_list("section__version_id", "text"):
        texts_by_version.setdefault(version_id, set()).add(text)

    chain_of = {}
    for c in chains:
        chain_of[c.first_id] = c
        chain_of[c.final_id] = c
    # (chain final id, criterion id) → (level, answer) of its earliest before and latest after.
    first_change: dict[tuple[int, int], tuple[int, object]] = {}
    last_change: dict[tuple[int, int], tuple[int, object]] = {}
    text_of: dict[int, str] = {}
    changes = DisputeChange.objects.filter(dispute_id__in=list(chain_of)).values_list(
        "dispute_id",
        "dispute__level",
        "criterion_id",
        "criterion__text",
        "before_value",
        "before_na",
        "after_value",
        "after_na",
    )
    for dispute_id, level, criterion_id, text, bv, bna, av, ana in changes:
        key = (chain_of[dispute_id].final_id, criterion_id)
        text_of[criterion_id] = text
        if key not in first_change or level < first_change[key][0]:
            first_change[key] = (level, (None, True) if bna else (bv, False))
        if key not in last_change or level > last_change[key][0]:
            last_change[key] = (level, (None, True) if ana else (av, False))

    changed_texts: dict[int, set[str]] = {}
    for key, (_level, before) in first_change.items():
        if before != last_change[key][1]:
            changed_texts.setdefault(key[0], set()).add(text_of[key[1]])

    resolved: dict[str, int] = {}
    changed: dict[str, int] = {}
    for chain in chains:
        for text in texts_by_version.get(chain.version_id, ()):
            resolved[text] = resolved.get(text, 0) + 1
        for text in changed_texts.get(chain.final_id, ()):
            changed[text] = changed.get(text, 0) + 1
    rows = [CriterionOverturn(text=t, resolved=n, changed=changed.get(t, 0)) for t, n in resolved.items()]
    rows.sort(key=lambda r: (-(r.rate or 0), -r.resolved, r.text))
    return rows
