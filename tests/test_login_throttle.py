"""Login throttling (qa_platform/security.py, django-axes with its database handler): 50 wrong
passwords for a username, or from one address, and the next attempt is refused — even with the
right password — on the login form and on the token endpoint alike, until the cool-off has
passed (time travel) or an administrator releases the login. Never a 500."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from qa_platform.security import client_ip
from tests import factories as f

LIMIT = 50  # the default LOGIN_FAILURE_LIMIT
COOL_OFF = dt.timedelta(minutes=30)  # the default LOGIN_COOLOFF_MINUTES
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LOCKED = "Too many failed login attempts (50)"


class ThrottleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = f.UserFactory(username="agent", roles=["agent"])  # password "pw"
        cls.other = f.UserFactory(username="qa", roles=["qa"])

    def form_login(self, username="agent", password="pw", ip="10.0.0.1"):
        return self.client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def token_login(self, username="agent", password="pw", ip="10.0.0.1"):
        return self.client.post(TOKEN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def fail(self, times, login, **kwargs):
        for _ in range(times):
            response = login(password="wrong", **kwargs)
        return response

    def assertLoggedIn(self):
        self.assertEqual(self.client.session.get("_auth_user_id"), str(self.user.pk))

    def assertNotLoggedIn(self):
        self.assertNotIn("_auth_user_id", self.client.session)

    def assertLockoutPage(self, response):
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Login paused", status_code=403)
        self.assertContains(response, LOCKED, status_code=403)
        self.assertContains(response, "30 minutes", status_code=403)

    def assertLockoutJson(self, response):
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(list(response.json()), ["detail"])
        self.assertIn(LOCKED, response.json()["detail"])


class LoginFormTests(ThrottleTestCase):
    def test_a_wrong_password_below_the_limit_is_the_usual_form_error(self):
        response = self.fail(LIMIT - 1, self.form_login)

        self.assertContains(response, "Your username and password didn")
        self.assertNotLoggedIn()

    def test_the_51st_attempt_is_refused_even_with_the_right_password(self):
        self.fail(LIMIT, self.form_login)

        response = self.form_login()

        self.assertLockoutPage(response)
        self.assertNotLoggedIn()

    def test_the_login_comes_back_after_the_cool_off_and_not_before(self):
        self.fail(LIMIT, self.form_login)
        start = timezone.now()

        with time_machine.travel(start + COOL_OFF - dt.timedelta(minutes=1)):
            self.assertLockoutPage(self.form_login())
        with time_machine.travel(start + COOL_OFF + dt.timedelta(seconds=5)):
            response = self.form_login()

        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertLoggedIn()

    def test_tries_during_the_lockout_do_not_prolong_it(self):
        self.fail(LIMIT, self.form_login)
        start = timezone.now()
        with time_machine.travel(start + dt.timedelta(minutes=20)):
            self.fail(5, self.form_login)

        with time_machine.travel(start + COOL_OFF + dt.timedelta(seconds=5)):
            response = self.form_login()

        self.assertEqual(response.status_code, 302)

    def test_an_administrator_releases_the_login_at_once(self):
        self.fail(LIMIT, self.form_login)

        call_command("axes_reset_username", "agent", verbosity=0)
        response = self.form_login()

        self.assertEqual(response.status_code, 302)
        self.assertLoggedIn()

    def test_the_lockout_is_logged_with_who_and_from_where(self):
        with self.assertLogs("qa_platform.security", "WARNING") as logs:
            self.fail(LIMIT, self.form_login)

        self.assertEqual(len(logs.output), 1)
        self.assertIn("username='agent'", logs.output[0])
        self.assertIn("ip=10.0.0.1", logs.output[0])
        self.assertIn(f"path={LOGIN}", logs.output[0])


class TokenEndpointTests(ThrottleTestCase):
    def test_a_wrong_password_below_the_limit_is_a_400(self):
        response = self.fail(LIMIT - 1, self.token_login)

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": ["Unable to log in with provided credentials."]})

    def test_the_51st_attempt_is_a_403_even_with_the_right_password(self):
        self.fail(LIMIT, self.token_login)

        response = self.token_login()

        self.assertLockoutJson(response)
        self.assertFalse(Token.objects.filter(user=self.user).exists())

    def test_a_token_is_issued_again_after_the_cool_off(self):
        self.fail(LIMIT, self.token_login)
        start = timezone.now()

        with time_machine.travel(start + COOL_OFF - dt.timedelta(minutes=1)):
            self.assertLockoutJson(self.token_login())
        with time_machine.travel(start + COOL_OFF + dt.timedelta(seconds=5)):
            response = self.token_login()

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"token": Token.objects.get(user=self.user).key})

    def test_the_form_and_the_token_endpoint_share_one_count(self):
        self.fail(LIMIT // 2, self.form_login)
        self.fail(LIMIT - LIMIT // 2, self.token_login)

        self.assertLockoutJson(self.token_login())
        self.assertLockoutPage(self.form_login())


class WhatIsCountedTests(ThrottleTestCase):
    def test_a_username_is_locked_whichever_addresses_the_guesses_came_from(self):
        for n in range(LIMIT):
            self.form_login(password="wrong", ip=f"10.1.0.{n}")

        self.assertLockoutPage(self.form_login(ip="10.9.9.9"))
        # Someone else from one of those addresses is not affected.
        self.client.post(LOGIN, {"username": "qa", "password": "pw"}, REMOTE_ADDR="10.1.0.3")
        self.assertEqual(self.client.session.get("_auth_user_id"), str(self.other.pk))

    def test_an_address_is_locked_whichever_usernames_it_tried(self):
        for n in range(LIMIT):
            self.form_login(username=f"guess{n}", password="wrong", ip="10.2.0.1")

        self.assertLockoutPage(self.form_login(ip="10.2.0.1"))
        self.assertNotLoggedIn()
        # The same person from another address gets in.
        self.assertEqual(self.form_login(ip="10.2.0.2").status_code, 302)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_is_counted(self):
        for n in range(LIMIT):
            self.client.post(
                LOGIN,
                {"username": f"guess{n}", "password": "wrong"},
                REMOTE_ADDR="172.18.0.2",  # the proxy
                HTTP_X_FORWARDED_FOR="10.3.0.1",
            )

        self.assertEqual(AccessAttempt.objects.filter(ip_address="10.3.0.1").count(), LIMIT)
        # Another client behind the same proxy is not locked out.
        response = self.client.post(
            LOGIN, {"username": "agent", "password": "pw"}, REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="10.3.0.2"
        )
        self.assertEqual(response.status_code, 302)


class ClientAddressTests(SimpleTestCase):
    def request(self, **meta):
        return RequestFactory().post(LOGIN, REMOTE_ADDR="172.18.0.2", **meta)

    def test_without_proxies_the_forwarded_header_is_ignored(self):
        self.assertEqual(client_ip(self.request(HTTP_X_FORWARDED_FOR="1.2.3.4")), "172.18.0.2")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_an_address_the_client_wrote_in_front_is_not_trusted(self):
        request = self.request(HTTP_X_FORWARDED_FOR="6.6.6.6, 10.3.0.1")

        self.assertEqual(client_ip(request), "10.3.0.1")

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_with_two_proxies_the_address_the_outer_one_saw_counts(self):
        request = self.request(HTTP_X_FORWARDED_FOR="6.6.6.6, 10.3.0.1, 172.18.0.9")

        self.assertEqual(client_ip(request), "10.3.0.1")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_a_request_that_bypassed_the_proxy_counts_by_its_own_address(self):
        self.assertEqual(client_ip(self.request()), "172.18.0.2")
