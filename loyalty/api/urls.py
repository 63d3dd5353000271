from django.urls import re_path

from common.api.routers import OptionalSlashRouter
from loyalty.api import views

router = OptionalSlashRouter()
router.register("programs", views.ProgramViewSet)
router.register("partners", views.PartnerViewSet)
router.register("brands", views.BrandViewSet)
router.register("stores", views.StoreViewSet)
router.register("registers", views.RegisterViewSet)
router.register("categories", views.CategoryViewSet)
router.register("products", views.ProductViewSet)
router.register("tiers", views.TierViewSet)
router.register("card-types", views.CardTypeViewSet)
router.register("cards", views.CardViewSet)
router.register("contacts", views.ContactViewSet)
router.register("master-accounts", views.MasterAccountViewSet)

urlpatterns = [
    re_path(r"^auth/token/?$", views.AuthTokenView.as_view(), name="auth-token"),
    *router.urls,
]
