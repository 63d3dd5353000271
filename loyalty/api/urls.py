from django.urls import re_path

from common.api.routers import OptionalSlashRouter
from loyalty.api import events, ledger_views, views

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
    re_path(r"^contacts/(?P<pk>\d+)/balance/?$", ledger_views.ContactBalanceView.as_view(), name="contact-balance"),
    re_path(r"^contacts/(?P<pk>\d+)/ledger/?$", ledger_views.ContactLedgerView.as_view(), name="contact-ledger"),
    re_path(
        r"^contacts/(?P<pk>\d+)/adjustments/?$",
        ledger_views.ContactAdjustmentsView.as_view(),
        name="contact-adjustments",
    ),
    re_path(r"^settlements/?$", ledger_views.SettlementsView.as_view(), name="settlements"),
    re_path(r"^events/?$", events.EventsView.as_view(), name="events"),
    *router.urls,
]
