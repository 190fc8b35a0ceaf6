"""The personas and a plan of the coaching plan tests (no tests here): the scoring personas, an
evaluation of the agent that lost points on Closing and Empathy (the worked example), and
helpers to create a plan through the service and to call the pages and the API."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from coaching.services import plans as services
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation


class PlanPersonas(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = make_evaluation(call=cls.call, by=cls.qa, version=cls.version)
        cls.refund_call = f.CallFactory(
            agent=cls.agent, line_of_business=cls.lob, external_id="A-2", service_type="refund"
        )
        cls.other_evaluation = make_evaluation(call=cls.other_call, by=cls.qa, version=cls.version)

    @staticmethod
    def in_days(n: int) -> dt.date:
        return timezone.localdate() + dt.timedelta(days=n)

    def goal(self, key: str = "closing", **kw) -> services.GoalInput:
        values = {
            "scope": "criterion",
            "criterion": self.criteria[key],
            "target": 90,
            "deadline": self.in_days(30),
            "service_types": ["refund"],
        }
        return services.GoalInput(**{**values, **kw})

    def make_plan(self, *, by=None, owner=None, agent=None, goals=None, **kw):
        return services.create_plan(
            by=by or self.trainer,
            agent=agent or self.agent,
            owner=owner or self.trainer,
            title=kw.pop("title", "Closing the call"),
            goals=goals or [self.goal()],
            evaluations=kw.pop("evaluations", [self.evaluation]),
            **kw,
        )

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def page(self, user):
        self.client.force_login(user)
        return self.client
