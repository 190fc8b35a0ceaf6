"""A critical failure scores 0.0, and 0.0 is a score: pages show it, never a blank."""

from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, make_evaluation


class ZeroScoreTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = make_evaluation(
            call=cls.call, by=cls.qa, version=cls.version, values={**WORKED_ANSWERS, "correct_information": 0}
        )

    def test_the_agent_sees_0_0_in_the_list_and_on_the_page(self):
        self.assertEqual(str(self.evaluation.total), "0.0")
        self.client.force_login(self.agent_user)
        listing = self.client.get("/evaluations/")
        self.assertContains(listing, ">0.0<")
        page = self.client.get(f"/evaluations/{self.evaluation.pk}/")
        self.assertContains(page, ">0.0<")
        self.assertContains(page, "57.5")  # the raw total before the critical item zeroed it
