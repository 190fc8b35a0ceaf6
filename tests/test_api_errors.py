"""One error path (qa_platform/errors.py): a service's refusal reaches the API client as 400
{field: [reason]}, 403 or 409 — through real endpoints of each app — and `api_exception_handler`
and `page_errors` themselves map each kind of refusal once."""

from __future__ import annotations

import copy

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory, SimpleTestCase, TestCase

from monitoring.models import LineOfBusiness
from planning.models import QuotaPolicy
from qa_platform.errors import IllegalTransition, api_exception_handler, is_lost_race, page_errors
from scoring import services as scoring_services
from scoring.models import ScorecardVersion
from tests import factories as f
from tests.scoring.factories import WORKED_EXAMPLE, ScoringPersonas, make_evaluation

SHARES = "The QA, supervisor and trainer shares must add up to 100 %."


class ServiceErrorsThroughTheApiTests(ScoringPersonas):
    # --- planning ---------------------------------------------------------------------------------

    def test_quota_policy_shares_not_adding_to_100_are_a_400_on_share_qa(self):
        policy = QuotaPolicy.objects.get(line_of_business__isnull=True)
        before = policy.share_qa

        response = self.api(self.manager).patch(f"/api/v1/quota-policies/{policy.pk}/", {"share_qa": 50}, format="json")

        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json(), {"share_qa": [SHARES]})
        policy.refresh_from_db()
        self.assertEqual(policy.share_qa, before)

    def test_reassigning_to_someone_who_cannot_take_the_call_is_a_400_on_to(self):
        work = f.AssignmentFactory(call=self.call, evaluator=self.qa)

        response = self.api(self.manager).post(f"/api/v1/assignments/{work.pk}/reassign/", {"to": "hr"}, format="json")

        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json(), {"to": ["hr is not QA, a trainer, or a supervisor of this agent's team."]})
        work.refresh_from_db()
        self.assertEqual(work.evaluator, self.qa)

    def test_reassigning_someone_elses_teams_work_is_a_403_with_the_reason(self):
        work = f.AssignmentFactory(call=self.call, evaluator=self.qa)

        response = self.api(self.other_supervisor).post(
            f"/api/v1/assignments/{work.pk}/reassign/", {"to": "qa2"}, format="json"
        )

        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "You may only reassign work on your own teams' calls."})

    # --- evaluations ------------------------------------------------------------------------------

    def test_a_dispute_with_an_empty_reason_is_a_400_on_reason(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)

        response = self.api(self.agent_user).post(self.url(evaluation, "dispute"), {"reason": ""}, format="json")

        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json(), {"reason": ["Say why you dispute this score (at least 10 characters)."]})
        self.assertFalse(evaluation.disputes.exists())

    def test_submitting_with_unanswered_criteria_is_a_409_naming_each_criterion(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, values={"greeting": 1}, submit=False)

        response = self.api(self.qa).post(self.url(evaluation, "submit"), {}, format="json")

        self.assertEqual(response.status_code, 409, response.content)
        body = response.json()
        self.assertEqual(body[f"criterion.{self.cid('closing')}"], ["'Closing' is not answered."])
        self.assertEqual(len(body), 6)  # every criterion but the greeting, and the detail
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, "in_progress")

    def test_a_step_the_state_does_not_allow_is_a_409(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        agent = self.api(self.agent_user)
        self.assertEqual(agent.post(self.url(evaluation, "acknowledge")).status_code, 200)

        again = agent.post(self.url(evaluation, "acknowledge"))

        self.assertEqual(again.status_code, 409)
        self.assertIn("detail", again.json())

    # --- scorecard versions -----------------------------------------------------------------------

    def test_publishing_a_draft_whose_weights_do_not_add_up_is_a_409_on_sections(self):
        structure = copy.deepcopy(WORKED_EXAMPLE)
        structure["sections"][2]["weight"] = 30  # 30 + 30 + 30
        scorecard = scoring_services.scorecard_create(name="Unbalanced", by=self.qa)
        draft = scorecard.versions.get()
        scoring_services.scorecard_draft_save(version=draft, structure=structure, by=self.qa)

        response = self.api(self.qa).post(f"/api/v1/scorecard-versions/{draft.pk}/publish/")

        self.assertEqual(response.status_code, 409, response.content)
        self.assertEqual(response.json()["sections"], ["Section weights add up to 90; they must add up to 100."])
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")

    def test_publishing_an_empty_draft_is_a_409_on_sections(self):
        draft = scoring_services.scorecard_create(name="Empty", by=self.qa).versions.get()

        response = self.api(self.qa).post(f"/api/v1/scorecard-versions/{draft.pk}/publish/")

        self.assertEqual(response.status_code, 409, response.content)
        self.assertEqual(response.json()["sections"], ["Add at least one section."])

    def test_publishing_a_published_version_is_a_409(self):
        response = self.api(self.qa).post(f"/api/v1/scorecard-versions/{self.version.pk}/publish/")

        self.assertEqual(response.status_code, 409, response.content)
        self.assertEqual(response.json(), {"detail": "Only a draft can be published."})
        self.assertEqual(ScorecardVersion.objects.get(pk=self.version.pk).status, "published")


class ApiExceptionHandlerTests(SimpleTestCase):
    """The handler alone, with the context DRF gives it (the view and the request)."""

    def handle(self, exc):
        context = {"view": object(), "args": (), "kwargs": {}, "request": RequestFactory().post("/api/v1/x/")}
        return api_exception_handler(exc, context)

    def test_a_validation_error_with_fields_is_a_400_with_those_fields(self):
        response = self.handle(ValidationError({"x": ["bad"]}))
        self.assertEqual((response.status_code, response.data), (400, {"x": ["bad"]}))

    def test_a_validation_error_with_several_fields_keeps_each(self):
        response = self.handle(ValidationError({"x": ["bad"], "y": ["worse", "worst"]}))
        self.assertEqual((response.status_code, response.data), (400, {"x": ["bad"], "y": ["worse", "worst"]}))

    def test_a_validation_error_without_a_field_is_a_400_under_non_field_errors(self):
        response = self.handle(ValidationError("bad"))
        self.assertEqual((response.status_code, response.data), (400, {"non_field_errors": ["bad"]}))

    def test_djangos_all_key_is_filed_under_non_field_errors(self):
        response = self.handle(ValidationError({"__all__": ["bad"]}))
        self.assertEqual((response.status_code, response.data), (400, {"non_field_errors": ["bad"]}))

    def test_an_illegal_transition_is_a_409_with_its_message(self):
        response = self.handle(IllegalTransition("no"))
        self.assertEqual((response.status_code, response.data), (409, {"detail": "no"}))

    def test_a_lost_race_on_a_unique_constraint_is_a_409(self):
        response = self.handle(IntegrityError("UNIQUE constraint failed"))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.data, {"detail": "This changed in the meantime; look again and retry."})

    def test_other_integrity_errors_are_bugs_and_stay_500s(self):
        self.assertIsNone(self.handle(IntegrityError("NOT NULL constraint failed: monitoring_call.agent_id")))

    def test_permission_denied_is_a_403_with_its_message(self):
        response = self.handle(PermissionDenied("not yours"))
        self.assertEqual((response.status_code, response.data), (403, {"detail": "not yours"}))

    def test_anything_else_is_left_to_django(self):
        self.assertIsNone(self.handle(RuntimeError("boom")))


