from common.api.routers import OptionalSlashRouter
from promocodes.api import views

router = OptionalSlashRouter()
router.register("promo-pools", views.PromoPoolViewSet)

urlpatterns = router.urls
