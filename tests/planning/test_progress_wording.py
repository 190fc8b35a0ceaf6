"""Quota progress that reads right (issue 15): a line-month is done against its minimum ("12 done
· minimum 2 met"), never a percentage past 100 or an "above top-up limit" tag; a week is not
behind before it has been sampled, nor before its work is due, and is behind once the work is
due and not done; the page, the dashboard and the API say the same thing."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, timezone

from monitoring.models import Assignment
from planning import periods
from planning.models import AgentTier, QuotaPolicy, SamplingRun
from planning.selectors import progress
from scoring import services
from tests import factories as f
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, answer_inputs, make_evaluation

# A complete week well in the past; its calls start on its Thursday, so they fall in the month
# the week belongs to (`periods.month_of_week`).
WEEK = periods.last_complete_week() - dt.timedelta(weeks=3)
LABEL = periods.week_label(WEEK)
MONTH = periods.month_of_week(WEEK)
THURSDAY = timezone.make_aware(dt.datetime.combine(WEEK + dt.timedelta(days=3), dt.time(10)))
PAGE = "/quotas/progress/"


def sampled(*, week: dt.date | None = None, month: periods.Period | None = None) -> None:
    """Record that the plan ran for the week (agent quotas) or the month (line top-up)."""
    run = {"runs": 1, "last_run_at": timezone.now()}
    if week is not None:
        SamplingRun.objects.get_or_create(kind="agent_week", period_start=week, defaults=run)
    if month is not None:
        start = dt.date(month.year, month.month, 1)
        SamplingRun.objects.get_or_create(kind="line_month", period_start=start, defaults=run)


def score(assignment, *, by) -> None:
    """Score an assignment from the work queue (it is then done)."""
    evaluation = services.evaluation_start_from_assignment(assignment=assignment, by=by)
    services.evaluation_save_draft(
        evaluation=evaluation, by=by, answers=answer_inputs(evaluation.version, WORKED_ANSWERS)
    )
    services.evaluation_submit(evaluation=evaluation, by=by, deliver_feedback=True)


def give_tier(agent, week: dt.date, target: int) -> None:
    AgentTier.objects.create(agent=agent, week_start=week, tier="good", target=target, evaluations=0, reason="test")


def tag_texts(html: str, row_text: str) -> str:
    """The text of the table row that mentions `row_text` (tags stripped, spaces collapsed)."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        if row_text in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row mentions {row_text!r}")


