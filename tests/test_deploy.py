"""Production settings come from the environment (qa_platform/settings.py): with the documented
production environment, production.env.example, `manage.py check --deploy` is clean; the web
service of docker-compose.yml sets the same HTTPS values; the README lists every variable; and
behind the TLS proxy those settings do what they say (redirect, HSTS, secure cookies, CSP)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml
from django.test import SimpleTestCase, TestCase, override_settings

from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "production.env.example"
HTTPS_VARIABLES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "TRUSTED_PROXY_COUNT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]
# What the production environment turns into, read back from the settings module it configured.
SHOW_SETTINGS = """
import json, django
from django.conf import settings
from django.core.management import call_command
django.setup()
call_command("check", deploy=True, fail_level="WARNING")
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY_COUNT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "ALLOWED_HOSTS", "AXES_FAILURE_LIMIT", "API_DOCS_PUBLIC", "SITE_URL"]
print("SETTINGS " + json.dumps({name: getattr(settings, name) for name in names}))
"""


def production_env() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def run_with(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    # Only the documented variables (and what Python needs to start): nothing from this
    # machine's environment, such as the test run's own DJANGO_SETTINGS_MODULE.
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "qa_platform.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionEnvironmentTests(SimpleTestCase):
    def test_check_deploy_is_clean_with_the_documented_production_environment(self):
        env = production_env()
        self.assertEqual(env["SECRET_KEY"], "", "the example must not ship a key anyone could copy")
        env["SECRET_KEY"] = secrets.token_urlsafe(50)  # what the README tells the operator to do

        result = run_with(env, SHOW_SETTINGS)

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("System check identified no issues", result.stdout + result.stderr)
        shown = json.loads(result.stdout.split("SETTINGS ", 1)[1])
        self.assertEqual(
            shown,
            {
                "DEBUG": False,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "TRUSTED_PROXY_COUNT": 1,
                "SECURE_HSTS_SECONDS": 31536000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": True,
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "ALLOWED_HOSTS": ["qa.example.com"],
                "AXES_FAILURE_LIMIT": 50,
                "API_DOCS_PUBLIC": False,
                "SITE_URL": "https://qa.example.com",
            },
        )

    def test_check_deploy_fails_while_site_url_is_left_at_the_local_default(self):
        env = {key: value for key, value in production_env().items() if key != "SITE_URL"}
        env["SECRET_KEY"] = secrets.token_urlsafe(50)

        result = run_with(env, SHOW_SETTINGS)

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("qa_platform.W001", result.stderr)  # links would point at 127.0.0.1
        self.assertIn("qa_platform.W002", result.stderr)  # plain http behind the https redirect

    def test_the_production_environment_refuses_to_start_without_a_secret_key(self):
        result = run_with(production_env(), SHOW_SETTINGS)  # SECRET_KEY left empty, as shipped

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY must be set", result.stderr)

    def test_a_malformed_proxy_header_is_refused_at_start(self):
        result = run_with({"SECURE_PROXY_SSL_HEADER": "https"}, "import qa_platform.settings")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECURE_PROXY_SSL_HEADER must be a header and its value", result.stderr)

    def test_a_malformed_site_url_is_refused_at_start(self):
        for value in ("qa.example.com", "https://qa.example.com/qa/", "ftp://qa.example.com", "https://"):
            with self.subTest(value):
                result = run_with({"SITE_URL": value}, "import qa_platform.settings")

                self.assertNotEqual(result.returncode, 0)
                self.assertIn("SITE_URL must be http(s)://host[:port] with no path", result.stderr)

    def test_a_trailing_slash_on_site_url_is_dropped(self):
        code = "import qa_platform.settings as s; print('SITE_URL ' + s.SITE_URL)"
        result = run_with({"SITE_URL": "https://qa.example.com:8443/"}, code)

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("SITE_URL https://qa.example.com:8443\n", result.stdout)

    def test_a_misspelled_lockout_parameter_is_refused_at_start(self):
        result = run_with({"LOGIN_LOCKOUT_PARAMETERS": "usernme"}, "import qa_platform.settings")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LOGIN_LOCKOUT_PARAMETERS", result.stderr)

    def test_docker_compose_runs_the_web_service_with_the_production_https_values(self):
        env = production_env()
        web = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["web"]

        for name in HTTPS_VARIABLES:
            with self.subTest(name):
                self.assertEqual(web["environment"].get(name), f"${{{name}:-{env[name]}}}")

    def test_the_readme_documents_every_production_variable(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        section = readme.split("## Production settings", 1)[1].split("\n## ", 1)[0]
        names = set(production_env()) | {
            "CSP_REPORT_ONLY",
            "CSP_REPORT_URI",
            "LOGIN_FAILURE_LIMIT",
            "LOGIN_COOLOFF_MINUTES",
            "LOGIN_LOCKOUT_PARAMETERS",
            "API_DOCS_PUBLIC",
        }

        for name in sorted(names):
            with self.subTest(name):
                self.assertRegex(section, rf"\| `{re.escape(name)}`")


PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@override_settings(**PRODUCTION)
class BehindTheTlsProxyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = f.UserFactory(username="agent", roles=["agent"])

    def test_plain_http_is_redirected_to_https(self):
        response = self.client.get("/accounts/login/")

        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://testserver/accounts/login/")

    def test_https_through_the_proxy_is_served_with_hsts(self):
        response = self.client.get("/accounts/login/", **HTTPS)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains; preload")

    def test_the_session_and_csrf_cookies_are_secure(self):
        form = self.client.get("/accounts/login/", **HTTPS)
        response = self.client.post("/accounts/login/", {"username": "agent", "password": "pw"}, **HTTPS)

        self.assertTrue(form.cookies["csrftoken"]["secure"])
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.cookies["sessionid"]["secure"])

    def test_the_container_health_probe_over_plain_http_is_not_redirected(self):
        response = self.client.get("/healthz")

        self.assertNotIn(response.status_code, (301, 302))


class ContentSecurityPolicyTests(TestCase):
    def test_every_page_carries_a_policy_without_inline_script_or_style(self):
        policy = self.client.get("/accounts/login/")["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

        self.assertEqual(directives["default-src"], "'self'")
        self.assertEqual(directives["script-src"], "'self'")
        self.assertEqual(directives["style-src"], "'self'")
        self.assertEqual(directives["object-src"], "'none'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertNotIn("unsafe", policy)

    def test_the_csrf_failure_page_is_ours_without_inline_style(self):
        client = self.client_class(enforce_csrf_checks=True)

        response = client.post("/accounts/login/", {"username": "agent", "password": "pw"})

        self.assertContains(response, "The form had expired", status_code=403)
        self.assertNotContains(response, "<style", status_code=403)


class SiteUrlDeployCheckTests(SimpleTestCase):
    """qa_platform/checks.py: SITE_URL as production needs it, one warning per way it goes wrong."""

    def ids(self) -> list[str]:
        from qa_platform.checks import site_url_check

        return [w.id for w in site_url_check()]

    @override_settings(SITE_URL="https://qa.example.com", SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["qa.example.com"])
    def test_the_public_https_address_of_an_allowed_host_passes(self):
        self.assertEqual(self.ids(), [])

    @override_settings(SITE_URL="http://127.0.0.1:8000", SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["127.0.0.1"])
    def test_the_local_default_is_flagged(self):
        self.assertEqual(self.ids(), ["qa_platform.W001"])

    @override_settings(SITE_URL="http://qa.example.com", SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["qa.example.com"])
    def test_plain_http_behind_the_https_redirect_is_flagged(self):
        self.assertEqual(self.ids(), ["qa_platform.W002"])

    @override_settings(SITE_URL="https://qa.example.org", SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=[".example.com"])
    def test_a_host_allowed_hosts_refuses_is_flagged(self):
        self.assertEqual(self.ids(), ["qa_platform.W003"])

    @override_settings(SITE_URL="https://qa.example.com", SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=[".example.com"])
    def test_a_wildcard_allowed_host_covers_the_site_url(self):
        self.assertEqual(self.ids(), [])
