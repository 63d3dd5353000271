from django.urls import re_path

from common.api.routers import OptionalSlashRouter
from contacts.api.views import BlacklistViewSet, ContactSubscriptionsView

router = OptionalSlashRouter()
router.register("blacklist", BlacklistViewSet)

urlpatterns = [
    re_path(
        r"^contacts/(?P<pk>\d+)/subscriptions/?$", ContactSubscriptionsView.as_view(), name="contact-subscriptions"
    ),
    *router.urls,
]
