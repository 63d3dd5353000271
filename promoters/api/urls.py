from common.api.routers import OptionalSlashRouter
from promoters.api import views

router = OptionalSlashRouter()
router.register("stands", views.StandViewSet)
router.register("leads", views.LeadViewSet)

urlpatterns = router.urls
