"""The QA picture on monitoring's agent and team pages, added by reports through
qa_platform.menu.page_panels_for (monitoring imports nothing of reports)."""

from __future__ import annotations

import statistics

from qa_platform.menu import page_panels_for
from tests.reports.dashboard_month import MONTH, DashboardMonth


class QaPicturePanelTests(DashboardMonth):
    def page(self, user, url):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_a_supervisor_sees_the_agents_qa_picture_on_the_agent_page(self):
        response = self.page(self.supervisor, f"/agents/{self.agent3.pk}/")
        self.assertContains(response, "QA picture")
        totals = [float(e.total) for e in self.month_evaluations() if e.agent_id == self.agent3.pk]
        self.assertContains(response, f"{statistics.fmean(totals):.1f}")
        self.assertContains(response, f"n = {len(totals)}")
        self.assertContains(response, f"/dashboard/?scope=agent%3A{self.agent3.pk}&amp;month={MONTH.label}")
        self.assertContains(response, 'role="img"')
        picture = response.context["panels"][0].context["picture"]
        self.assertEqual(picture.period, MONTH)
        self.assertEqual(len(picture.trend), 6)
        self.assertLessEqual(len(picture.weakest), 3)
        self.assertEqual(picture.weakest[0]["lost"], max(row["lost"] for row in picture.weakest))

    def test_the_team_page_shows_the_teams_picture_for_the_month_asked_for(self):
        response = self.page(self.trainer, f"/teams/{self.team.pk}/?month={MONTH.label}")
        self.assertContains(response, "QA picture")
        picture = response.context["panels"][0].context["picture"]
        self.assertEqual(picture.summary.n, len(self.month_evaluations(team=self.team)))

    def test_an_agent_gets_no_qa_picture_on_their_own_page(self):
        response = self.page(self.agent_user, f"/agents/{self.agent.pk}/")
        self.assertNotContains(response, "QA picture")

    def test_hr_gets_no_qa_picture_on_the_roster(self):
        response = self.page(self.hr, f"/agents/{self.agent.pk}/")
        self.assertNotContains(response, "QA picture")

    def test_a_supervisor_gets_no_panel_for_another_teams_agent(self):
        def qa_pictures(agent):
            return [p for p in page_panels_for(self.other_supervisor, agent) if p.template.startswith("reports/")]

        self.assertEqual(page_panels_for(self.other_supervisor, self.agent), [])  # no app's panel
        self.assertEqual(len(qa_pictures(self.other_agent)), 1)

    def test_other_objects_get_no_panel(self):
        self.assertEqual(page_panels_for(self.manager, self.lob), [])
