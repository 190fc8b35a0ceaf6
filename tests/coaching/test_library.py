"""The call library: marking from an evaluation, curation, who sees what, listening through the
library (Range, listen log) and its API."""

from __future__ import annotations

from django.test import override_settings

from coaching.models import LibraryCall, LibraryKind
from coaching.services import library as services
from monitoring.models import ListenLog
from tests import factories as f
from tests.audio import attach_wav, wav_bytes
from tests.scoring.factories import ScoringPersonas, make_evaluation

WAV = wav_bytes(1.0)


def mark_url(evaluation) -> str:
    return f"/coaching/library/mark/{evaluation.pk}/"


def entry_url(entry, step: str = "") -> str:
    return f"/coaching/library/{entry.pk}/{step + '/' if step else ''}"


def recording_url(entry) -> str:
    return f"/coaching/library/{entry.pk}/recording"


FORM = {
    "kind": "exemplary",
    "title": "Calm with an angry customer",
    "note": "Listen to the apology.",
    "time_offset": "1:15",
}


@override_settings(MEDIA_ROOT="/tmp/qa-test-media-library")
class LibraryTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        attach_wav(cls.call, "library.wav", audio=WAV)
        cls.evaluation = make_evaluation(call=cls.call, by=cls.qa)
        cls.other_call.transcript = [{"start": 0, "speaker": "agent", "text": "Hello"}]
        cls.other_call.save()
        cls.other_evaluation = make_evaluation(call=cls.other_call, by=cls.qa)
        cls.entry = services.library_mark(
            by=cls.qa,
            evaluation=cls.evaluation,
            kind=LibraryKind.EXEMPLARY,
            title="A model greeting",
            note="The greeting names the company and the agent.",
            time_offset=12.0,
            criterion=cls.criteria["greeting"],
        )
        cls.other_entry = services.library_mark(
            by=cls.qa, evaluation=cls.other_evaluation, kind=LibraryKind.CAUTIONARY, title="Talk-over", note="Too fast."
        )

    def curate(self, entry=None):
        services.library_set_curated(by=self.trainer, entry=entry or self.entry, curated=True)

    # --- marking ---------------------------------------------------------------------------------

    def test_a_supervisor_marks_a_call_of_their_team_from_its_evaluation(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(mark_url(self.evaluation), {**FORM, "kind": "cautionary"})
        entry = LibraryCall.objects.get(call=self.call, kind="cautionary")
        self.assertRedirects(response, entry_url(entry))
        self.assertEqual(entry.time_offset, 75.0)
        self.assertFalse(entry.curated)
        self.assertEqual(entry.marked_by, self.supervisor)

    def test_the_evaluation_page_offers_the_panel_to_evaluators_only(self):
        self.client.force_login(self.trainer)
        page = self.client.get(f"/evaluations/{self.evaluation.pk}/")
        self.assertContains(page, "Add this call to the library")
        self.assertContains(page, "A model greeting")
        self.client.force_login(self.agent_user)
        page = self.client.get(f"/evaluations/{self.evaluation.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Add this call to the library")

    def test_a_second_entry_of_the_same_kind_is_a_409_with_the_reason(self):
        self.client.force_login(self.trainer)
        response = self.client.post(mark_url(self.evaluation), FORM)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "already in the library as exemplary", status_code=409)
        self.assertEqual(LibraryCall.objects.filter(call=self.call).count(), 1)

    def test_an_unreadable_moment_is_a_400_under_its_field(self):
        self.client.force_login(self.trainer)
        response = self.client.post(mark_url(self.evaluation), {**FORM, "kind": "cautionary", "time_offset": "1:75"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("time_offset", response.context["form"].errors)
        response = self.client.post(mark_url(self.evaluation), {**FORM, "kind": "cautionary", "time_offset": "99:00"})
        self.assertEqual(response.status_code, 400)  # past the end of a 4-minute call
        self.assertFalse(LibraryCall.objects.filter(kind="cautionary", call=self.call).exists())

    def test_a_supervisor_of_another_team_gets_404_and_an_agent_403(self):
        self.client.force_login(self.other_supervisor)
        self.assertEqual(self.client.post(mark_url(self.evaluation), FORM).status_code, 404)
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.post(mark_url(self.evaluation), FORM).status_code, 403)

    def test_a_call_on_a_private_line_is_refused(self):
        call = f.CallFactory(
            agent=self.agent, line_of_business=self.lob, line="8001", transcript=[{"start": 0, "text": "hi"}]
        )
        evaluation = make_evaluation(call=call, by=self.qa)
        f.PrivateLineFactory(line="8001")  # designated private after the call was scored
        self.client.force_login(self.trainer)
        response = self.client.post(mark_url(evaluation), FORM)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(LibraryCall.objects.filter(call=call).exists())

    def test_a_call_with_neither_recording_nor_transcript_is_refused_one_with_a_transcript_is_marked(self):
        bare = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        self.client.force_login(self.trainer)
        self.assertEqual(self.client.post(mark_url(make_evaluation(call=bare, by=self.qa)), FORM).status_code, 403)
        read = f.CallFactory(agent=self.agent, line_of_business=self.lob, transcript=[{"start": 1, "text": "Hello"}])
        response = self.client.post(mark_url(make_evaluation(call=read, by=self.qa)), FORM)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(LibraryCall.objects.filter(call=read).exists())

    # --- curation and reading --------------------------------------------------------------------

    def test_agents_see_only_curated_entries_without_another_agents_name(self):
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.get(entry_url(self.entry)).status_code, 404)
        self.curate()
        page = self.client.get(entry_url(self.entry))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "The greeting names the company")
        self.assertNotContains(page, self.agent.name)
        listing = self.client.get("/coaching/library/")
        self.assertContains(listing, "A model greeting")
        self.assertNotContains(listing, "Talk-over")  # pending

    def test_a_trainer_curates_and_a_qa_auditor_may_not(self):
        self.client.force_login(self.qa)
        self.assertEqual(self.client.post(entry_url(self.entry, "curate"), {"curated": "1"}).status_code, 403)
        self.client.force_login(self.trainer)
        self.assertRedirects(self.client.post(entry_url(self.entry, "curate"), {"curated": "1"}), entry_url(self.entry))
        self.entry.refresh_from_db()
        self.assertTrue(self.entry.curated)
        self.assertEqual(self.entry.curated_by, self.trainer)

    def test_hr_is_refused_the_library(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get("/coaching/library/").status_code, 403)
        self.assertEqual(self.client.get(entry_url(self.entry)).status_code, 403)

    def test_the_list_filters_by_kind_category_criterion_and_status(self):
        self.client.force_login(self.trainer)
        page = self.client.get("/coaching/library/", {"criterion": "greet"})
        self.assertEqual([e.pk for e in page.context["entries"]], [self.entry.pk])
        page = self.client.get("/coaching/library/", {"kind": "cautionary", "status": "pending"})
        self.assertEqual([e.pk for e in page.context["entries"]], [self.other_entry.pk])
        self.assertEqual(self.client.get("/coaching/library/", {"kind": "nonsense"}).status_code, 400)

    def test_the_list_costs_the_same_queries_for_one_entry_or_many(self):
        self.client.force_login(self.trainer)
        with self.assertNumQueries(self._queries()):
            self.client.get("/coaching/library/")
        for i in range(5):
            call = f.CallFactory(
                agent=self.other_agent, line_of_business=self.lob, transcript=[{"start": 0, "text": "x"}]
            )
            services.library_mark(
                by=self.qa, evaluation=make_evaluation(call=call, by=self.qa), kind="exemplary", title=f"T{i}", note="n"
            )
        with self.assertNumQueries(self._queries()):
            self.client.get("/coaching/library/")

    def _queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get("/coaching/library/")
        return len(ctx.captured_queries)

    # --- listening -------------------------------------------------------------------------------

    def test_an_agent_listens_to_a_curated_call_of_another_agent_with_range_and_it_is_logged(self):
        self.curate()
        self.client.force_login(self.other_agent_user)
        response = self.client.get(recording_url(self.entry), HTTP_RANGE="bytes=0-99")
        self.assertEqual(response.status_code, 206)
        self.assertEqual(b"".join(response.streaming_content), WAV[:100])
        self.assertTrue(ListenLog.objects.filter(call=self.call, user=self.other_agent_user).exists())
        # …and still not through the call's own recording view.
        self.assertEqual(self.client.get(f"/calls/{self.call.pk}/recording").status_code, 404)

    def test_an_uncurated_entry_is_not_heard_by_an_agent(self):
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.get(recording_url(self.entry), HTTP_RANGE="bytes=0-99").status_code, 404)
        self.assertFalse(ListenLog.objects.filter(user=self.other_agent_user).exists())

    def test_the_entry_page_starts_the_player_at_the_moment(self):
        self.curate()
        self.client.force_login(self.other_agent_user)
        page = self.client.get(entry_url(self.entry))
        self.assertContains(page, f'src="{recording_url(self.entry)}#t=12"')
        self.assertContains(page, 'data-t="12"')
        self.assertNotContains(page, "<script>")

    # --- the API ---------------------------------------------------------------------------------

    def test_the_api_marks_and_a_duplicate_is_a_409(self):
        api = self.api(self.trainer)
        body = {"evaluation": self.evaluation.pk, "kind": "cautionary", "title": "Hold", "note": "Too long on hold."}
        response = api.post("/api/v1/library-calls/", {**body, "time_offset": 30}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["moment"], "0:30")
        again = api.post("/api/v1/library-calls/", body, format="json")
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json()["existing_entry"]["id"], response.json()["id"])

    def test_the_api_refuses_a_criterion_of_another_scorecard_with_400(self):
        other = f.LineOfBusinessFactory(code="sales")
        from tests.scoring.factories import criteria, make_scorecard_version

        foreign = criteria(make_scorecard_version(lines_of_business=other, name="Sales QA"))["greeting"]
        body = {
            "evaluation": self.evaluation.pk,
            "kind": "cautionary",
            "title": "x",
            "note": "y",
            "criterion": foreign.pk,
        }
        response = self.api(self.trainer).post("/api/v1/library-calls/", body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("criterion", response.json())

    def test_the_api_curates_for_trainers_and_refuses_agents_and_hr(self):
        self.assertEqual(self.api(self.hr).get("/api/v1/library-calls/").status_code, 403)
        self.curate()
        agent_api = self.api(self.other_agent_user)
        listing = agent_api.get("/api/v1/library-calls/").json()
        self.assertEqual([row["id"] for row in listing["results"]], [self.entry.pk])
        self.assertIsNone(listing["results"][0]["agent"])
        self.assertEqual(
            agent_api.patch(f"/api/v1/library-calls/{self.entry.pk}/", {"curated": False}).status_code, 403
        )
        self.assertEqual(agent_api.get(f"/api/v1/library-calls/{self.other_entry.pk}/").status_code, 404)
        response = self.api(self.trainer).patch(
            f"/api/v1/library-calls/{self.other_entry.pk}/", {"curated": True, "category": "etiquette"}, format="json"
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["curated"])
        self.assertEqual(response.json()["category"], "etiquette")

    def test_the_api_deletes_for_curators(self):
        self.assertEqual(
            self.api(self.supervisor).delete(f"/api/v1/library-calls/{self.other_entry.pk}/").status_code, 404
        )
        self.assertEqual(
            self.api(self.trainer).delete(f"/api/v1/library-calls/{self.other_entry.pk}/").status_code, 204
        )
        self.assertFalse(LibraryCall.objects.filter(pk=self.other_entry.pk).exists())

    def test_the_mark_and_edit_pages_render_for_a_curator(self):
        self.client.force_login(self.trainer)
        self.assertContains(self.client.get(mark_url(self.other_evaluation)), "Mark for the library")
        page = self.client.get(entry_url(self.entry, "edit"))
        self.assertContains(page, 'value="0:12"')
        response = self.client.post(entry_url(self.entry, "edit"), {**FORM, "criterion": "", "time_offset": "20"})
        self.assertRedirects(response, entry_url(self.entry))
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.time_offset, self.entry.criterion_text), (20.0, ""))
