"""Shared by the whole suite."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request in Chinese (Accept-Language, a saved
    choice) leaves zh-hans active in the thread that served it, as Django's LocaleMiddleware
    does; a later test calling code directly would otherwise read Chinese messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
