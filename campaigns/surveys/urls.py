"""The survey page, at the site's root: the links in messages are short (`/s/<token>/`)."""

from django.urls import path

from campaigns.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.survey_page, name="page"),
]
