"""The roster from an HR system (monitoring/people/roster.py): agents and teams from CSV, upserted
by employee id / team name, all rows or none with a report naming each bad row's line and
column; UTF-8, UTF-8 with a BOM and GB18030 files; the /people/import/ page and the
`import_agents` / `import_teams` commands, which exit non-zero when nothing was imported."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import tempfile
from contextlib import redirect_stderr

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import ManagementUtility, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import Agent, Team
from monitoring.people.roster import RosterImportError, agents_import_csv, teams_import_csv
from tests import factories as f
from tests.personas import Personas

AGENTS_HEADER = "employee_id,name,team,hire_date,active,username\n"


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def problems(exc: RosterImportError) -> list[tuple[int, str]]:
    return [(e.row, e.field) for e in exc.errors]


class AgentImportTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.login = f.UserFactory(username="chen.jie", roles=["agent"])

    def test_it_creates_new_agents_and_updates_known_ones(self):
        data = csv_bytes(
            AGENTS_HEADER
            + "E1,Li Na,Team B,2023-05-02,yes,\n"  # known: moves team
            + "E500,Chen Jie,Team A,2025/10/08,,chen.jie\n"
        )
        result = agents_import_csv(data=data, by=self.manager)
        self.assertEqual((result.created, result.updated, result.unchanged), (1, 1, 0))
        self.agent.refresh_from_db()
        self.assertEqual(
            (self.agent.team, self.agent.hire_date, self.agent.user),
            (self.other_team, dt.date(2023, 5, 2), self.agent_user),
        )
        new = Agent.objects.get(employee_id="E500")
        self.assertEqual((new.name, new.team, new.active, new.user), ("Chen Jie", self.team, True, self.login))
        self.assertEqual(new.history.get().history_user, self.manager)
        self.assertEqual(self.agent.history.latest().team_id, self.other_team.pk)

    def test_the_same_file_twice_changes_nothing(self):
        data = csv_bytes(AGENTS_HEADER + "E500,Chen Jie,Team A,2025-10-08,yes,chen.jie\n")
        agents_import_csv(data=data)
        history = Agent.history.count()
        result = agents_import_csv(data=data)
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 0, 1))
        self.assertEqual(Agent.history.count(), history)

    def test_a_bad_row_in_the_middle_imports_nothing_and_names_its_line_and_column(self):
        before = list(Agent.objects.order_by("pk").values_list("employee_id", "name", "team_id", "active"))
        data = csv_bytes(
            AGENTS_HEADER
            + "E1,Li Na,Team B,2023-05-02,no,\n"
            + "E501,Zhou Yu,Team Z,2025-10-08,yes,\n"  # line 3: no such team
            + "E502,Sun Li,Team A,2025-10-08,yes,\n"
        )
        with self.assertRaises(RosterImportError) as caught:
            agents_import_csv(data=data)
        self.assertEqual(problems(caught.exception), [(3, "team")])
        self.assertIn("Team Z", caught.exception.errors[0].reason)
        self.assertEqual(
            list(Agent.objects.order_by("pk").values_list("employee_id", "name", "team_id", "active")), before
        )

    def test_every_problem_is_reported_at_once(self):
        data = csv_bytes(
            AGENTS_HEADER
            + ",No Id,Team A,2025-01-01,,\n"
            + "E600,,Team A,13/01/2025,maybe,\n"
            + "E601,Qa Login,Team A,2025-01-01,,qa\n"
            + "E602,Taken Login,Team A,2025-01-01,,other_agent\n"
            + "E603,Nobody,Team A,2025-01-01,,nobody\n"
            + "E601,Twice,Team A,2025-01-01,,\n"
        )
        with self.assertRaises(RosterImportError) as caught:
            agents_import_csv(data=data)
        self.assertEqual(
            sorted(problems(caught.exception)),
            [
                (2, "employee_id"),
                (3, "active"),
                (3, "hire_date"),
                (3, "name"),
                (4, "username"),
                (5, "username"),
                (6, "username"),
                (7, "employee_id"),
            ],
        )
        self.assertFalse(Agent.objects.filter(employee_id__startswith="E60").exists())

    def test_a_gb18030_file_with_chinese_names(self):
        Team.objects.create(name="上海一组", site=self.team.site)
        text = AGENTS_HEADER + "E700,王芳,上海一组,2024-03-18,在职,\nE701,欧阳娜娜,上海一组,2024-03-18,离职,\n"
        data = csv_bytes(text, "gb18030")
        with self.assertRaises(UnicodeDecodeError):
            data.decode("utf-8")  # really GB18030, not UTF-8 in disguise
        self.assertEqual(agents_import_csv(data=data).created, 2)
        self.assertEqual(Agent.objects.get(employee_id="E700").name, "王芳")
        self.assertEqual(Agent.objects.get(employee_id="E700").team.name, "上海一组")
        self.assertFalse(Agent.objects.get(employee_id="E701").active)

    def test_a_utf8_file_with_a_bom(self):
        data = csv_bytes(AGENTS_HEADER + "E702,李娜,Team A,2024-03-18,,\n", "utf-8-sig")
        self.assertEqual(agents_import_csv(data=data).created, 1)
        self.assertEqual(Agent.objects.get(employee_id="E702").name, "李娜")

    def test_deactivating_by_file_keeps_the_agent_and_their_calls(self):
        agents_import_csv(data=csv_bytes(AGENTS_HEADER + "E1,Li Na,Team A,2024-01-15,no,\n"))
        self.agent.refresh_from_db()
        self.assertFalse(self.agent.active)
        self.assertTrue(self.agent.calls.filter(pk=self.call.pk).exists())
        self.assertTrue(self.agent.history.filter(active=True).exists())

    def test_a_blank_active_leaves_an_existing_agent_as_they_are(self):
        Agent.objects.filter(pk=self.agent.pk).update(active=False)
        agents_import_csv(data=csv_bytes("employee_id,name,team,hire_date\nE1,Li Na,Team A,2024-01-15\n"))
        self.agent.refresh_from_db()
        self.assertFalse(self.agent.active)
        self.assertEqual(self.agent.user, self.agent_user)

    def test_a_missing_or_unknown_column_is_named_on_line_1(self):
        with self.assertRaises(RosterImportError) as caught:
            agents_import_csv(data=csv_bytes("employee_id,name,team,department\nE1,Li Na,Team A,Sales\n"))
        self.assertEqual(sorted(problems(caught.exception)), [(1, "department"), (1, "hire_date")])

    def test_a_file_that_is_not_text_is_refused(self):
        with self.assertRaises(RosterImportError) as caught:
            agents_import_csv(data=b"\x81\x30\xff\xfe" * 10)
        self.assertEqual(problems(caught.exception), [(1, "file")])

    def test_checking_costs_the_same_queries_for_ten_or_sixty_rows(self):
        def run(n: int, offset: int) -> int:
            rows = "".join(f"E{offset + i},Agent {i},Team A,2024-01-01,yes,\n" for i in range(n))
            with CaptureQueriesContext(connection) as ctx:
                agents_import_csv(data=csv_bytes(AGENTS_HEADER + rows))
            return len(ctx.captured_queries)

        self.assertEqual(run(10, 1000), run(60, 2000))


class TeamImportTests(Personas):
    HEADER = "name,site,lines_of_business,supervisors\n"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sales = f.LineOfBusinessFactory(code="sales", name="Sales")
        cls.site = cls.team.site

    def test_it_creates_and_updates_teams_with_their_lines_and_supervisors(self):
        data = csv_bytes(
            self.HEADER
            + f"Team A,{self.site.name},billing;sales,supervisor;other_supervisor\n"
            + f"Team C,{self.site.name},sales,\n"
        )
        result = teams_import_csv(data=data)
        self.assertEqual((result.created, result.updated, result.unchanged), (1, 1, 0))
        self.assertEqual(set(self.team.lines_of_business.all()), {self.lob, self.sales})
        self.assertEqual(set(self.team.supervisors.all()), {self.supervisor, self.other_supervisor})
        team_c = Team.objects.get(name="Team C")
        self.assertEqual(list(team_c.lines_of_business.all()), [self.sales])
        self.assertEqual(list(team_c.supervisors.all()), [])
        self.assertEqual(teams_import_csv(data=data).unchanged, 2)

    def test_a_column_left_out_leaves_the_sets_alone(self):
        teams_import_csv(data=csv_bytes(f"name,site\nTeam A,{self.site.name}\n"))
        self.assertEqual(list(self.team.supervisors.all()), [self.supervisor])
        self.assertEqual(list(self.team.lines_of_business.all()), [self.lob])

    def test_a_bad_row_imports_nothing_and_names_line_and_column(self):
        data = csv_bytes(
            self.HEADER
            + f"Team A,{self.site.name},sales,other_supervisor\n"
            + "Team C,Nowhere,billing,\n"  # line 3
            + f"Team D,{self.site.name},gold,qa；nobody\n"  # line 4, full-width separator
        )
        with self.assertRaises(RosterImportError) as caught:
            teams_import_csv(data=data)
        self.assertEqual(
            problems(caught.exception),
            [(3, "site"), (4, "lines_of_business"), (4, "supervisors"), (4, "supervisors")],
        )
        reasons = " ".join(e.reason for e in caught.exception.errors)
        self.assertIn("qa does not have the Supervisor role", reasons)
        self.assertIn("'nobody'", reasons)
        self.assertFalse(Team.objects.filter(name__in=["Team C", "Team D"]).exists())
        self.assertEqual(list(self.team.supervisors.all()), [self.supervisor])

    def test_a_gb18030_file_with_chinese_team_names(self):
        data = csv_bytes(self.HEADER + f"北京二组,{self.site.name},billing,supervisor\n", "gb18030")
        self.assertEqual(teams_import_csv(data=data).created, 1)
        self.assertEqual(list(Team.objects.get(name="北京二组").supervisors.all()), [self.supervisor])


class CommandTests(Personas):
    def write(self, text: str, encoding: str = "utf-8") -> str:
        handle = tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False)
        handle.write(text.encode(encoding))
        handle.close()
        self.addCleanup(pathlib.Path(handle.name).unlink)
        return handle.name

    def exit_code(self, *argv: str) -> tuple[int, str]:
        err = io.StringIO()
        with redirect_stderr(err), self.assertRaises(SystemExit) as caught:
            ManagementUtility(["manage.py", *argv]).execute()
        return caught.exception.code, err.getvalue()

    def test_import_agents_succeeds_and_reports_counts(self):
        out = io.StringIO()
        call_command("import_agents", self.write(AGENTS_HEADER + "E800,Wu Lei,Team A,2024-01-01,yes,\n"), stdout=out)
        self.assertIn("Imported 1 agents", out.getvalue())
        self.assertTrue(Agent.objects.filter(employee_id="E800").exists())

    def test_import_agents_exits_non_zero_naming_the_row_and_field(self):
        path = self.write(
            AGENTS_HEADER + "E800,Wu Lei,Team A,2024-01-01,yes,\nE801,Xu Jing,Team A,someday,yes,\n", "gb18030"
        )
        code, err = self.exit_code("import_agents", path)
        self.assertNotEqual(code, 0)
        self.assertIn(f"{path}: line 3: hire_date:", err)
        self.assertIn("nothing was imported", err)
        self.assertFalse(Agent.objects.filter(employee_id="E800").exists())

    def test_import_teams_exits_non_zero_naming_the_row_and_field(self):
        path = self.write(f"name,site\nTeam C,{self.team.site.name}\nTeam D,Nowhere\n")
        code, err = self.exit_code("import_teams", path)
        self.assertNotEqual(code, 0)
        self.assertIn(f"{path}: line 3: site:", err)
        self.assertFalse(Team.objects.filter(name="Team C").exists())

    def test_import_teams_succeeds(self):
        out = io.StringIO()
        call_command("import_teams", self.write(f"name,site\nTeam C,{self.team.site.name}\n"), stdout=out)
        self.assertIn("1 new", out.getvalue())

    def test_a_missing_file_exits_non_zero(self):
        code, err = self.exit_code("import_agents", "/nonexistent/roster.csv")
        self.assertNotEqual(code, 0)
        self.assertIn("no such file", err)


class ImportPageTests(Personas):
    def upload(self, kind: str, text: str, encoding: str = "utf-8"):
        return self.client.post(
            "/people/import/",
            {"kind": kind, "file": SimpleUploadedFile("roster.csv", text.encode(encoding), content_type="text/csv")},
        )

    def test_a_manager_imports_agents_from_a_gb18030_file(self):
        self.client.force_login(self.manager)
        response = self.upload("agents", AGENTS_HEADER + "E900,王芳,Team A,2024-03-18,是,\n", "gb18030")
        self.assertRedirects(response, "/people/import/", fetch_redirect_response=False)
        self.assertEqual(Agent.objects.get(employee_id="E900").name, "王芳")
        self.assertContains(self.client.get("/people/import/"), "Imported 1 agent: 1 new, 0 changed, 0 unchanged.")

    def test_a_bad_file_shows_the_row_report_and_imports_nothing(self):
        self.client.force_login(self.manager)
        response = self.upload(
            "agents",
            AGENTS_HEADER
            + "E900,Wang Fang,Team A,2024-03-18,,\nE901,Li Lei,Team Q,2024-03-18,,\nE902,Ma Li,Team A,2024-03-18,,\n",
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1 problem found — nothing was imported")
        self.assertContains(response, '<td class="num">3</td><td>team</td>')
        self.assertFalse(Agent.objects.filter(employee_id__in=["E900", "E902"]).exists())

    def test_a_manager_imports_teams(self):
        self.client.force_login(self.manager)
        response = self.upload("teams", f"name,site,supervisors\nTeam C,{self.team.site.name},supervisor\n")
        self.assertRedirects(response, "/people/import/")
        self.assertEqual(list(Team.objects.get(name="Team C").supervisors.all()), [self.supervisor])

    def test_the_import_refuses_supervisor_qa_hr_and_agent(self):
        for user in (self.supervisor, self.qa, self.trainer, self.hr, self.agent_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                response = self.upload("agents", AGENTS_HEADER + "E900,Wang Fang,Team A,2024-03-18,,\n")
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Agent.objects.filter(employee_id="E900").exists())
