"""What the scoring page tests share: a scorecard built row by row (the DESIGN.md §2 worked
example, or one of n criteria), answers for it, and a base class with the personas, that
scorecard, a second QA auditor and a `submitted()` evaluation."""

from __future__ import annotations

from django.utils import timezone

from scoring import services
from scoring.models import Criterion, Evaluation, Scorecard, ScorecardVersion, Section
from tests import factories as f
from tests.personas import Personas

# The worked example of DESIGN.md §2: (title, weight, [(key, text, kind, k, points, allow_na, critical)])
WORKED_EXAMPLE = [
    (
        "Etiquette",
        30,
        [
            ("greeting", "Greeting", "yes_no", 1, 5, False, False),
            ("closing", "Closing", "yes_no", 1, 5, False, False),
        ],
    ),
    (
        "Communication",
        30,
        [
            ("empathy", "Empathy", "scale", 4, 10, True, False),
            ("clarity", "Clarity", "scale", 4, 10, True, False),
        ],
    ),
    (
        "Resolution",
        40,
        [
            ("correct_info", "Correct information", "yes_no", 1, 10, False, True),
            ("resolved", "Resolved", "yes_no", 1, 10, False, False),
        ],
    ),
]
WORKED_ANSWERS = {"greeting": 1, "closing": 0, "empathy": 3, "clarity": "na", "correct_info": 1, "resolved": 1}


def build_scorecard(sections=WORKED_EXAMPLE, *, name="Service standard", lob=None) -> tuple[ScorecardVersion, dict]:
    """A published scorecard version; returns it and {key: criterion}."""
    scorecard = Scorecard.objects.create(name=name)
    if lob is not None:
        scorecard.lines_of_business.add(lob)
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=1)
    criteria = {}
    for position, (title, weight, items) in enumerate(sections):
        section = Section.objects.create(version=version, title=title, weight=weight, position=position)
        for cpos, (key, text, kind, k, points, allow_na, critical) in enumerate(items):
            criteria[key] = Criterion.objects.create(
                section=section,
                text=text,
                guidance=f"Guidance for {text.lower()}.",
                kind=kind,
                scale_max=k,
                points=points,
                allow_na=allow_na,
                critical=critical,
                position=cpos,
            )
    version.status = "published"
    version.published_at = timezone.now()
    version.save()
    return version, criteria


def sized_scorecard(n: int, name: str) -> tuple[ScorecardVersion, dict]:
    """n criteria over three sections (weights 30/30/40)."""
    sections = []
    for s, weight in enumerate((30, 30, 40)):
        items = [
            (f"c{i}", f"Criterion {i}", "scale" if i % 2 else "yes_no", 4 if i % 2 else 1, 5, True, i == 0)
            for i in range(n)
            if i % 3 == s
        ]
        sections.append((f"Section {s}", weight, items))
    return build_scorecard(sections, name=name)


def answers_for(criteria: dict, values: dict) -> list[services.AnswerInput]:
    return [
        services.AnswerInput(criteria[key].pk, None if v == "na" else v, v == "na", f"note on {key}", None)
        for key, v in values.items()
    ]


class ScoringPagesBase(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.version, cls.criteria = build_scorecard()
        cls.qa2 = f.UserFactory(username="qa2", roles=["qa"])

    def submitted(self, *, by=None, call=None, deliver=True, values=WORKED_ANSWERS) -> Evaluation:
        evaluation = services.evaluation_start(call=call or self.call, by=by or self.qa, version=self.version)
        return services.evaluation_submit(
            evaluation=evaluation,
            by=by or self.qa,
            answers=answers_for(self.criteria, values),
            deliver_feedback=deliver,
        )
