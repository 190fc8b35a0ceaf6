import django_filters

from qa_platform.filters import DateTimeFilter, IdFilter, StrictBooleanFilter

from .models import Call, Direction


class CallFilter(django_filters.FilterSet):
    agent = django_filters.CharFilter(field_name="agent__employee_id")
    team = IdFilter(field_name="agent__team_id")
    line_of_business = django_filters.CharFilter(field_name="line_of_business__code")
    shift = django_filters.CharFilter(field_name="shift__code")
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    service_type = django_filters.CharFilter()
    source = django_filters.CharFilter()
    start_after = DateTimeFilter(field_name="start_time", lookup_expr="gte")
    start_before = DateTimeFilter(field_name="start_time", lookup_expr="lt")
    date_from = django_filters.DateFilter(field_name="start_time", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="start_time", lookup_expr="date__lte")
    has_recording = StrictBooleanFilter(method="filter_has_recording")

    class Meta:
        model = Call
        fields = ["agent", "team", "line_of_business", "shift", "direction", "service_type", "source"]

    def filter_has_recording(self, queryset, name, value):
        return queryset.exclude(recording="") if value else queryset.filter(recording="")
