from campaigns.api import views
from common.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("campaigns", views.CampaignViewSet)
router.register("product-segments", views.ProductSegmentViewSet)
router.register("segments", views.SegmentViewSet)

urlpatterns = router.urls
