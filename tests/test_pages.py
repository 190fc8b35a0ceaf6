"""Pages render with a fixed number of queries, whatever the amount of data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.personas import Personas


class QueryCountTests(Personas):
    def count(self, url):
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(ctx.captured_queries)

    def grow(self):
        for _ in range(3):
            agent = f.AgentFactory(team=self.team)
            for _ in range(4):
                f.CallFactory(agent=agent, line_of_business=self.lob)

    def test_list_pages_do_not_grow_with_the_data(self):
        self.client.force_login(self.manager)
        urls = ["/calls/", "/agents/", "/teams/", f"/teams/{self.team.pk}/", "/overview/", f"/agents/{self.agent.pk}/"]
        before = {url: self.count(url) for url in urls}
        self.grow()
        after = {url: self.count(url) for url in urls}
        self.assertEqual(before, after)

    def test_the_call_list_filters_by_line_direction_and_date(self):
        self.client.force_login(self.qa)
        f.CallFactory(agent=self.agent, line_of_business=self.lob, direction="outbound", external_id="OUT-1")
        response = self.client.get("/calls/", {"direction": "outbound"})
        self.assertContains(response, "1 call")
        bad = self.client.get("/calls/", {"date_from": "not-a-date"})
        self.assertContains(bad, "Enter a valid date", status_code=400)