class LineWordingData(ScoringPersonas):
    """Three lines of their own policy in MONTH (sampled): "Below" (minimum 5: two done, three
    more assigned, due in three days, one of them a top-up), "At" (minimum 3, three done) and
    "Far above" (minimum 2, twelve done — 600 % of its minimum the old way)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lines = {}
        for code, name, floor, cap, done in (
            ("below", "Below", 5, 8, 2),
            ("at", "At", 3, 4, 3),
            ("far", "Far above", 2, 3, 12),
        ):
            line = f.LineOfBusinessFactory(code=code, name=name)
            QuotaPolicy.objects.create(line_of_business=line, line_month_floor=floor, line_month_cap=cap)
            for _ in range(done):
                call = f.CallFactory(agent=cls.agent, line_of_business=line, start_time=THURSDAY)
                make_evaluation(call=call, by=cls.qa, version=cls.version)
            cls.lines[code] = line
        cls.due = timezone.now() + dt.timedelta(days=3)
        for reason in ("random", "random", "line_topup"):
            call = f.CallFactory(agent=cls.agent, line_of_business=cls.lines["below"], start_time=THURSDAY)
            f.AssignmentFactory(call=call, evaluator=cls.qa, reason=reason, due_at=cls.due)
        sampled(month=MONTH)

    def rows(self, **kwargs) -> dict[str, progress.LineMonthRow]:
        return {r.code: r for r in progress.line_month_rows(user=self.manager, month=MONTH, **kwargs)}

    def page(self):
        self.client.force_login(self.manager)
        response = self.client.get(PAGE, {"week": LABEL})
        self.assertEqual(response.status_code, 200)
        return response


class LineMonthWordingTests(LineWordingData):
    def test_a_line_below_its_minimum_shows_done_against_it_and_what_is_to_go(self):
        below = self.rows()["below"]
        self.assertEqual((below.done, below.minimum, below.to_go, below.met), (2, 5, 3, False))
        self.assertEqual(below.progress_label, "2 done · minimum 5 · 3 to go")
        self.assertEqual(below.progress_pct, 40)  # 2 / 5
        # Five planned (two done ad hoc, three assigned), none of it due: on track, not behind.
        self.assertEqual((below.planned, below.behind, below.state), (5, False, progress.DUE))
        self.assertEqual(below.state_label, f"on track, due {formats.date_format(timezone.localtime(self.due))}")
        self.assertEqual(below.topup_label, "1 added · limit 8")

    def test_a_line_at_its_minimum_has_met_it(self):
        at = self.rows()["at"]
        self.assertEqual(at.progress_label, "3 done · minimum 3 met")
        self.assertEqual((at.met, at.to_go, at.progress_short, at.state_label), (True, 0, "met", "minimum met"))

    def test_a_line_far_above_its_minimum_is_met_not_a_percentage_past_100(self):
        far = self.rows()["far"]
        self.assertEqual(far.progress_label, "12 done · minimum 2 met")
        self.assertEqual((far.progress_pct, far.progress_short, far.behind), (100, "met", False))

    def test_the_page_words_each_line_and_explains_the_top_up_limit(self):
        html = self.page().content.decode()
        self.assertIn("2 done · minimum 5 · 3 to go", tag_texts(html, "<td>Below</td>"))
        self.assertIn("40 %", tag_texts(html, "<td>Below</td>"))
        far = tag_texts(html, "<td>Far above</td>")
        self.assertIn("12 done · minimum 2 met", far)
        self.assertIn("0 added · limit 3", far)
        self.assertNotIn("%", far)
        self.assertIn("3 done · minimum 3 met", tag_texts(html, "<td>At</td>"))
        self.assertNotIn("600 %", html)
        self.assertNotIn("above top-up limit", html)
        self.assertIn("The top-up limit caps how many calls the top-up adds, not how many of a line", html)

    def test_the_dashboard_panel_says_met_and_not_a_percentage_past_100(self):
        self.client.force_login(self.manager)
        response = self.client.get("/dashboard/", {"month": MONTH.label})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        panel = html[html.index('id="h-quota"') : html.index("Feedback and disputes")]
        far = tag_texts(panel, ">Far above<")
        self.assertIn("met", far)
        self.assertIn("minimum met", far)
        self.assertNotIn("600", far)
        self.assertIn(f"due {formats.date_format(timezone.localtime(self.due))}", tag_texts(panel, ">Below<"))
        self.assertIn("the top-up limit only caps how many calls line top-up sampling adds", panel)

    def test_an_under_covered_line_is_behind_only_once_its_month_is_sampled(self):
        small = f.LineOfBusinessFactory(code="small", name="Small")
        call = f.CallFactory(agent=self.agent, line_of_business=small, start_time=THURSDAY)
        make_evaluation(call=call, by=self.qa, version=self.version)
        row = self.rows()["small"]
        self.assertEqual((row.planned, row.minimum, row.under_covered, row.behind), (1, 15, True, True))
        SamplingRun.objects.filter(kind="line_month").delete()
        row = self.rows()["small"]
        self.assertEqual((row.under_covered, row.behind, row.state_label), (False, False, "not sampled yet"))

    def test_a_line_is_behind_once_its_work_is_due_and_not_done(self):
        below = self.rows(now=self.due + dt.timedelta(hours=1))["below"]
        # Three assignments due and open: expected min(5, 3) = 3, done 2 (the ad-hoc ones).
        self.assertEqual((below.expected, below.done, below.overdue), (3, 2, 3))
        self.assertEqual((below.behind_pace, below.behind, below.state), (True, True, progress.BEHIND))


class NotSampledWeekTests(ScoringPersonas):
    """The current week, on any of its days: nothing is sampled (the sampler refuses a week that
    is not over), so no agent is behind for want of routed work."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.week = periods.monday(timezone.localdate())
        give_tier(cls.agent, cls.week, target=5)
        start = timezone.make_aware(dt.datetime.combine(cls.week, dt.time(9)))
        f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=min(start, timezone.now()))

    def test_no_agent_is_behind_before_the_week_is_sampled(self):
        rows = {r.name: r for r in progress.agent_week_rows(user=self.manager, week_start=self.week)}
        li = rows["Li Na"]
        self.assertEqual((li.target, li.planned, li.sampled), (5, 0, False))
        self.assertEqual(
            (li.short, li.behind, li.state, li.state_label), (False, False, "not_sampled", "not sampled yet")
        )
        self.assertFalse(any(r.behind for r in rows.values()))

    def test_the_page_says_not_sampled_yet_and_counts_nobody_behind(self):
        self.client.force_login(self.manager)
        response = self.client.get(PAGE, {"week": periods.week_label(self.week)})
        self.assertEqual(response.context["totals"].behind, 0)
        self.assertNotContains(response, '<tr class="behind">')
        html = response.content.decode()
        self.assertIn("not sampled yet", tag_texts(html, ">Li Na<"))
        self.assertNotIn("short", tag_texts(html, ">Li Na<"))
        self.assertContains(response, 'id="not-sampled"')

    def test_the_api_agrees(self):
        response = self.api(self.manager).get(
            "/api/v1/quota-progress/agents/", {"week": periods.week_label(self.week), "behind": "true"}
        )
        self.assertEqual(response.json()["count"], 0)
        li = next(
            r
            for r in self.api(self.manager)
            .get("/api/v1/quota-progress/agents/", {"week": periods.week_label(self.week)})
            .json()["results"]
            if r["name"] == "Li Na"
        )
        self.assertEqual(
            {k: li[k] for k in ("sampled", "short", "behind", "progress_state", "progress_state_label")},
            {
                "sampled": False,
                "short": False,
                "behind": False,
                "progress_state": "not_sampled",
                "progress_state_label": "not sampled yet",
            },
        )

    def test_once_sampled_the_same_week_with_nothing_routed_is_short(self):
        sampled(week=self.week)
        li = {r.name: r for r in progress.agent_week_rows(user=self.manager, week_start=self.week)}["Li Na"]
        self.assertEqual((li.short, li.behind, li.behind_reasons), (True, True, ["short"]))


