from django.urls import re_path

from campaigns.surveys.api import views
from common.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("surveys", views.SurveyViewSet)

urlpatterns = [
    re_path(r"^survey-responses/(?P<token>[^/]+)/?$", views.SurveyResponseView.as_view(), name="survey-response"),
    *router.urls,
]
