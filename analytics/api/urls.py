from django.urls import re_path

from analytics.api import views

urlpatterns = [
    re_path(r"^analytics/licence/?$", views.LicenceView.as_view(), name="analytics-licence"),
]
