"""Forms of the people pages. They parse and check input; the services in services.py write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from qa_platform.roles import ROLE_LABELS

from ..models import Agent, Team
from . import selectors

User = get_user_model()
MAX_ROSTER_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{obj.username} — {full}" if full else obj.username


class AccountChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class AgentForm(forms.ModelForm):
    user = AccountChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No login"),
        label=_("Login (user account)"),
        help_text=_("An account with the Agent role that is no other agent's login; it sees this agent's calls."),
    )

    class Meta:
        model = Agent
        fields = ["employee_id", "name", "team", "hire_date", "active", "user", "monitoring_notified_on"]
        widgets = {"hire_date": DateInput(), "monitoring_notified_on": DateInput()}
        help_texts = {
            "active": _(
                "Clear it when the agent leaves: their calls and evaluations stay, and they are no longer sampled."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.login_choices(self.instance if self.instance.pk else None)
        self.fields["team"].queryset = Team.objects.order_by("name")


class TeamForm(forms.ModelForm):
    supervisors = AccountChoices(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Supervisors"),
        help_text=_("Active accounts with the Supervisor role. A supervisor sees the calls of the teams they lead."),
    )

    class Meta:
        model = Team
        fields = ["name", "site", "lines_of_business", "supervisors"]
        widgets = {"lines_of_business": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisors"].queryset = selectors.supervisor_choices(self.instance)
        self.fields["lines_of_business"].required = False


class AccountForm(forms.Form):
    """A user account: who it is, its roles, whether it may log in, and a password (required
    for a new account, blank on an edit to keep the current one)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Where reminders are sent."))
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=(), required=False, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Clear it to stop the account logging in; everything it did is kept."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, grantable: tuple[str, ...], creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.fields["roles"].choices = [(r, ROLE_LABELS[r]) for r in grantable]
        if creating:
            self.fields["password1"].required = self.fields["password2"].required = True
            self.fields["password1"].help_text = _(
                "The initial password: at least 8 characters, not like the username. Tell it to the person; "
                "they change it after logging in."
            )
        else:
            self.fields["password1"].help_text = _("Leave both blank to keep the current password.")

    def clean(self):
        data = super().clean()
        if data.get("password1", "") != data.get("password2", ""):
            self.add_error("password2", _("The two passwords differ."))
        return data

    @classmethod
    def initial_for(cls, account) -> dict:
        return {
            "username": account.username,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "roles": list(account.groups.values_list("name", flat=True)),
            "is_active": account.is_active,
        }


class RosterImportForm(forms.Form):
    AGENTS, TEAMS = "agents", "teams"
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=[(AGENTS, _("Agents")), (TEAMS, _("Teams"))],
        widget=forms.RadioSelect,
        initial=AGENTS,
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without a BOM) or GB18030/GBK, with a header row. Any bad row imports nothing."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; split it."))
        return upload
