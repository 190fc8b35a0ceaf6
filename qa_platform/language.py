"""The language of the pages (DESIGN.md §7): the person's saved choice, then the browser's
Accept-Language, then LANGUAGE_CODE.

Django's LocaleMiddleware picks from the language cookie and Accept-Language; this middleware,
after authentication, puts the saved choice of a logged-in person above both. The choice is read
from the session (put there at login), so a page costs no query for it; the footer's switch
(`set_language`) saves it with the account and the session, and sets Django's cookie as before.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SESSION_KEY = "qa_language"
SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        saved = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if saved in SUPPORTED and getattr(request, "user", None) and request.user.is_authenticated:
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        response = self.get_response(request)
        if saved in SUPPORTED:
            response.headers.setdefault("Content-Language", saved)
        return response


@receiver(user_logged_in, dispatch_uid="qa_platform.language.remember")
def load_saved_language(sender, request, user, **kwargs):
    """At login, the account's saved language into the session."""
    if request is None or not hasattr(request, "session"):
        return
    from .models import LanguagePreference

    language = LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    if language in SUPPORTED:
        request.session[SESSION_KEY] = language


@require_POST
def set_language(request):
    """The footer's switch: Django's view (cookie, redirect to `next`), plus the choice saved
    with the account of a logged-in person."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if language in SUPPORTED and request.user.is_authenticated:
        from .models import LanguagePreference

        LanguagePreference.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session[SESSION_KEY] = language
    return response
