"""`manage.py check --deploy`: SITE_URL as production needs it (settings.SITE_URL).

E-mail links are SITE_URL plus a path, so in production it must name the public host, over https
when the site redirects to https, and a host ALLOWED_HOSTS accepts; otherwise every link in every
reminder is dead or bounces through a redirect. Warnings, so a trial over plain http still runs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host

LOCAL_DEFAULT = "http://127.0.0.1:8000"


@register(Tags.security, deploy=True)
def site_url_check(app_configs=None, **kwargs) -> list[Warning]:
    site_url = settings.SITE_URL
    parts = urlsplit(site_url)
    problems = []
    if site_url == LOCAL_DEFAULT or parts.hostname in ("127.0.0.1", "localhost"):
        problems.append(
            Warning(
                f"SITE_URL is {site_url}: links in e-mails would point at this machine.",
                hint="Set SITE_URL to the address people open, e.g. https://qa.example.com.",
                id="qa_platform.W001",
            )
        )
    if settings.SECURE_SSL_REDIRECT and parts.scheme != "https":
        problems.append(
            Warning(
                f"SITE_URL is {site_url}, plain http, while SECURE_SSL_REDIRECT sends every request to https.",
                hint="Use the https address in SITE_URL.",
                id="qa_platform.W002",
            )
        )
    if parts.hostname and not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        problems.append(
            Warning(
                f"SITE_URL's host {parts.hostname} is not in ALLOWED_HOSTS: e-mail links would be refused (400).",
                hint="Add the host to ALLOWED_HOSTS, or correct SITE_URL.",
                id="qa_platform.W003",
            )
        )
    return problems