class DueWeekData(ScoringPersonas):
    """WEEK, sampled. Li Na (target 2): two open assignments due in three days. Wang Wei (target
    2): two assignments, both done. Nobody else is in scope."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        sampled(week=WEEK, month=MONTH)
        cls.due = timezone.now() + dt.timedelta(days=3)
        give_tier(cls.agent, WEEK, target=2)
        give_tier(cls.other_agent, WEEK, target=2)
        cls.li_work = [
            f.AssignmentFactory(
                call=f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=THURSDAY),
                evaluator=cls.qa,
                due_at=cls.due,
            )
            for _ in range(2)
        ]
        for _ in range(2):
            call = f.CallFactory(agent=cls.other_agent, line_of_business=cls.lob, start_time=THURSDAY)
            score(f.AssignmentFactory(call=call, evaluator=cls.qa, due_at=cls.due), by=cls.qa)

    def rows(self, **kwargs) -> dict[str, progress.AgentWeekRow]:
        return {r.name: r for r in progress.agent_week_rows(user=self.manager, week_start=WEEK, **kwargs)}


class DueWeekTests(DueWeekData):
    def test_work_not_yet_due_is_on_track_with_its_due_date(self):
        # Two days into a three-day window, nothing done: the old elapsed-share pace called this
        # behind; nothing is due yet, so it is not.
        li = self.rows(now=self.due - dt.timedelta(days=1))["Li Na"]
        self.assertEqual((li.planned, li.done, li.expected, li.behind), (2, 0, 0, False))
        self.assertEqual(li.state_label, f"on track, due {formats.date_format(timezone.localtime(self.due))}")

    def test_work_due_and_not_done_is_behind(self):
        li = self.rows(now=self.due + dt.timedelta(minutes=1))["Li Na"]
        self.assertEqual((li.expected, li.done, li.overdue), (2, 0, 2))
        self.assertEqual((li.behind, li.state, li.state_label), (True, "behind", "behind schedule"))
        self.assertEqual(li.behind_reasons, ["overdue", "pace"])

    def test_work_due_and_done_has_met_the_target(self):
        wang = self.rows(now=self.due + dt.timedelta(minutes=1))["Wang Wei"]
        self.assertEqual((wang.done, wang.behind, wang.state_label), (2, False, "target met"))

    def test_the_page_shows_behind_once_the_work_is_due(self):
        self.client.force_login(self.manager)
        before = self.client.get(PAGE, {"week": LABEL}).content.decode()
        self.assertIn("on track, due", tag_texts(before, ">Li Na<"))
        Assignment.objects.filter(pk__in=[a.pk for a in self.li_work]).update(
            due_at=timezone.now() - dt.timedelta(hours=1)
        )
        after = self.client.get(PAGE, {"week": LABEL})
        self.assertEqual(after.context["totals"].behind, 1)
        self.assertIn("2 overdue", tag_texts(after.content.decode(), ">Li Na<"))


class PageAndApiAgreeTests(DueWeekData, LineWordingData):
    """The page and the API read the same selector: every agent's and line's state and wording."""

    def test_the_agent_rows_agree(self):
        Assignment.objects.filter(pk=self.li_work[0].pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
        self.client.force_login(self.manager)
        response = self.client.get(PAGE, {"week": LABEL})
        html = response.content.decode()
        page = {r.name: (r.state, r.state_label, r.behind, r.done, r.target) for r in response.context["page"]}
        api = {
            r["name"]: (r["progress_state"], r["progress_state_label"], r["behind"], r["done"], r["target"])
            for r in self.api(self.manager).get("/api/v1/quota-progress/agents/", {"week": LABEL}).json()["results"]
        }
        self.assertEqual(page, api)
        self.assertEqual(api["Li Na"][:3], ("behind", "behind schedule", True))
        self.assertEqual(api["Wang Wei"][:2], ("met", "target met"))
        self.assertIn("target met", tag_texts(html, ">Wang Wei<"))

    def test_the_line_rows_agree(self):
        response = self.page()
        html = response.content.decode()
        page = {
            r.code: (r.progress_label, r.state, r.state_label, r.topup, r.behind) for r in response.context["lines"]
        }
        api = {
            r["code"]: (
                r["progress_label"],
                r["progress_state"],
                r["progress_state_label"],
                r["top_up_added"],
                r["behind"],
            )
            for r in self.api(self.manager)
            .get("/api/v1/quota-progress/lines/", {"month": MONTH.label})
            .json()["results"]
        }
        self.assertEqual(page, api)
        self.assertEqual(api["far"][:3], ("12 done · minimum 2 met", "met", "minimum met"))
        for code, (label, _state, state_label, _topup, behind) in api.items():
            name = self.lines[code].name if code in self.lines else "Billing"
            row = tag_texts(html, f"<td>{name}</td>")
            self.assertIn(label, row, code)
            if not behind:
                self.assertIn(state_label, row, code)
