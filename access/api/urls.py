from access.api import views
from common.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("staff-users", views.StaffUserViewSet, basename="staff-user")

urlpatterns = router.urls
