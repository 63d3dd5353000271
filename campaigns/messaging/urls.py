"""The public pages of messaging (mounted at the site's root: the links in messages are short)."""

from django.urls import path, re_path

from campaigns.messaging import views

app_name = "messaging"

urlpatterns = [
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    re_path(r"^t/o/(?P<token>[^/]+)/?$", views.track_open, name="open"),
    re_path(r"^t/c/(?P<token>[^/]+)/?$", views.track_click, name="click"),
    path("c/<str:token>/", views.confirm_email, name="confirm-email"),
]
