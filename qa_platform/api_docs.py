"""The OpenAPI schema (/api/schema/) and its interactive docs (/api/docs/) need a logged-in user
(a session, or `Authorization: Token` for the schema) unless API_DOCS_PUBLIC is on: the schema
lists every endpoint and field, a map for anyone probing the site. The permission itself is
`qa_platform.security.ApiDocsPermission` (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]), kept out of
this module because drf-spectacular imports it while this module imports drf-spectacular."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (`?script`), not inline, and a page
    template without inline style: it stays within the site's Content-Security-Policy."""

    template_name = "api/swagger_ui.html"


_swagger = SwaggerView.as_view(url_name="schema")


def api_docs(request, *args, **kwargs):
    """The docs page. A person who is not logged in goes to the login page and comes back,
    rather than meeting a bare 403."""
    if not (settings.API_DOCS_PUBLIC or request.user.is_authenticated):
        return redirect_to_login(request.get_full_path())
    return _swagger(request, *args, **kwargs)
