"""Pages of the coaching app: plans."""

from django.urls import path

from ..views import plans

urlpatterns = [
    path("coaching/plans/", plans.plan_list, name="coaching-plan-list"),
    path("coaching/plans/new/", plans.plan_create, name="coaching-plan-create"),
    path("coaching/mine/", plans.my_plans, name="coaching-my-plans"),
    path("coaching/plans/<int:pk>/", plans.plan_detail, name="coaching-plan-detail"),
    path("coaching/plans/<int:pk>/edit/", plans.plan_edit, name="coaching-plan-edit"),
    path("coaching/plans/<int:pk>/sessions/new/", plans.session_create, name="coaching-session-create"),
    path("coaching/plans/<int:pk>/complete/", plans.plan_complete, name="coaching-plan-complete"),
    *(
        path(f"coaching/plans/<int:pk>/{step}/", plans.plan_step, {"step": step}, name=f"coaching-plan-{step}")
        for step in plans.STEPS
    ),
    path("coaching/sessions/<int:pk>/acknowledge/", plans.session_acknowledge, name="coaching-session-acknowledge"),
    path("coaching/sessions/<int:pk>/attachment/", plans.session_attachment, name="coaching-session-attachment"),
]
