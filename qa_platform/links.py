"""Links that leave the site (e-mails): SITE_URL plus the page's path.

A relative link ("/evaluations/1126/") is all a page needs, but a mail client has no site to
resolve it against. Every e-mail builds its links here, from the URL name:
`absolute_url(reverse("evaluation-detail", args=[pk]))`.
"""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """The address of `path` (a path from reverse(), starting with "/") on settings.SITE_URL."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"absolute_url() takes a path on this site, such as reverse() gives, not {path!r}")
    return settings.SITE_URL.rstrip("/") + path
