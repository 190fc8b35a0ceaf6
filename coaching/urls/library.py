"""Pages of the coaching app: the call library."""

from django.urls import path

from ..views import library

urlpatterns = [
    path("coaching/library/", library.library_list, name="coaching-library"),
    path("coaching/library/<int:pk>/", library.library_detail, name="coaching-library-detail"),
    path("coaching/library/<int:pk>/recording", library.library_recording, name="coaching-library-recording"),
    path("coaching/library/<int:pk>/edit/", library.library_edit, name="coaching-library-edit"),
    path("coaching/library/<int:pk>/curate/", library.library_curate, name="coaching-library-curate"),
    path("coaching/library/<int:pk>/remove/", library.library_remove, name="coaching-library-remove"),
    path("coaching/library/mark/<int:evaluation_id>/", library.library_mark, name="coaching-library-mark"),
]
