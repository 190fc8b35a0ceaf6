"""The language of the pages and how names and dates are written (issue 11): the person's saved
choice, then the browser's Accept-Language, then English; Chinese names family name first with
no space on every page; dates and times in each language's format (24-hour, YYYY-MM-DD in
zh-hans)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import formats, translation

from qa_platform.menu import items_for
from qa_platform.models import LanguagePreference
from tests import factories as f
from tests.personas import Personas

CJK = r"[\u4e00-\u9fff]"


class LanguageChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = f.UserFactory(username="zhang", roles=["qa"])

    def page_language(self, **headers) -> str:
        return self.client.get("/queue/", **headers).headers.get("Content-Language", "")

    def test_the_browser_language_is_used_when_nothing_is_saved(self):
        self.client.force_login(self.user)
        self.assertEqual(self.page_language(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"), "zh-hans")
        self.assertEqual(self.page_language(HTTP_ACCEPT_LANGUAGE="en-US"), "en")

    def test_the_footer_switch_saves_the_choice_with_the_account(self):
        self.client.force_login(self.user)
        response = self.client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/queue/"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(LanguagePreference.objects.get(user=self.user).language, "zh-hans")
        page = self.client.get("/queue/", HTTP_ACCEPT_LANGUAGE="en-US")
        self.assertEqual(page.headers["Content-Language"], "zh-hans")
        self.assertContains(page, '<html lang="zh-hans">')

    def test_the_saved_choice_follows_the_person_to_another_browser(self):
        LanguagePreference.objects.create(user=self.user, language="zh-hans")
        self.client.post("/accounts/login/", {"username": "zhang", "password": "pw"})
        # A new browser: no language cookie, and it asks for English.
        self.client.cookies.pop("django_language", None)
        self.assertEqual(self.page_language(HTTP_ACCEPT_LANGUAGE="en-US"), "zh-hans")

    def test_an_unknown_language_is_refused_and_nothing_is_saved(self):
        self.client.force_login(self.user)
        self.client.post("/i18n/setlang/", {"language": "xx", "next": "/queue/"})
        self.assertFalse(LanguagePreference.objects.exists())

    def test_chinese_pages_come_from_the_catalog(self):
        self.client.force_login(self.user)
        page = self.client.get("/queue/", HTTP_ACCEPT_LANGUAGE="zh-CN")
        with translation.override("zh-hans"):
            self.assertNotEqual(translation.gettext("Work queue"), "Work queue")
            self.assertContains(page, translation.gettext("Work queue"))


class NameTests(TestCase):
    def test_a_chinese_name_is_family_name_first_without_a_space(self):
        user = User(username="x", first_name="桂英", last_name="徐")
        self.assertEqual(user.get_full_name(), "徐桂英")

    def test_a_western_name_stays_as_it_is(self):
        self.assertEqual(User(username="x", first_name="Ann", last_name="Lee").get_full_name(), "Ann Lee")
        self.assertEqual(User(username="x", first_name="Ann", last_name="").get_full_name(), "Ann")


class DateFormatTests(TestCase):
    moment = dt.datetime(2026, 12, 1, 15, 51)

    def test_chinese_dates_are_year_first_on_a_24_hour_clock(self):
        with translation.override("zh-hans"):
            self.assertEqual(formats.date_format(self.moment, "SHORT_DATE_FORMAT"), "2026-12-01")
            self.assertEqual(formats.date_format(self.moment, "SHORT_DATETIME_FORMAT"), "2026-12-01 15:51")
            self.assertEqual(formats.date_format(self.moment, "DATE_FORMAT"), "2026年12月1日")
            self.assertEqual(formats.time_format(self.moment, "TIME_FORMAT"), "15:51")

    def test_english_dates_keep_their_format(self):
        with translation.override("en"):
            self.assertEqual(formats.date_format(self.moment, "SHORT_DATE_FORMAT"), "12/01/2026")


class ChineseMenuTests(Personas):
    def test_every_menu_page_opens_in_chinese_for_each_role(self):
        for user in (self.agent_user, self.hr, self.qa, self.supervisor, self.trainer, self.manager):
            self.client.force_login(user)
            for item in items_for(user):
                with self.subTest(user=user.username, page=item.url_name):
                    response = self.client.get(item.url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.headers["Content-Language"], "zh-hans")
                    self.assertRegex(response.content.decode(), CJK)
