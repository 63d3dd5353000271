from django.urls import re_path

from campaigns.messaging.api import views
from common.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("triggers", views.TriggerViewSet)
router.register("messages", views.MessageViewSet)

urlpatterns = [
    re_path(
        r"^contacts/(?P<pk>\d+)/confirm-phone/send/?$", views.ConfirmPhoneSendView.as_view(), name="confirm-phone-send"
    ),
    re_path(r"^contacts/(?P<pk>\d+)/confirm-phone/?$", views.ConfirmPhoneView.as_view(), name="confirm-phone"),
    re_path(
        r"^contacts/(?P<pk>\d+)/confirm-email/send/?$", views.ConfirmEmailSendView.as_view(), name="confirm-email-send"
    ),
    *router.urls,
]
