"""Every e-mail the product sends carries only absolute links, on SITE_URL, that open the page
meant for the person mailed (qa_platform/links.py): a mail client cannot open "/evaluations/1126/".

Each sender is triggered through its own service with the locmem mail backend. The list of
senders is checked against the source, so a new e-mail cannot skip this test."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from django.core import mail
from django.test import SimpleTestCase, override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from coaching.models import DevelopmentReview
from coaching.services import plans as plan_services
from coaching.services import reviews as review_services
from monitoring.models import Assignment
from planning.services.assignments import assignments_overdue_remind
from qa_platform.links import absolute_url
from scoring import services
from scoring.models import Evaluation
from tests import factories as f
from tests.coaching.factories import make_plan
from tests.scoring.factories import ScoringPersonas, make_evaluation

ROOT = Path(__file__).resolve().parent.parent
APPS = ["qa_platform", "monitoring", "scoring", "coaching", "planning", "reports"]
MAIL_API = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage", "EmailMultiAlternatives"}
# Each module that sends e-mail, and the test below that sends it.
SENDERS = {
    "scoring/services/reminders.py": "test_feedback_reminders_link_the_evaluation_on_the_site",
    "planning/services/assignments.py": "test_overdue_reminders_link_the_work_queue_on_the_site",
    "coaching/services/plans.py": "test_overdue_plans_link_the_plan_on_the_site",
    "coaching/services/reviews.py": "test_review_reminders_link_the_review_on_the_site",
}
SITE = "https://qa.example.com"
ABSOLUTE = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<>\"')]+", re.IGNORECASE)
# A path not preceded by a scheme and host: at the start of a word, or in an href/src.
RELATIVE = re.compile(r"(?<!\S)/[\w./?=&%#-]*|(?:href|src)=[\"']?(?!\w+://)[^\s\"'>]+")


def mail_senders() -> set[str]:
    """Modules (outside migrations) that import Django's mail API."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
                    if {alias.name for alias in node.names} & MAIL_API:
                        found.add(str(path.relative_to(ROOT)))
                elif isinstance(node, ast.Import) and any(a.name.startswith("django.core.mail") for a in node.names):
                    found.add(str(path.relative_to(ROOT)))
    return found


def texts(message) -> list[str]:
    return [message.subject, message.body, *(content for content, _type in getattr(message, "alternatives", []))]


@override_settings(SITE_URL=SITE)
class EmailLinkTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.qa, cls.qa2, cls.supervisor, cls.other_supervisor):
            user.email = f"{user.username}@example.com"
            user.save(update_fields=["email"])

    def links(self, message) -> list[str]:
        """The message's links, after checking that each is absolute, on SITE_URL, and that no
        relative link is left."""
        found = []
        for text in texts(message):
            self.assertEqual(RELATIVE.findall(text), [], f"a relative link in: {text!r}")
            for link in ABSOLUTE.findall(text):
                self.assertTrue(link.startswith(SITE + "/"), f"{link} is not on SITE_URL {SITE}")
                found.append(link)
        self.assertTrue(found, f"no link in: {message.body!r}")
        return found

    def assertOpensFor(self, link: str, view_name: str, usernames: list[str]) -> None:
        path = link.removeprefix(SITE)
        self.assertEqual(resolve(path.split("?", 1)[0]).url_name, view_name)
        for username in usernames:
            self.client.force_login(get_user(username))
            self.assertEqual(self.client.get(path).status_code, 200, f"{link} for {username}")

    def test_every_module_that_sends_mail_is_covered_here(self):
        self.assertEqual(mail_senders(), set(SENDERS))
        for name in SENDERS.values():
            self.assertTrue(callable(getattr(self, name, None)), name)

    def test_feedback_reminders_link_the_evaluation_on_the_site(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        Evaluation.objects.filter(pk=evaluation.pk).update(feedback_due_at=timezone.now() - dt.timedelta(hours=1))

        self.assertEqual(services.feedback_reminders_send(), 1)

        [message] = mail.outbox
        self.assertEqual(message.to, ["qa@example.com", "supervisor@example.com"])
        [link] = self.links(message)
        self.assertEqual(link, f"{SITE}/evaluations/{evaluation.pk}/")
        self.assertOpensFor(link, "evaluation-detail", ["qa", "supervisor"])

    def test_overdue_reminders_link_the_work_queue_on_the_site(self):
        late = timezone.now() - dt.timedelta(hours=3)
        f.AssignmentFactory(call=self.call, evaluator=self.qa, due_at=late)
        f.AssignmentFactory(call=self.other_call, evaluator=self.qa2, due_at=late)

        self.assertEqual(assignments_overdue_remind(), 2)

        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["qa2@example.com", "qa@example.com"])
        for message in mail.outbox:
            with self.subTest(message.to[0]):
                [link] = self.links(message)
                self.assertEqual(link, f"{SITE}/queue/")
                self.assertOpensFor(link, "work-queue", [message.to[0].split("@")[0]])
        self.assertEqual(Assignment.objects.filter(overdue_reminded_at__isnull=True).count(), 0)

    def test_overdue_plans_link_the_plan_on_the_site(self):
        plan = make_plan(agent=self.agent, owner=self.supervisor, deadline=dt.date.today() - dt.timedelta(days=1))

        self.assertEqual(plan_services.mark_overdue_plans(), 1)

        [message] = mail.outbox
        self.assertEqual(message.to, ["supervisor@example.com"])
        [link] = self.links(message)
        self.assertEqual(link, f"{SITE}/coaching/plans/{plan.pk}/")
        self.assertOpensFor(link, "coaching-plan-detail", ["supervisor"])

    def test_review_reminders_link_the_review_on_the_site(self):
        today = dt.date.today()
        review = DevelopmentReview.objects.create(
            agent=self.agent,
            period=f"{today.year}-H{1 if today.month <= 6 else 2}",
            reviewer=self.supervisor,
            due_on=today + dt.timedelta(days=2),
        )

        self.assertEqual(review_services.review_reminders_send(), 1)

        [message] = mail.outbox
        self.assertEqual(message.to, ["supervisor@example.com"])
        [link] = self.links(message)
        self.assertEqual(link, f"{SITE}/coaching/reviews/{review.pk}/")
        self.assertOpensFor(link, "coaching-review-detail", ["supervisor"])

    @override_settings(SITE_URL="http://127.0.0.1:8000")
    def test_links_follow_the_configured_site_url(self):
        """The local default too: whatever SITE_URL says, the links start with it."""
        f.AssignmentFactory(call=self.call, evaluator=self.qa, due_at=timezone.now() - dt.timedelta(hours=3))

        assignments_overdue_remind()

        [message] = mail.outbox
        self.assertIn("Open your work queue: http://127.0.0.1:8000" + reverse("work-queue"), message.body)


def get_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


class AbsoluteUrlTests(SimpleTestCase):
    @override_settings(SITE_URL="https://qa.example.com")
    def test_a_path_is_put_on_the_site_url(self):
        self.assertEqual(
            absolute_url("/evaluations/7/?tab=history"), "https://qa.example.com/evaluations/7/?tab=history"
        )

    def test_anything_but_a_path_on_this_site_is_refused(self):
        for value in ("evaluations/7/", "//elsewhere.example/x", "https://elsewhere.example/"):
            with self.subTest(value), self.assertRaises(ValueError):
                absolute_url(value)
