"""The v1 API: every app's router and command endpoints."""

from django.urls import include, path

urlpatterns = [
    path("", include("contacts.api.urls")),
    path("", include("loyalty.api.urls")),
    path("", include("loyalty.pos.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("campaigns.messaging.api.urls")),
    path("", include("campaigns.surveys.api.urls")),
    path("", include("promocodes.api.urls")),
    path("", include("promoters.api.urls")),
    path("", include("access.api.urls")),
    path("", include("account.api.urls")),
    path("", include("analytics.api.urls")),
]
