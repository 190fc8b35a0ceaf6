"""Recognition (DESIGN.md §5, issue 16) on constructed weekly histories: each badge is awarded on
the history that earns it and not on its near miss; a rerun awards nothing twice; switched off,
nothing is awarded and no page opens; a peer never sees another agent's recognition, score or
rank; the team board ranks by improvement over each agent's own baseline; kudos reach the agent's
page and may put the call in the call library, pending curation."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics

from django.core.management import call_command
from django.utils import timezone
from scipy import stats

from coaching.models import BadgeAward, BadgeKind, Kudos, LibraryCall, LibraryKind, RecognitionPolicy
from coaching.selectors.needs import last_complete_week, week_label
from coaching.services.recognition import award_badges
from monitoring.models import Agent
from qa_platform.menu import items_for
from scoring.models import Category, Evaluation, Kind, Status
from tests import factories as f
from tests.coaching.effect_history import evaluate, plan_with_goals
from tests.scoring.factories import ScoringPersonas

WEEK = last_complete_week()
_calls = itertools.count(1)


def week(k: int) -> dt.date:
    """The Monday k weeks before the last complete week."""
    return WEEK - dt.timedelta(days=7 * k)


def scored(agent, qa, version, *, weeks_ago: int, score: float, critical=False, agent_score=None, day=2, **extra):
    """A submitted regular evaluation of a new call of `agent`, in the week `weeks_ago` before the
    last complete week (Wednesday unless `day`), with the total `score`."""
    at = timezone.make_aware(dt.datetime.combine(week(weeks_ago) + dt.timedelta(days=day), dt.time(10)))
    call = f.CallFactory(
        agent=agent,
        line_of_business=agent.team.lines_of_business.first(),
        start_time=at,
        external_id=f"RC-{next(_calls)}",
        **extra,
    )
    return Evaluation.objects.create(
        call=call,
        agent=agent,
        evaluator=qa,
        evaluator_role="qa",
        kind=Kind.REGULAR,
        version=version,
        status=Status.FEEDBACK_DELIVERED,
        total=score,
        agent_score=agent_score,
        critical_failed=critical,
        submitted_at=at,
    )


def badges(agent, kind) -> list[BadgeAward]:
    return list(BadgeAward.objects.filter(agent=agent, kind=kind))


class RecognitionCase(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.peer_user = f.UserFactory(username="peer", roles=["agent"])
        cls.peer = f.AgentFactory(employee_id="E3", name="Zhao Min", team=cls.team, user=cls.peer_user)

    def history(self, agent, weekly: dict[int, list[float]], **kw):
        for weeks_ago, scores in weekly.items():
            for i, score in enumerate(scores):
                scored(agent, self.qa, self.version, weeks_ago=weeks_ago, score=score, day=i % 5, **kw)

    def new_agent(self, name, team=None):
        return f.AgentFactory(name=name, team=team or self.team)


class StreakBadgeTests(RecognitionCase):
    def test_four_weeks_on_target_in_a_row_earn_the_streak_badge(self):
        self.history(self.agent, {0: [90, 88], 1: [86, 92], 2: [85, 95], 3: [90, 90]})
        award_badges(week_start=WEEK)
        [badge] = badges(self.agent, BadgeKind.ON_TARGET)
        self.assertEqual((badge.week_start, badge.evidence["weeks"]), (WEEK, 4))

    def test_three_weeks_on_target_after_a_week_just_below_is_a_near_miss(self):
        # Week 3's mean is 84.5, half a point under the target: a run of 3, not 4.
        self.history(self.agent, {0: [90, 88], 1: [86, 92], 2: [85, 95], 3: [84, 85]})
        award_badges(week_start=WEEK)
        self.assertEqual(badges(self.agent, BadgeKind.ON_TARGET), [])

    def test_a_week_with_fewer_evaluations_than_the_minimum_does_not_count(self):
        self.history(self.agent, {0: [90, 88], 1: [86, 92], 2: [95], 3: [90, 90]})
        award_badges(week_start=WEEK)
        self.assertEqual(badges(self.agent, BadgeKind.ON_TARGET), [])

    def test_the_agent_score_counts_rather_than_the_total(self):
        # Totals under the target, but what was within the agent's control was on target.
        for weeks_ago in range(4):
            for _i in range(2):
                scored(self.agent, self.qa, self.version, weeks_ago=weeks_ago, score=70, agent_score=90)
        award_badges(week_start=WEEK)
        self.assertEqual(len(badges(self.agent, BadgeKind.ON_TARGET)), 1)

    def test_the_center_chooses_the_streak_length(self):
        RecognitionPolicy.objects.update_or_create(pk=1, defaults={"streak_weeks": 3})
        self.history(self.agent, {0: [90, 88], 1: [86, 92], 2: [85, 95], 3: [40, 50]})
        award_badges(week_start=WEEK)
        self.assertEqual(len(badges(self.agent, BadgeKind.ON_TARGET)), 1)


class NoCriticalBadgeTests(RecognitionCase):
    def test_four_weeks_without_a_critical_failure_earn_the_badge(self):
        self.history(self.agent, {0: [70], 1: [60], 2: [75], 3: [80]})
        award_badges(week_start=WEEK)
        [badge] = badges(self.agent, BadgeKind.NO_CRITICAL)
        self.assertEqual(badge.evidence, {"weeks": 4})

    def test_one_critical_failure_breaks_the_run(self):
        self.history(self.agent, {0: [70], 2: [75], 3: [80]})
        scored(self.agent, self.qa, self.version, weeks_ago=1, score=0, critical=True)
        award_badges(week_start=WEEK)
        self.assertEqual(badges(self.agent, BadgeKind.NO_CRITICAL), [])

    def test_a_week_without_evaluations_breaks_the_run(self):
        self.history(self.agent, {0: [70], 1: [60], 3: [80], 4: [80]})
        award_badges(week_start=WEEK)
        self.assertEqual(badges(self.agent, BadgeKind.NO_CRITICAL), [])


BASELINE = [70, 72, 68, 71, 69, 70, 73, 67]  # weeks 4..11, one a week: mean 70
IMPROVED = [80, 82, 78, 81]  # weeks 0..3: mean 80.25
NOISY = [40, 100, 60, 104]  # mean 76: +6 points, but the interval includes 0


class ImprovementBadgeTests(RecognitionCase):
    def welch(self, before, since):
        return stats.ttest_ind(since, before, equal_var=False).confidence_interval(0.95)

    def test_a_clear_improvement_on_the_own_baseline_earns_the_badge(self):
        self.history(
            self.agent, {k + 4: [s] for k, s in enumerate(BASELINE)} | {k: [s] for k, s in enumerate(IMPROVED)}
        )
        award_badges(week_start=WEEK)
        [badge] = badges(self.agent, BadgeKind.IMPROVED)
        ci = self.welch(BASELINE, IMPROVED)
        self.assertAlmostEqual(badge.evidence["difference"], round(statistics.fmean(IMPROVED) - 70, 1))
        self.assertAlmostEqual(badge.evidence["low"], round(ci.low, 1))
        self.assertEqual((badge.evidence["n_recent"], badge.evidence["n_baseline"]), (4, 8))

    def test_an_improvement_whose_interval_includes_zero_earns_nothing(self):
        self.assertLess(self.welch(BASELINE, NOISY).low, 0)
        self.assertGreaterEqual(statistics.fmean(NOISY) - statistics.fmean(BASELINE), 5)
        self.history(self.agent, {k + 4: [s] for k, s in enumerate(BASELINE)} | {k: [s] for k, s in enumerate(NOISY)})
        award_badges(week_start=WEEK)
        self.assertEqual(badges(self.agent, BadgeKind.IMPROVED), [])

    def test_a_sure_improvement_of_less_than_five_points_earns_nothing(self):
        small = [74, 74.5, 73.5, 74]
        self.assertGreater(self.welch(BASELINE, small).low, 0)
        self.history(self.agent, {k + 4: [s] for k, s in enumerate(BASELINE)} | {k: [s] for k, s in enumerate(small)})
        award_badges(week_start=WEEK)
        self.assertEqual(badges(self.agent, BadgeKind.IMPROVED), [])


class GoalMetBadgeTests(RecognitionCase):
    def test_a_coaching_goal_met_on_evidence_earns_the_badge_once(self):
        end = timezone.make_aware(dt.datetime.combine(WEEK + dt.timedelta(days=7), dt.time.min))
        created = end - dt.timedelta(days=10)
        plan_with_goals(
            agent=self.agent,
            owner=self.trainer,
            created_at=created,
            goals=[{"category": Category.ETIQUETTE, "target": 60}],
        )
        for days, value in ((20, 0), (15, 0), (8, 1), (5, 1), (3, 1)):
            evaluate(
                agent=self.agent,
                version=self.version,
                by=self.qa,
                at=end - dt.timedelta(days=days),
                values={"greeting": value, "closing": value},
            )
        award_badges(week_start=WEEK)
        award_badges(week_start=WEEK + dt.timedelta(days=7))
        [badge] = badges(self.agent, BadgeKind.GOAL_MET)
        self.assertEqual((badge.evidence["n"], badge.week_start), (3, WEEK))


class AwardJobTests(RecognitionCase):
    def setUp(self):
        self.history(self.agent, {0: [90, 88], 1: [86, 92], 2: [85, 95], 3: [90, 90]})

    def test_a_rerun_of_the_week_awards_nothing_twice(self):
        first = award_badges(week_start=WEEK)
        self.assertEqual(first, 2)  # on target and no critical failure, 4 weeks each
        self.assertEqual(award_badges(week_start=WEEK), 0)
        self.assertEqual(BadgeAward.objects.filter(agent=self.agent).count(), 2)

    def test_the_command_awards_the_week_asked_for(self):
        call_command("award_badges", "--week", week_label(WEEK), stdout=(out := _Out()))
        self.assertIn("2 new badges", out.text)
        self.assertEqual(BadgeAward.objects.filter(agent=self.agent).count(), 2)

    def test_the_celery_task_runs_weekly(self):
        from django.conf import settings

        from coaching.tasks import award_badges as task

        entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "coaching.award_badges")
        self.assertEqual(entry["schedule"].day_of_week, {1})
        self.assertEqual(task.run(week=WEEK.isoformat()), 2)

    def test_the_agent_is_told_of_a_new_badge_once(self):
        award_badges(week_start=WEEK)
        self.client.force_login(self.agent_user)
        page = self.client.get("/coaching/recognition/")
        self.assertContains(page, 'id="new-badges"')
        self.assertContains(page, "4 weeks in a row at or above 85")
        self.assertNotContains(self.client.get("/coaching/recognition/"), 'id="new-badges"')

    def test_switched_off_nothing_is_awarded_and_no_page_opens(self):
        RecognitionPolicy.objects.update_or_create(pk=1, defaults={"enabled": False})
        self.assertEqual(award_badges(week_start=WEEK), 0)
        call_command("award_badges", stdout=(out := _Out()))
        self.assertIn("switched off", out.text)
        self.assertFalse(BadgeAward.objects.exists())
        evaluation = Evaluation.objects.filter(agent=self.agent).first()
        for user, url in (
            (self.agent_user, "/coaching/recognition/"),
            (self.supervisor, "/coaching/recognition/board/"),
            (self.supervisor, f"/coaching/recognition/agents/{self.agent.pk}/"),
        ):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.client.force_login(self.supervisor)
        response = self.client.post(f"/coaching/recognition/kudos/evaluation/{evaluation.pk}/", {"message": "Great"})
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(self.client.get(f"/evaluations/{evaluation.pk}/"), "Give kudos")
        for user in (self.agent_user, self.supervisor, self.manager):
            names = [i.url_name for i in items_for(user)]
            self.assertNotIn("coaching-recognition-mine", names)
            self.assertNotIn("coaching-recognition-board", names)
        # The manager still reaches the settings, to switch it back on.
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get("/coaching/recognition/settings/").status_code, 200)


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


class AccessTests(RecognitionCase):
    def test_a_peer_asking_for_another_agents_recognition_page_is_refused(self):
        for user in (self.peer_user, self.other_agent_user, self.other_supervisor, self.hr):
            self.client.force_login(user)
            status = self.client.get(f"/coaching/recognition/agents/{self.agent.pk}/").status_code
            self.assertIn(status, (403, 404), user.username)

    def test_the_agents_supervisor_and_the_coaching_staff_open_it(self):
        for user in (self.supervisor, self.trainer, self.qa, self.manager):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/coaching/recognition/agents/{self.agent.pk}/").status_code, 200)

    def test_the_agent_is_sent_to_their_own_page(self):
        self.client.force_login(self.agent_user)
        response = self.client.get(f"/coaching/recognition/agents/{self.agent.pk}/")
        self.assertRedirects(response, "/coaching/recognition/")

    def test_an_agent_cannot_open_another_teams_board(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/coaching/recognition/board/?team={self.other_team.pk}").status_code, 404)

    def test_only_managers_change_the_settings(self):
        for user in (self.supervisor, self.trainer, self.agent_user):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/coaching/recognition/settings/").status_code, 403)
        self.client.force_login(self.manager)
        data = {
            "enabled": "on",
            "weekly_target": 90,
            "streak_weeks": 3,
            "no_critical_weeks": 4,
            "min_evaluations": 2,
            "improvement_points": 5,
        }
        self.assertRedirects(
            self.client.post("/coaching/recognition/settings/", data), "/coaching/recognition/settings/"
        )
        self.assertEqual(RecognitionPolicy.current().weekly_target, 90)
        self.assertEqual(RecognitionPolicy.history.count(), 2)
        bad = self.client.post("/coaching/recognition/settings/", {**data, "streak_weeks": 1})
        self.assertEqual(bad.status_code, 400)

    def test_hr_and_a_supervisor_of_another_team_get_no_board_of_the_team(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get("/coaching/recognition/board/").status_code, 403)
        self.client.force_login(self.other_supervisor)
        self.assertEqual(self.client.get(f"/coaching/recognition/board/?team={self.team.pk}").status_code, 404)

    def test_the_agents_page_links_their_recognition_for_them_and_their_supervisor_only(self):
        BadgeAward.objects.create(agent=self.agent, kind=BadgeKind.NO_CRITICAL, week_start=WEEK, evidence={"weeks": 4})
        self.client.force_login(self.agent_user)
        page = self.client.get(f"/agents/{self.agent.pk}/")
        self.assertContains(page, 'class="card recognition-panel"')
        self.assertContains(page, "1 new")
        self.client.force_login(self.supervisor)
        self.assertContains(
            self.client.get(f"/agents/{self.agent.pk}/"), f"/coaching/recognition/agents/{self.agent.pk}/"
        )

    def test_the_menu_offers_each_role_its_recognition_page(self):
        self.assertIn("coaching-recognition-mine", [i.url_name for i in items_for(self.agent_user)])
        self.assertNotIn("coaching-recognition-board", [i.url_name for i in items_for(self.agent_user)])
        self.assertIn("coaching-recognition-board", [i.url_name for i in items_for(self.supervisor)])
        self.assertNotIn("coaching-recognition-board", [i.url_name for i in items_for(self.hr)])


class BoardTests(RecognitionCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        base = {k + 4: [s] for k, s in enumerate(BASELINE)}  # mean 70
        cases = (
            (cls.agent, [76, 77, 75, 76]),  # +6
            (cls.peer, [60, 61, 59, 60]),  # −10: the peer's low rank
            (f.AgentFactory(name="Sun Li", team=cls.team), [83, 81, 82, 82]),  # +12
        )
        for agent, recent in cases:
            for weeks_ago, scores in (base | {k: [s] for k, s in enumerate(recent)}).items():
                for score in scores:
                    scored(agent, cls.qa, cls.version, weeks_ago=weeks_ago, score=score)

    def board(self, user):
        self.client.force_login(user)
        response = self.client.get(f"/coaching/recognition/board/?team={self.team.pk}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_supervisor_sees_everyone_ranked_by_improvement(self):
        rows = self.board(self.supervisor).context["board"].rows
        self.assertEqual([r.agent.name for r in rows], ["Sun Li", "Li Na", "Zhao Min"])
        self.assertEqual([round(r.difference) for r in rows], [12, 6, -10])
        self.assertEqual([r.position for r in rows], [1, 2, 3])

    def test_an_agent_sees_the_improvers_and_their_own_place_privately(self):
        response = self.board(self.agent_user)
        names = [r.agent.name for r in response.context["board"].rows]
        self.assertEqual(names, ["Sun Li", "Li Na"])
        self.assertContains(response, "rank 2 of 3")

    def test_a_peer_never_sees_anyones_raw_score_or_a_low_rank(self):
        response = self.board(self.peer_user)
        body = response.content.decode()
        for raw in ("70.0", "76.0", "82.0", "60.0", "76.", "82."):
            self.assertNotIn(raw, body)
        # The peer sees their own −10.0 and rank 3 (privately), and nobody else's below zero.
        self.assertEqual([r.agent.name for r in response.context["board"].rows], ["Sun Li", "Li Na"])
        self.assertContains(response, "rank 3 of 3")
        self.client.force_login(self.agent_user)
        self.assertNotContains(self.client.get(f"/coaching/recognition/board/?team={self.team.pk}"), "Zhao Min")

    def test_the_agent_sees_their_own_progress_on_their_page(self):
        self.client.force_login(self.agent_user)
        response = self.client.get("/coaching/recognition/")
        imp = response.context["progress"].improvement
        self.assertEqual((imp.recent.n, imp.baseline.n, round(imp.difference)), (4, 8, 6))
        self.assertContains(response, "n = 8")


TRANSCRIPT = [{"start": 0, "end": 3, "speaker": "agent", "text": "Hello, how can I help?"}]


class KudosTests(RecognitionCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = scored(cls.agent, cls.qa, cls.version, weeks_ago=0, score=98, transcript=TRANSCRIPT)

    def test_a_supervisor_gives_kudos_and_suggests_the_call_for_the_library(self):
        self.client.force_login(self.supervisor)
        page = self.client.get(f"/evaluations/{self.evaluation.pk}/")
        self.assertContains(page, "Give kudos")
        response = self.client.post(
            f"/coaching/recognition/kudos/evaluation/{self.evaluation.pk}/",
            {"message": "Calm and clear with an upset customer.", "for_library": "on"},
        )
        self.assertRedirects(response, f"/evaluations/{self.evaluation.pk}/")
        kudos = Kudos.objects.get()
        self.assertEqual((kudos.agent, kudos.given_by), (self.agent, self.supervisor))
        entry = LibraryCall.objects.get(call=self.evaluation.call)
        self.assertEqual((entry.kind, entry.curated, kudos.library_entry), (LibraryKind.EXEMPLARY, False, entry))
        self.client.force_login(self.agent_user)
        self.assertContains(self.client.get("/coaching/recognition/"), "Calm and clear with an upset customer.")

    def test_a_second_kudos_by_the_same_person_is_refused(self):
        self.client.force_login(self.trainer)
        url = f"/coaching/recognition/kudos/evaluation/{self.evaluation.pk}/"
        self.client.post(url, {"message": "Good"})
        self.client.post(url, {"message": "Good again"})
        self.assertEqual(Kudos.objects.count(), 1)

    def test_a_peer_gives_kudos_on_a_curated_exemplary_library_call(self):
        entry = LibraryCall.objects.create(
            call=self.evaluation.call,
            evaluation=self.evaluation,
            kind=LibraryKind.EXEMPLARY,
            title="Empathy",
            note="Listen to the opening",
            marked_by=self.trainer,
            curated=True,
        )
        self.client.force_login(self.other_agent_user)
        self.assertContains(self.client.get(f"/coaching/library/{entry.pk}/"), "Give kudos")
        self.client.post(f"/coaching/recognition/kudos/library/{entry.pk}/", {"message": "Learned a lot"})
        kudos = Kudos.objects.get()
        self.assertEqual((kudos.agent, kudos.given_by, kudos.library_entry), (self.agent, self.other_agent_user, entry))

    def test_a_peer_cannot_give_kudos_on_an_evaluation_or_a_pending_entry(self):
        entry = LibraryCall.objects.create(
            call=self.evaluation.call, kind=LibraryKind.EXEMPLARY, title="x", note="y", marked_by=self.trainer
        )
        self.client.force_login(self.peer_user)
        for url in (
            f"/coaching/recognition/kudos/evaluation/{self.evaluation.pk}/",
            f"/coaching/recognition/kudos/library/{entry.pk}/",
        ):
            self.assertIn(self.client.post(url, {"message": "Nice"}).status_code, (403, 404), url)
        self.assertFalse(Kudos.objects.exists())

    def test_nobody_gives_kudos_on_their_own_call(self):
        agent_qa = f.UserFactory(username="agentqa", roles=["agent", "qa"])
        Agent.objects.filter(pk=self.peer.pk).update(user=agent_qa)
        own = scored(self.peer, self.qa, self.version, weeks_ago=0, score=95)
        self.client.force_login(agent_qa)
        self.client.post(f"/coaching/recognition/kudos/evaluation/{own.pk}/", {"message": "Me!"})
        self.assertFalse(Kudos.objects.exists())
