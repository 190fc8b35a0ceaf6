"""The weekly training-needs job on a constructed week: a night shift of four agents where three
lose points on the greeting is a common need of the night shift (not three individual needs); one
day-shift agent alone losing points on verification (compliance) is an individual need, not a
group's. Reruns are idempotent; the job's queries do not grow with the number of agents."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.models import GroupKind, NeedDimension, NeedStatus, TrainingNeed, TrainingNeedPolicy
from coaching.selectors.needs import last_complete_week, week_label
from coaching.services.needs import find_training_needs
from tests import factories as f
from tests.scoring.factories import make_evaluation, make_scorecard_version

STRUCTURE = {
    "sections": [
        {
            "title": "Opening",
            "weight": 50,
            "criteria": [
                {"text": "Greeting", "kind": "yes_no", "points": 5, "category": "etiquette"},
                {"text": "Verification", "kind": "yes_no", "points": 5, "category": "compliance"},
            ],
        },
        {
            "title": "Handling",
            "weight": 50,
            "criteria": [{"text": "Resolved", "kind": "yes_no", "points": 10, "category": "resolution"}],
        },
    ]
}
FULL = {"greeting": 1, "verification": 1, "resolved": 1}
_minutes = itertools.count()


def make_agent_week(holder, agent, shift, answers: list[dict], *, week=None, submit=True, at_hour=None) -> list:
    """One evaluation per dict of `answers` (the rest full marks) of a call of `agent` in `shift`
    during the week (`holder.week` unless given), scored by `holder.qa` on `holder.version`."""
    week = week or holder.week
    out = []
    for values in answers:
        n = next(_minutes)
        hour = at_hour if at_hour is not None else (22 if shift.code == "night" else 10)
        start = timezone.make_aware(dt.datetime.combine(week + dt.timedelta(days=n % 5), dt.time(hour, n % 60)))
        call = f.CallFactory(agent=agent, line_of_business=holder.lob, shift=shift, start_time=start)
        out.append(
            make_evaluation(call=call, by=holder.qa, version=holder.version, values={**FULL, **values}, submit=submit)
        )
    return out


class NeedsWeek:
    """A constructed week: the night shift (4 agents, team Night) where the first three lose the
    greeting on both their evaluations, and the day shift (4 agents, team Day) where the first
    loses verification on both of theirs. Thresholds: half the group affected, a rate of 20 %,
    3 agents, 2 evaluations each."""

    @staticmethod
    def the_week() -> dt.date:
        return last_complete_week() - dt.timedelta(weeks=1)

    @staticmethod
    def build_scorecard(holder) -> None:
        holder.lob = f.LineOfBusinessFactory(code="billing", name="Billing")
        holder.qa = f.UserFactory(username="qa_needs", roles=["qa"])
        holder.version = make_scorecard_version(structure=STRUCTURE, lines_of_business=holder.lob)
        holder.week = NeedsWeek.the_week()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.build_scorecard(cls)
        TrainingNeedPolicy.objects.update_or_create(
            pk=1, defaults={"min_share_affected": 0.5, "min_rate": 0.2, "min_group_agents": 3, "min_evaluations": 2}
        )
        cls.night = f.ShiftFactory(code="night", name="Night", start=dt.time(20), end=dt.time(8))
        cls.day = f.ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(20))
        cls.night_team = f.TeamFactory(name="Night team")
        cls.day_team = f.TeamFactory(name="Day team")
        cls.night_agents = [f.AgentFactory(team=cls.night_team, name=f"Night {i}") for i in range(4)]
        cls.day_agents = [f.AgentFactory(team=cls.day_team, name=f"Day {i}") for i in range(4)]
        for i, agent in enumerate(cls.night_agents):
            make_agent_week(cls, agent, cls.night, [{"greeting": 0}] * 2 if i < 3 else [{}, {}])
        for i, agent in enumerate(cls.day_agents):
            make_agent_week(cls, agent, cls.day, [{"verification": 0}] * 2 if i == 0 else [{}, {}])


class FindTrainingNeedsTest(NeedsWeek, TestCase):
    def needs(self, **filters):
        return TrainingNeed.objects.filter(week_start=self.week, **filters)

    def test_three_of_four_night_agents_losing_the_greeting_is_the_night_shifts_need(self):
        find_training_needs(week_start=self.week)
        need = self.needs(
            group_kind=GroupKind.SHIFT, group_key=str(self.night.pk), dimension=NeedDimension.CRITERION
        ).get(criterion_text="Greeting")
        assert (need.agents_in_group, need.agents_affected) == (4, 3)
        assert need.rate == 0.75  # 6 of 8 greetings lost, 5 points each
        assert need.evaluations == 8
        affected = {a["id"] for a in need.evidence["agents"] if a["affected"]}
        assert affected == {a.pk for a in self.night_agents[:3]}
        assert len(need.evidence["evaluation_ids"]) == 6
        # … and the category the greeting belongs to
        assert self.needs(group_kind=GroupKind.SHIFT, group_key=str(self.night.pk), category="etiquette").exists()

    def test_the_night_agents_get_no_individual_greeting_need(self):
        find_training_needs(week_start=self.week)
        assert not self.needs(group_kind=GroupKind.AGENT, agent__in=self.night_agents).exists()

    def test_one_day_agent_alone_losing_verification_is_an_individual_need(self):
        find_training_needs(week_start=self.week)
        lone = self.day_agents[0]
        individual = self.needs(group_kind=GroupKind.AGENT, agent=lone)
        assert set(individual.values_list("dimension", "criterion_text", "category")) == {
            (NeedDimension.CRITERION, "Verification", "compliance"),
            (NeedDimension.CATEGORY, "", "compliance"),
        }
        assert individual.get(dimension=NeedDimension.CRITERION).rate == 1.0
        # No group has verification (or compliance) as a common problem.
        assert not self.needs(category="compliance").exclude(group_kind=GroupKind.AGENT).exists()
        # Only the lone agent has an individual need.
        assert set(self.needs(group_kind=GroupKind.AGENT).values_list("agent_id", flat=True)) == {lone.pk}

    def test_an_agent_below_the_fewest_evaluations_is_not_counted(self):
        TrainingNeedPolicy.objects.filter(pk=1).update(min_evaluations=3)
        find_training_needs(week_start=self.week)
        assert not self.needs().exists()  # everyone has 2 evaluations

    def test_only_scored_regular_evaluations_of_the_week_count(self):
        # A calibration-kind score or a draft of the lone agent's call changes nothing.
        agent = self.day_agents[1]
        make_agent_week(self, agent, self.day, [{"verification": 0}] * 2, submit=False)
        find_training_needs(week_start=self.week)
        assert not self.needs(group_kind=GroupKind.AGENT, agent=agent).exists()

    def test_a_rerun_changes_nothing(self):
        first = find_training_needs(week_start=self.week)
        before = list(self.needs().order_by("pk").values_list("pk", "rate", "status"))
        assert find_training_needs(week_start=self.week) == first
        assert list(self.needs().order_by("pk").values_list("pk", "rate", "status")) == before

    def test_a_rerun_keeps_a_need_acted_on_and_refreshes_the_open_ones(self):
        find_training_needs(week_start=self.week)
        greeting = self.needs(group_kind=GroupKind.SHIFT, criterion_text="Greeting").get()
        greeting.status = NeedStatus.SCHEDULED
        greeting.save()
        lone = self.needs(group_kind=GroupKind.AGENT, dimension=NeedDimension.CRITERION).get()
        # A third evaluation of the lone agent, verification kept: their rate falls to 2/3.
        make_agent_week(self, self.day_agents[0], self.day, [{"verification": 1}])
        # The fourth night agent loses the greeting too (4/4): the scheduled need keeps 3/4.
        make_agent_week(self, self.night_agents[3], self.night, [{"greeting": 0}, {"greeting": 0}])
        find_training_needs(week_start=self.week)
        greeting.refresh_from_db()
        assert (greeting.status, greeting.agents_affected) == (NeedStatus.SCHEDULED, 3)
        lone_after = TrainingNeed.objects.get(pk=lone.pk)
        assert round(lone_after.rate, 4) == round(2 / 3, 4)
        assert lone_after.evaluations == 3

    def test_an_open_need_that_no_longer_passes_is_dropped(self):
        find_training_needs(week_start=self.week)
        TrainingNeedPolicy.objects.filter(pk=1).update(min_share_affected=0.9)
        find_training_needs(week_start=self.week)
        assert not self.needs(group_kind=GroupKind.SHIFT).exists()
        # With no group flag, the three night agents' greeting is now each one's own problem.
        assert set(
            self.needs(group_kind=GroupKind.AGENT, criterion_text="Greeting").values_list("agent_id", flat=True)
        ) == {a.pk for a in self.night_agents[:3]}

    def test_a_week_must_start_on_a_monday(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            find_training_needs(week_start=self.week + dt.timedelta(days=1))

    def test_the_command_runs_the_week_asked_for(self):
        out = io.StringIO()
        call_command("find_training_needs", week=week_label(self.week), stdout=out)
        assert self.needs().exists()
        assert week_label(self.week) in out.getvalue()

    def test_the_task_runs_the_last_complete_week(self):
        from coaching.tasks import find_training_needs as task

        assert task.run(week=self.week.isoformat()) == self.needs().count() > 0
        assert last_complete_week(self.week + dt.timedelta(days=9)) == self.week


class QueryCountTest(TestCase):
    """The job's queries do not grow with the number of agents (set-based aggregates)."""

    def count_queries(self, n_agents: int) -> int:
        week = NeedsWeek.the_week()
        holder = type("Holder", (), {})()
        NeedsWeek.build_scorecard(holder)
        night = f.ShiftFactory(code="night", name="Night", start=dt.time(20), end=dt.time(8))
        team = f.TeamFactory()
        for _i in range(n_agents):
            agent = f.AgentFactory(team=team)
            make_agent_week(holder, agent, night, [{"greeting": 0}, {"greeting": 0}], week=week)
        with CaptureQueriesContext(connection) as queries:
            find_training_needs(week_start=week)
        return len(queries)

    def test_the_same_queries_for_three_agents_and_for_twelve(self):
        TrainingNeedPolicy.current()
        few = self.count_queries(3)
        TrainingNeed.objects.all().delete()
        many = self.count_queries(12)
        assert many == few