class LostRaceTests(TestCase):
    def test_a_real_unique_violation_is_recognised_on_this_database(self):
        LineOfBusiness.objects.create(code="dup", name="One")
        with self.assertRaises(IntegrityError) as caught, transaction.atomic():
            LineOfBusiness.objects.create(code="dup", name="Two")
        self.assertTrue(is_lost_race(caught.exception))


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


class PageErrorsTests(SimpleTestCase):
    def setUp(self):
        self.request = RequestFactory().post("/somewhere/")
        self.request._messages = CookieStorage(self.request)

    def messages(self) -> list[str]:
        return [str(m) for m in get_messages(self.request)]

    def test_a_validation_error_on_a_form_field_goes_under_that_field(self):
        form = ReasonForm(data={"reason": "no"})
        self.assertTrue(form.is_valid())
        with page_errors(self.request, form=form) as outcome:
            raise ValidationError({"reason": "Say why (at least 10 characters)."})
        self.assertEqual(outcome.status, 400)
        self.assertTrue(outcome.failed)
        self.assertEqual(form.errors, {"reason": ["Say why (at least 10 characters)."]})
        self.assertEqual(self.messages(), [])

    def test_a_reason_for_a_field_the_form_does_not_have_becomes_a_message(self):
        form = ReasonForm(data={"reason": "no"})
        form.is_valid()
        with page_errors(self.request, form=form) as outcome:
            raise ValidationError({"answers": "Answer every criterion."})
        self.assertEqual(outcome.status, 400)
        self.assertEqual(form.errors, {})
        self.assertEqual(self.messages(), ["Answer every criterion."])

    def test_a_form_not_yet_validated_gets_the_reason_as_a_message_not_a_500(self):
        form = ReasonForm()
        with page_errors(self.request, form=form) as outcome:
            raise ValidationError({"reason": "Say why."})
        self.assertEqual(outcome.status, 400)
        self.assertEqual(self.messages(), ["Say why."])

    def test_a_named_field_without_a_form_is_kept_in_the_outcome(self):
        with page_errors(self.request, fields=("to",)) as outcome:
            raise ValidationError({"to": "Nobody evaluates their own calls."})
        self.assertEqual(outcome.status, 400)
        self.assertEqual(outcome.field_errors, {"to": ["Nobody evaluates their own calls."]})
        self.assertEqual(self.messages(), [])

    def test_permission_denied_is_a_403_with_a_message(self):
        with page_errors(self.request) as outcome:
            raise PermissionDenied("Only the evaluated agent acknowledges.")
        self.assertEqual(outcome.status, 403)
        self.assertEqual(self.messages(), ["Only the evaluated agent acknowledges."])

    def test_permission_denied_without_a_reason_still_says_something(self):
        with page_errors(self.request) as outcome:
            raise PermissionDenied
        self.assertEqual(outcome.status, 403)
        self.assertEqual(self.messages(), ["You may not do this."])

    def test_an_illegal_transition_and_a_lost_race_are_409_with_a_message(self):
        with page_errors(self.request) as illegal:
            raise IllegalTransition("Only delivered feedback can be acknowledged.")
        with page_errors(self.request) as race:
            raise IntegrityError("UNIQUE constraint failed")
        self.assertEqual((illegal.status, race.status), (409, 409))
        self.assertEqual(
            self.messages(),
            ["Only delivered feedback can be acknowledged.", "This changed in the meantime; look again and retry."],
        )

    def test_flash_false_keeps_the_reasons_in_the_outcome_only(self):
        with page_errors(self.request, flash=False) as outcome:
            raise PermissionDenied("not yours")
        self.assertEqual((outcome.status, outcome.reasons, self.messages()), (403, ["not yours"], []))

    def test_a_service_that_succeeds_leaves_no_status_and_no_message(self):
        with page_errors(self.request) as outcome:
            pass
        self.assertFalse(outcome.failed)
        self.assertIsNone(outcome.status)
        self.assertEqual(self.messages(), [])

    def test_other_exceptions_are_not_swallowed(self):
        with self.assertRaises(RuntimeError), page_errors(self.request):
            raise RuntimeError("boom")
