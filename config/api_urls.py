"""The v1 API: every app's router and command endpoints."""

from django.urls import include, path

# The till's endpoints first (most of the traffic; patterns are tried in order). No other app's pattern matches
# a `pos/` path; `campaigns/<id>/simulate` came before the campaigns router's patterns already.
urlpatterns = [
    path("", include("loyalty.pos.urls")),
    path("", include("contacts.api.urls")),
    path("", include("loyalty.api.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("campaigns.messaging.api.urls")),
    path("", include("campaigns.surveys.api.urls")),
    path("", include("promocodes.api.urls")),
    path("", include("promoters.api.urls")),
    path("", include("access.api.urls")),
    path("", include("account.api.urls")),
    path("", include("analytics.api.urls")),
]
