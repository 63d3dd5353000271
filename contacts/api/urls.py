from common.api.routers import OptionalSlashRouter
from contacts.api.views import BlacklistViewSet

router = OptionalSlashRouter()
router.register("blacklist", BlacklistViewSet)

urlpatterns = router.urls
