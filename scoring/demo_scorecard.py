"""The demo's default scorecard (scoring/demo.py): two versions, built by the manager.

v1 was drafted over a few days and published two months before the demo's first week; v2 (a
hold-etiquette criterion more) was drafted in the weeks before the last three and published on
the Sunday evening before the first Monday's work scored on it. Each step goes through the
services and its historical rows (scorecard, versions, sections, criteria) are then stamped
with the step's time and the manager.
"""

from __future__ import annotations

import datetime as dt

from monitoring.demo import DemoOrg
from monitoring.demo_zh import is_zh

from . import demo_history, demo_scorecard_zh, demo_texts, services
from .demo_history import local_time
from .models import Criterion, Scorecard, ScorecardVersion, Section

SCORECARD_NAME = "Customer service standard"
DESCRIPTION = (
    "The center's standard for every line of business: etiquette, communication, knowledge, compliance and resolution."
)
V2_NOTES = "Adds hold etiquette to Communication."

# (section title, weight, [(text, guidance, kind, k, points, category, allow_na, critical[, auto_source])])
V1_SECTIONS = [
    (
        "Service etiquette",
        20,
        [
            (
                "Greets with name and company",
                "Within the first 5 seconds.",
                "yes_no",
                1,
                5,
                "etiquette",
                False,
                False,
                "rule:greeting",  # pre-filled from the line's phrase rule (monitoring/demo_analysis.py)
            ),
            (
                "Verifies the customer's identity",
                "Two factors before any account detail.",
                "yes_no",
                1,
                5,
                "compliance",
                False,
                True,
            ),
            ("Polite closing, offers further help", "", "yes_no", 1, 5, "etiquette", False, False, "rule:closing"),
        ],
    ),
    (
        "Communication",
        25,
        [
            (
                "Listens actively and shows empathy",
                "0 none … 4 excellent.",
                "scale",
                4,
                10,
                "communication",
                True,
                False,
            ),
            (
                "Explains clearly, without jargon",
                "0 confusing … 4 crystal clear.",
                "scale",
                4,
                10,
                "communication",
                False,
                False,
            ),
        ],
    ),
    (
        "Knowledge",
        20,
        [
            (
                "Gives correct and complete information",
                "Any wrong fact about fees, terms or fixes fails this.",
                "yes_no",
                1,
                10,
                "knowledge",
                False,
                True,
            ),
            (
                "Uses the knowledge base and tools well",
                "0 not at all … 3 fluently.",
                "scale",
                3,
                10,
                "knowledge",
                False,
                False,
            ),
        ],
    ),
    (
        "Compliance",
        15,
        [
            (
                "Follows the data-protection script",
                "Reads the recording notice; never reads out full card numbers.",
                "yes_no",
                1,
                10,
                "compliance",
                False,
                True,
            ),
            ("Records the call disposition correctly", "", "yes_no", 1, 5, "compliance", False, False),
        ],
    ),
    (
        "Resolution",
        20,
        [
            (
                "Resolves the issue or sets clear next steps",
                "0 unresolved … 4 resolved first time.",
                "scale",
                4,
                10,
                "resolution",
                False,
                False,
            ),
            (
                "Offers a relevant solution or product",
                "Only where it fits the customer's need.",
                "yes_no",
                1,
                5,
                "resolution",
                True,
                False,
            ),
        ],
    ),
]
# v2 adds a hold-etiquette criterion (the center's change this quarter).
V2_EXTRA = (
    "Communication",
    ("Asks permission before holding, thanks after", "", "yes_no", 1, 5, "etiquette", True, False),
)

SCORECARD_HISTORY = (Scorecard, ScorecardVersion, Section, Criterion)


def _texts(locale: str) -> tuple:
    """(name, description, v1 sections, v2's extra criterion, v2's notes) of the English or the
    Chinese center's scorecard (scoring/demo_scorecard_zh.py)."""
    if is_zh(locale):
        zh = demo_scorecard_zh
        return zh.SCORECARD_NAME, zh.DESCRIPTION, zh.V1_SECTIONS, zh.V2_EXTRA, zh.V2_NOTES
    return SCORECARD_NAME, DESCRIPTION, V1_SECTIONS, V2_EXTRA, V2_NOTES


def scorecard_versions(manager, org: DemoOrg, v2_from: dt.date) -> tuple[ScorecardVersion, ScorecardVersion]:
    """The default scorecard as the manager built it: v1 drafted over a week and published two
    months before the demo's first week; v2 drafted in the weeks before `v2_from` and published
    on the Sunday evening ending it, so the following Monday's work is scored on it. Every step's
    historical rows (scorecard, versions, sections, criteria) carry its time and the manager."""
    v1_published = org.period_start - dt.timedelta(days=60) + dt.timedelta(hours=16)
    v2_published = local_time(v2_from + dt.timedelta(days=6), 20)
    created = v1_published - dt.timedelta(days=9, hours=6)
    v2_created = v2_published - dt.timedelta(days=10, hours=3)
    name, description, v1_sections, v2_extra, v2_notes = _texts(org.locale)

    def step(at: dt.datetime, make):
        marks = demo_history.history_marks(SCORECARD_HISTORY)
        out = make()
        demo_history.stamp_new_rows(SCORECARD_HISTORY, marks, at=at, by=manager)
        return out

    scorecard = step(
        created,
        lambda: services.scorecard_create(name=name, description=description, by=manager),
    )
    v1 = scorecard.versions.get()
    causes = [{"text": t, "agent_controllable": mine} for t, mine in demo_texts.for_org(org).ROOT_CAUSES]
    structure = {**_structure(v1_sections), "root_causes": causes}
    step(
        created + dt.timedelta(days=3),
        lambda: services.scorecard_draft_save(version=v1, structure=structure, by=manager),
    )
    step(v1_published, lambda: services.scorecard_publish(version=v1, by=manager))
    sections = [(t, w, list(c)) for t, w, c in v1_sections]
    for title, _w, criteria in sections:
        if title == v2_extra[0]:
            criteria.append(v2_extra[1])
    v2 = step(v2_created, lambda: services.scorecard_new_draft(scorecard=scorecard, by=manager))
    structure = {**_structure(sections), "root_causes": causes}
    structure["notes"] = v2_notes
    step(
        v2_published - dt.timedelta(days=3),
        lambda: services.scorecard_draft_save(version=v2, structure=structure, by=manager),
    )
    step(v2_published, lambda: services.scorecard_publish(version=v2, by=manager))
    # The rows themselves were stamped with the present, and so were the history's snapshots of them.
    Scorecard.objects.filter(pk=scorecard.pk).update(created_at=created)
    Scorecard.history.filter(id=scorecard.pk).update(created_at=created)
    for version, made, published in ((v1, created, v1_published), (v2, v2_created, v2_published)):
        ScorecardVersion.objects.filter(pk=version.pk).update(created_at=made, published_at=published)
        ScorecardVersion.history.filter(id=version.pk).update(created_at=made)
        ScorecardVersion.history.filter(id=version.pk, published_at__isnull=False).update(published_at=published)
    return ScorecardVersion.objects.get(pk=v1.pk), ScorecardVersion.objects.get(pk=v2.pk)


def _structure(sections) -> dict:
    keys = ("text", "guidance", "kind", "scale_max", "points", "category", "allow_na", "critical", "auto_source")
    return {
        "critical_zeroes": True,
        "sections": [
            {"title": title, "weight": weight, "criteria": [dict(zip(keys, c, strict=False)) for c in criteria]}
            for title, weight, criteria in sections
        ],
    }
