"""The OpenAPI schema and the docs page need a logged-in user, unless API_DOCS_PUBLIC opens them
(qa_platform/security.py ApiDocsPermission, qa_platform/api_docs.py)."""

from __future__ import annotations

from django.test import TestCase, override_settings
from rest_framework.authtoken.models import Token

from tests import factories as f


class ApiDocsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = f.UserFactory(username="agent", roles=["agent"])
        cls.token = Token.objects.create(user=cls.user)

    def test_the_schema_is_refused_to_an_anonymous_client(self):
        response = self.client.get("/api/schema/", {"format": "json"})

        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "Authentication credentials were not provided."})

    def test_the_docs_page_sends_an_anonymous_visitor_to_the_login_page(self):
        response = self.client.get("/api/docs/")

        self.assertRedirects(response, "/accounts/login/?next=/api/docs/")

    def test_a_logged_in_user_reads_the_schema_and_the_docs(self):
        self.client.force_login(self.user)

        schema = self.client.get("/api/schema/", {"format": "json"})
        docs = self.client.get("/api/docs/")

        self.assertEqual(schema.status_code, 200)
        self.assertIn("/api/v1/auth/token/", schema.json()["paths"])
        self.assertContains(docs, 'id="swagger-ui"')
        self.assertNotContains(docs, "<style")

    def test_a_token_reads_the_schema(self):
        response = self.client.get("/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION=f"Token {self.token.key}")

        self.assertEqual(response.status_code, 200)

    def test_the_docs_start_up_script_is_a_file_not_inline(self):
        self.client.force_login(self.user)

        page = self.client.get("/api/docs/").content.decode()
        script = self.client.get("/api/docs/", {"script": ""})

        self.assertIn('<script src="/api/docs/?script="></script>', page)
        self.assertEqual(script.status_code, 200)
        self.assertEqual(script["Content-Type"], "application/javascript")
        self.assertIn("/api/schema/", script.content.decode())

    @override_settings(API_DOCS_PUBLIC=True)
    def test_the_setting_opens_both_to_anyone(self):
        self.assertEqual(self.client.get("/api/schema/", {"format": "json"}).status_code, 200)
        self.assertContains(self.client.get("/api/docs/"), 'id="swagger-ui"')
