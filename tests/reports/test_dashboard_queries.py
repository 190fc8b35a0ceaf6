"""The dashboard costs a constant number of queries: the same with 3 agents as with 30 (and 10
times the evaluations), for every kind of scope; so do the QA pictures on the agent and team
pages."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.reports.dashboard_month import MONTH, PERFECT, WEAK, at
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, make_evaluation

ANSWERS = (PERFECT, WORKED_ANSWERS, WEAK)


class DashboardQueryCountTests(ScoringPersonas):
    def grow(self, agents: int) -> None:
        """`agents` more agents of the supervisor's team, each with two evaluated calls of the month
        (one a random pick) and a call without an evaluation."""
        shift = f.ShiftFactory()
        for i in range(agents):
            agent = f.AgentFactory(team=self.team)
            for j in range(2):
                call = f.CallFactory(
                    agent=agent,
                    line_of_business=self.lob,
                    shift=shift,
                    start_time=at(MONTH, 1 + (i + j) % 27, 10),
                    csat=1 + (i + j) % 5,
                    service_type=f"queue {i % 4}",
                )
                if j == 0:
                    f.AssignmentFactory(call=call, evaluator=self.qa, inclusion_probability=0.1 + 0.02 * (i % 10))
                make_evaluation(call=call, by=self.qa, version=self.version, values=ANSWERS[(i + j) % 3])
            f.CallFactory(agent=agent, line_of_business=self.lob, start_time=at(MONTH, 28, 9))

    def count(self, user, url: str) -> int:
        self.client.force_login(user)
        self.client.get(url)  # the session and the user's groups are cached after the first request
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(ctx.captured_queries)

    def pages(self) -> dict[tuple[str, str], int]:
        month = f"month={MONTH.label}"
        urls = [
            (self.manager, f"/dashboard/?{month}"),
            (self.manager, f"/dashboard/?{month}&scope=line:{self.lob.pk}"),
            (self.supervisor, f"/dashboard/?{month}"),
            (self.supervisor, f"/dashboard/?{month}&scope=team:{self.team.pk}"),
            (self.supervisor, f"/dashboard/?{month}&scope=agent:{self.agent.pk}"),
            (self.supervisor, f"/agents/{self.agent.pk}/"),
            (self.supervisor, f"/teams/{self.team.pk}/?{month}"),
        ]
        return {(user.username, url): self.count(user, url) for user, url in urls}

    def test_the_dashboard_costs_the_same_queries_with_3_agents_and_with_30(self):
        self.grow(3)
        small = self.pages()
        self.grow(27)
        large = self.pages()
        self.assertEqual(small, large)
        # What the page costs, for the record (session, user and groups included).
        self.assertLessEqual(small[("manager", f"/dashboard/?month={MONTH.label}")], 40)
