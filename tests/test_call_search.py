"""The call search (page /calls/ and GET /api/v1/calls/): every filter and some combinations
against a constructed set of calls, each compared with an independent Python filter over the
same rows; bad values are a 400 naming the field; pages keep the search; the links from the
team, team list, overview and agent pages list exactly the calls their figure counts."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation

CENTER = ZoneInfo(settings.TIME_ZONE)
CALL_LINK = re.compile(r'href="/calls/(\d+)/"')
COUNT = re.compile(r'class="count">(\d+) calls?<')
DRILL_LINK = re.compile(r'<a href="(/calls/\?[^"]+)">(\d+)</a>')


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CENTER)


def row(call, *, evaluated=False) -> dict:
    """What the test knows of a call, from the values it was built with (not from the search)."""
    return {
        "pk": call.pk,
        "employee_id": call.agent.employee_id,
        "agent_name": call.agent.name,
        "team": call.agent.team_id,
        "line": call.line_of_business.code,
        "shift": call.shift.code if call.shift else None,
        "direction": call.direction,
        "service_type": call.service_type,
        "day": call.start_time.astimezone(CENTER).date(),
        "start": call.start_time,
        "talk": call.talk_seconds,
        "csat": call.csat,
        "recorded": bool(call.recording),
        "evaluated": evaluated,
    }


def matches(r: dict, params: dict) -> bool:
    """The search's rules, written out once more over the rows."""
    for name, value in params.items():
        if name == "agent":
            v = value.lower()
            ok = r["employee_id"].lower() == v or v in r["agent_name"].lower()
        elif name == "team":
            ok = r["team"] == int(value)
        elif name == "line_of_business":
            ok = r["line"] == value
        elif name == "shift":
            ok = r["shift"] == value
        elif name == "direction":
            ok = r["direction"] == value
        elif name == "service_type":
            ok = r["service_type"].lower() == value.lower()
        elif name == "date_from":
            ok = r["day"] >= dt.date.fromisoformat(value)
        elif name == "date_to":
            ok = r["day"] <= dt.date.fromisoformat(value)
        elif name == "talk_seconds_min":
            ok = r["talk"] >= int(value)
        elif name == "talk_seconds_max":
            ok = r["talk"] <= int(value)
        elif name == "csat_min":
            ok = r["csat"] is not None and r["csat"] >= int(value)
        elif name == "csat_max":
            ok = r["csat"] is not None and r["csat"] <= int(value)
        elif name == "has_recording":
            ok = r["recorded"] == (value == "true")
        elif name == "evaluated":
            ok = r["evaluated"] == (value == "true")
        else:
            raise AssertionError(f"no rule for {name}")
        if not ok:
            return False
    return True


