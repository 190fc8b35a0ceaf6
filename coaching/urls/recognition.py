"""Pages of the coaching app: recognition."""

from django.urls import path

from ..views import recognition

urlpatterns = [
    path("coaching/recognition/", recognition.my_recognition, name="coaching-recognition-mine"),
    path("coaching/recognition/board/", recognition.team_board, name="coaching-recognition-board"),
    path("coaching/recognition/settings/", recognition.policy, name="coaching-recognition-settings"),
    path("coaching/recognition/agents/<int:pk>/", recognition.agent_recognition, name="coaching-recognition-agent"),
    path(
        "coaching/recognition/kudos/evaluation/<int:evaluation_id>/",
        recognition.kudos_on_evaluation,
        name="coaching-kudos-evaluation",
    ),
    path("coaching/recognition/kudos/library/<int:entry_id>/", recognition.kudos_on_entry, name="coaching-kudos-entry"),
]
