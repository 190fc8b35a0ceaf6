"""The personas every permission test uses, built once per test class (setUpTestData).

agent / other_agent (another team) / supervisor (of agent's team) / other_supervisor
(of other_agent's team) / qa / trainer / manager / hr.
"""

from django.test import TestCase

from tests import factories as f


class Personas(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lob = f.LineOfBusinessFactory(code="billing", name="Billing")
        cls.team = f.TeamFactory(name="Team A")
        cls.other_team = f.TeamFactory(name="Team B")
        cls.team.lines_of_business.add(cls.lob)
        cls.other_team.lines_of_business.add(cls.lob)

        cls.agent_user = f.UserFactory(username="agent", roles=["agent"])
        cls.other_agent_user = f.UserFactory(username="other_agent", roles=["agent"])
        cls.supervisor = f.UserFactory(username="supervisor", roles=["supervisor"])
        cls.other_supervisor = f.UserFactory(username="other_supervisor", roles=["supervisor"])
        cls.qa = f.UserFactory(username="qa", roles=["qa"])
        cls.trainer = f.UserFactory(username="trainer", roles=["trainer"])
        cls.manager = f.UserFactory(username="manager", roles=["manager"])
        cls.hr = f.UserFactory(username="hr", roles=["hr"])

        cls.team.supervisors.add(cls.supervisor)
        cls.other_team.supervisors.add(cls.other_supervisor)
        cls.agent = f.AgentFactory(employee_id="E1", name="Li Na", team=cls.team, user=cls.agent_user)
        cls.other_agent = f.AgentFactory(
            employee_id="E2", name="Wang Wei", team=cls.other_team, user=cls.other_agent_user
        )

        cls.call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, external_id="A-1")
        cls.other_call = f.CallFactory(agent=cls.other_agent, line_of_business=cls.lob, external_id="B-1")