class CallSearchBase(ScoringPersonas):
    """About forty calls from late October to early December 2026 across two teams, four agents
    (one whose employee id E10 starts like E1's, one whose name holds "li" like Li Na's), two
    lines, two shifts and none, both directions, service types in mixed case, talk times around
    ten minutes, CSAT 1–5 or none, with and without a recording; some billing calls evaluated
    (submitted, or a draft), one only self-evaluated (which is not "evaluated")."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tech = f.LineOfBusinessFactory(code="tech", name="Technical support")
        cls.day = f.ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(20))
        cls.night = f.ShiftFactory(code="night", name="Night", start=dt.time(20), end=dt.time(8))
        cls.chen = f.AgentFactory(employee_id="E10", name="Chen Li", team=cls.team)
        cls.zhang = f.AgentFactory(employee_id="E3", name="Zhang Min", team=cls.other_team)
        agents = [cls.agent, cls.other_agent, cls.chen, cls.zhang]
        rng = random.Random(15)
        # Days on both sides of November's edges, and the edges to the second.
        starts = [
            local(2026, 10, 31, 23, 59, 59),
            local(2026, 11, 1, 0, 0, 0),
            local(2026, 11, 30, 23, 59, 59),
            local(2026, 12, 1, 0, 0, 0),
        ] + [local(2026, 10, 25, 9) + dt.timedelta(hours=rng.randrange(0, 41 * 24)) for _ in range(36)]
        cls.rows = [row(cls.call), row(cls.other_call)]
        cls.by_pk = {}
        for i, start in enumerate(starts):
            call = f.CallFactory(
                agent=agents[i % 4],
                line_of_business=cls.lob if i % 3 else cls.tech,
                shift=[cls.day, cls.night, None][i % 3 if i % 5 else 2],
                direction="outbound" if i % 4 == 1 else "inbound",
                service_type=["Refund", "refund", "invoice query"][i % 3],
                start_time=start,
                talk_seconds=[30, 599, 600, 601, 900][i % 5],
                csat=[None, 1, 2, 3, 4, 5][i % 6],
                recording="recordings/test/c.wav" if i % 2 else "",
            )
            cls.by_pk[call.pk] = call
            cls.rows.append(row(call))
        # Regular evaluations of billing calls not the evaluator's own: submitted, or a draft.
        billing = [r for r in cls.rows[2:] if r["line"] == "billing"]
        for n, r in enumerate(billing[:8]):
            make_evaluation(call=cls.by_pk[r["pk"]], by=cls.qa, version=cls.version, submit=n % 2 == 0)
            r["evaluated"] = True
        own = next(r for r in billing[8:] if r["employee_id"] == "E1")
        make_evaluation(call=cls.by_pk[own["pk"]], by=cls.agent_user, version=cls.version, kind="self")
        cls.self_evaluated = own["pk"]

    def setUp(self):
        self.client.force_login(self.qa)

    def expected(self, params: dict, rows=None) -> set[int]:
        return {r["pk"] for r in (self.rows if rows is None else rows) if matches(r, params)}

    def page_ids(self, params: dict) -> list[int]:
        response = self.client.get("/calls/", params)
        self.assertEqual(response.status_code, 200, params)
        body = response.content.decode()
        ids = [int(pk) for pk in CALL_LINK.findall(body)]
        self.assertEqual(int(COUNT.search(body)[1]), len(ids), params)
        return ids

    def api_ids(self, params: dict) -> list[int]:
        response = self.api(self.qa).get("/api/v1/calls/", params)
        self.assertEqual(response.status_code, 200, params)
        body = response.json()
        self.assertIsNone(body["next"])
        return [c["id"] for c in body["results"]]


class FilterTests(CallSearchBase):
    def check(self, params: dict):
        want = self.expected(params)
        self.assertEqual(set(self.page_ids(params)), want, f"page {params}")
        self.assertEqual(set(self.api_ids(params)), want, f"api {params}")
        return want

    def test_the_constructed_set_fits_on_one_page_and_in_one_api_page(self):
        self.assertEqual(len(self.page_ids({})), len(self.rows))
        self.assertLessEqual(len(self.rows), 50)

    def test_each_filter_lists_the_calls_it_names(self):
        cases = [
            {"agent": "E1"},
            {"agent": "e10"},
            {"agent": "LI"},
            {"agent": "Zhang"},
            {"agent": "nobody"},
            {"team": str(self.team.pk)},
            {"team": str(self.other_team.pk)},
            {"line_of_business": "tech"},
            {"line_of_business": "billing"},
            {"line_of_business": "no-such-line"},
            {"shift": "day"},
            {"shift": "night"},
            {"direction": "outbound"},
            {"direction": "inbound"},
            {"service_type": "refund"},
            {"service_type": "INVOICE QUERY"},
            {"date_from": "2026-11-01"},
            {"date_to": "2026-10-31"},
            {"date_from": "2026-11-30", "date_to": "2026-11-30"},
            {"talk_seconds_min": "600"},
            {"talk_seconds_max": "600"},
            {"talk_seconds_min": "599", "talk_seconds_max": "601"},
            {"csat_min": "4"},
            {"csat_max": "2"},
            {"csat_min": "3", "csat_max": "3"},
            {"has_recording": "true"},
            {"has_recording": "false"},
            {"evaluated": "true"},
            {"evaluated": "false"},
        ]
        for params in cases:
            with self.subTest(**params):
                self.check(params)

    def test_filters_combine(self):
        cases = [
            {"team": str(self.team.pk), "date_from": "2026-11-01", "date_to": "2026-11-30", "has_recording": "false"},
            {"line_of_business": "billing", "direction": "inbound", "csat_max": "2", "evaluated": "false"},
            {"agent": "li", "talk_seconds_min": "600", "shift": "night"},
            {"service_type": "refund", "evaluated": "true", "date_to": "2026-11-15"},
            {"agent": "E2", "line_of_business": "tech", "csat_min": "1", "has_recording": "true"},
        ]
        for params in cases:
            with self.subTest(**params):
                self.check(params)
        # The cases are not vacuous: most list something, none lists everything.
        sizes = [len(self.expected(p)) for p in cases]
        self.assertGreaterEqual(sum(1 for n in sizes if n), 4, sizes)
        self.assertTrue(all(n < len(self.rows) for n in sizes), sizes)

    def test_an_employee_id_is_exact_and_a_name_is_any_part_of_it(self):
        e1 = set(self.page_ids({"agent": "e1"}))
        self.assertEqual({self.by_pk.get(pk, self.call).agent.employee_id for pk in e1}, {"E1"})
        li = set(self.page_ids({"agent": "li"}))
        self.assertEqual({self.by_pk.get(pk, self.call).agent.name for pk in li}, {"Li Na", "Chen Li"})

    def test_november_holds_its_first_and_last_second_and_not_the_seconds_beside(self):
        ids = set(self.page_ids({"date_from": "2026-11-01", "date_to": "2026-11-30"}))
        edges = {r["start"]: r["pk"] for r in self.rows}
        self.assertIn(edges[local(2026, 11, 1)], ids)
        self.assertIn(edges[local(2026, 11, 30, 23, 59, 59)], ids)
        self.assertNotIn(edges[local(2026, 10, 31, 23, 59, 59)], ids)
        self.assertNotIn(edges[local(2026, 12, 1)], ids)

    def test_a_self_evaluation_does_not_make_a_call_evaluated_and_a_draft_does(self):
        self.assertIn(self.self_evaluated, self.page_ids({"evaluated": "false"}))
        drafts = {e.call_id for e in self.version.evaluations.filter(kind="regular", status="in_progress")}
        self.assertTrue(drafts)
        self.assertLessEqual(drafts, set(self.page_ids({"evaluated": "true"})))

    def test_a_team_or_line_that_names_nothing_lists_nothing(self):
        self.assertEqual(self.page_ids({"team": "999999"}), [])
        self.assertEqual(self.api_ids({"line_of_business": "gone"}), [])


class SortTests(CallSearchBase):
    def python_sorted(self, key, reverse=False, nulls_last=False) -> list[int]:
        rows = sorted(self.rows, key=lambda r: -r["pk"])  # the tie-break: newest id first
        if nulls_last:
            rated = [r for r in rows if r[key] is not None]
            unrated = [r for r in rows if r[key] is None]
            return [r["pk"] for r in sorted(rated, key=lambda r: r[key], reverse=reverse)] + [r["pk"] for r in unrated]
        return [r["pk"] for r in sorted(rows, key=lambda r: r[key], reverse=reverse)]

    def test_it_sorts_by_start_talk_time_and_csat(self):
        # sorted() is stable, and the search breaks ties by newest id: sort the tie-break first.
        cases = {
            "-start_time": self.python_sorted("start", reverse=True),
            "start_time": self.python_sorted("start"),
            "-talk": self.python_sorted("talk", reverse=True),
            "talk": self.python_sorted("talk"),
            "csat": self.python_sorted("csat", nulls_last=True),
            "-csat": self.python_sorted("csat", reverse=True, nulls_last=True),
        }
        for sort, want in cases.items():
            with self.subTest(sort=sort):
                self.assertEqual(self.page_ids({"sort": sort}), want)

    def test_the_default_is_newest_first(self):
        self.assertEqual(self.page_ids({}), self.python_sorted("start", reverse=True))

    def test_a_column_heading_sorts_within_the_search_from_the_first_page(self):
        body = self.client.get("/calls/", {"team": self.team.pk, "page": 1}).content.decode()
        heading = re.search(r'<a href="([^"]+)">CSAT', body)[1]
        query = html.unescape(heading)
        self.assertIn(f"team={self.team.pk}", query)
        self.assertIn("sort=csat", query)
        self.assertNotIn("page=", query)


class BadValueTests(CallSearchBase):
    # value → (the label the page names, the field the API names)
    BAD = {
        "team": ("abc", "Team"),
        "date_from": ("2026-13-01", "From date"),
        "date_to": ("tomorrow", "To date"),
        "talk_seconds_min": ("-1", "Talk time at least (seconds)"),
        "talk_seconds_max": ("1.5", "Talk time at most (seconds)"),
        "csat_min": ("6", "CSAT from"),
        "csat_max": ("0", "CSAT to"),
        "has_recording": ("maybe", "Has a recording"),
        "evaluated": ("perhaps", "Evaluated"),
        "direction": ("sideways", "Direction"),
        "agent": ("x" * 101, "Agent"),
    }

    def test_a_bad_value_is_a_400_naming_the_field_on_the_page_and_in_the_api(self):
        for name, (value, label) in self.BAD.items():
            with self.subTest(name=name):
                page = self.client.get("/calls/", {name: value})
                self.assertEqual(page.status_code, 400)
                alert = re.search(r'<div class="error" role="alert">(.*?)</div>', page.content.decode(), re.S)[1]
                self.assertIn(f"<p>{html.escape(label)}:", alert)
                api = self.api(self.qa).get("/api/v1/calls/", {name: value})
                self.assertEqual(api.status_code, 400)
                self.assertIn(name, api.json())

    def test_a_range_the_wrong_way_round_is_a_400_on_the_page_and_no_calls_in_the_api(self):
        for low, high, values in (
            ("date_from", "date_to", ("2026-11-10", "2026-11-01")),
            ("talk_seconds_min", "talk_seconds_max", ("600", "60")),
            ("csat_min", "csat_max", ("4", "2")),
        ):
            with self.subTest(high=high):
                params = dict(zip((low, high), values, strict=True))
                self.assertEqual(self.client.get("/calls/", params).status_code, 400)
                # Through the API it is a schema-valid question whose answer is no calls.
                api = self.api(self.qa).get("/api/v1/calls/", params)
                self.assertEqual((api.status_code, api.json()["count"]), (200, 0))

    def test_an_unknown_sort_is_a_400_on_the_page(self):
        response = self.client.get("/calls/", {"sort": "shoe_size"})
        self.assertContains(response, "<p>Sort by:", status_code=400)

    def test_dates_at_the_ends_of_the_calendar_are_read_not_a_500(self):
        for params in ({"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}, {"date_to": "0001-01-01"}):
            with self.subTest(**params):
                self.assertEqual(set(self.page_ids(params)), self.expected(params))


class PageTests(CallSearchBase):
    def test_the_search_is_a_get_form_with_labelled_fields_and_date_inputs(self):
        body = self.client.get("/calls/").content.decode()
        self.assertIn('<form method="get"', body)
        for name in ("agent", "team", "line_of_business", "shift", "direction", "date_from", "date_to",
                     "talk_seconds_min", "talk_seconds_max", "csat_min", "csat_max", "has_recording",
                     "evaluated", "sort"):  # fmt: skip
            self.assertRegex(body, rf'<label for="id_{name}">[^<]+</label>', name)
        self.assertRegex(body, r'<input type="date" name="date_from"')
        self.assertRegex(body, r'<select name="team"[^>]*>\s*<option value="" selected>All teams</option>')
        self.assertIn('<option value="tech">Technical support</option>', body)
        for generated in ("[invalid name]", "Unknown", "is greater than or equal to", "Line of business code"):
            self.assertNotIn(generated, body)

    def test_the_form_shows_the_search_it_ran(self):
        params = {"team": self.team.pk, "date_from": "2026-11-01", "csat_max": "2", "evaluated": "false"}
        body = self.client.get("/calls/", params).content.decode()
        self.assertIn(f'<option value="{self.team.pk}" selected>{self.team.name}</option>', body)
        self.assertRegex(body, r'<input type="date" name="date_from" value="2026-11-01"')
        self.assertIn('<option value="false" selected>No</option>', body)
        self.assertIn('<option value="2" selected>2</option>', body)
        self.assertRegex(body, r"<details class=\"more-filters\" open>")

    def test_pages_keep_the_search(self):
        params = {"line_of_business": "billing", "has_recording": "true", "sort": "-talk"}
        want = self.expected({k: v for k, v in params.items() if k != "sort"})
        self.assertGreater(len(want), 6)
        seen, url = [], "/calls/?" + "&".join(f"{k}={v}" for k, v in params.items())
        with mock.patch("monitoring.views.PAGE_SIZE", 3):
            while url:
                body = self.client.get(url).content.decode()
                seen += [int(pk) for pk in CALL_LINK.findall(body)]
                self.assertEqual(int(COUNT.search(body)[1]), len(want))
                nxt = re.search(r'<a href="([^"]+)" rel="next">', body)
                url = "/calls/" + html.unescape(nxt[1]) if nxt else None
        self.assertEqual(set(seen), want)
        self.assertEqual(len(seen), len(want))
        talks = [self.by_pk[pk].talk_seconds for pk in seen]
        self.assertEqual(talks, sorted(talks, reverse=True))

    def test_a_supervisor_chooses_among_their_teams_and_searches_only_them(self):
        self.client.force_login(self.supervisor)
        body = self.client.get("/calls/").content.decode()
        self.assertIn(f'<option value="{self.team.pk}">{self.team.name}</option>', body)
        self.assertNotIn(f'<option value="{self.other_team.pk}">{self.other_team.name}</option>', body)
        self.assertNotIn(self.other_team.name, body)
        team_a = [r for r in self.rows if r["team"] == self.team.pk]
        self.assertEqual(set(self.page_ids({"agent": "li"})), self.expected({"agent": "li"}, team_a))
        self.assertEqual(self.page_ids({"team": self.other_team.pk}), [])
        self.assertEqual(self.page_ids({"agent": "E2"}), [])

    def test_the_list_costs_the_same_queries_however_many_calls_match(self):
        params = {"evaluated": "false", "date_from": "2026-10-01", "team": self.team.pk, "sort": "csat"}

        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/calls/", params).status_code, 200)
            return len(ctx.captured_queries)

        before = count()
        for _ in range(8):
            f.CallFactory(
                agent=self.chen, line_of_business=self.tech, shift=self.day, start_time=local(2026, 11, 5, 10)
            )
        self.assertEqual(count(), before)


class DrillDownTests(CallSearchBase):
    """Each figure linked into the call search lists, there, the calls it counts: the month and
    the scope travel in the link."""

    def follow(self, body: str) -> list[tuple[str, int, int]]:
        out = []
        for href, shown in DRILL_LINK.findall(body):
            listed = self.client.get(html.unescape(href)).content.decode()
            out.append((html.unescape(href), int(shown), int(COUNT.search(listed)[1])))
        return out

    def test_the_team_page_counts_what_its_links_list_for_a_month_with_calls_outside_it(self):
        self.client.force_login(self.supervisor)
        body = self.client.get(f"/teams/{self.team.pk}/", {"month": "2026-11"}).content.decode()
        links = self.follow(body)
        self.assertEqual(len(links), 2)  # Li Na and Chen Li
        for href, shown, listed in links:
            with self.subTest(href=href):
                self.assertIn("date_from=2026-11-01", href)
                self.assertIn("date_to=2026-11-30", href)
                self.assertIn(f"team={self.team.pk}", href)
                self.assertEqual(shown, listed)
        for agent in (self.agent, self.chen):
            mine = [r for r in self.rows if r["employee_id"] == agent.employee_id]
            in_month = [r for r in mine if r["day"].month == 11 and r["day"].year == 2026]
            self.assertLess(len(in_month), len(mine))  # calls outside the month exist
            self.assertIn(len(in_month), [shown for _, shown, _ in links])

    def test_the_team_list_and_the_overview_link_what_they_count(self):
        self.client.force_login(self.manager)
        for url in ("/teams/", "/overview/"):
            body = self.client.get(url, {"month": "2026-11"}).content.decode()
            links = self.follow(body)
            self.assertTrue(links, url)
            for href, shown, listed in links:
                with self.subTest(href=href):
                    self.assertIn("date_from=2026-11-01", href)
                    self.assertEqual(shown, listed)

    def test_the_overview_lines_count_what_the_python_filter_counts(self):
        self.client.force_login(self.manager)
        body = self.client.get("/overview/", {"month": "2026-11"}).content.decode()
        month = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
        for code in ("billing", "tech"):
            href = next(h for h, _ in DRILL_LINK.findall(body) if f"line_of_business={code}" in h)
            listed = self.client.get(html.unescape(href)).content.decode()
            self.assertEqual(int(COUNT.search(listed)[1]), len(self.expected({"line_of_business": code, **month})))

    def test_the_agent_page_links_to_the_agents_calls(self):
        body = self.client.get(f"/agents/{self.chen.pk}/").content.decode()
        href = re.search(r'<a href="(/calls/\?agent=[^"]+)">', body)[1]
        ids = self.page_ids(dict([html.unescape(href).split("?", 1)[1].split("=")]))
        self.assertEqual(set(ids), {r["pk"] for r in self.rows if r["employee_id"] == "E10"})

    def test_an_agent_reads_their_calls_on_their_own_page_without_a_search_link(self):
        self.client.force_login(self.agent_user)
        body = self.client.get(f"/agents/{self.agent.pk}/").content.decode()
        self.assertNotIn("/calls/?", body)
