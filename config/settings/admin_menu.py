"""The admin's sidebar and theme (django-unfold's `UNFOLD` setting): the marketer's sections first, the technical
ones (tokens, periodic tasks) only for unlimited staff. Imported by `base`."""

from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def _technical(request: object, permission: str) -> bool:
    """The sidebar's technical entries: unlimited staff with the permission only."""
    from common.scoping import user_scope

    user = request.user  # type: ignore[attr-defined]
    return user_scope(user).unlimited and user.has_perm(permission)


def _model(title: object, icon: str, model: str) -> dict[str, object]:
    """An entry for a model's list (`app.model`), shown to users who may view that model."""
    app, name = model.split(".")
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(f"admin:{app}_{name}_changelist"),
        "permission": lambda request: request.user.has_perm(f"{app}.view_{name}"),
    }


UNFOLD = {
    "SITE_TITLE": _("Loyalty CRM"),
    "SITE_HEADER": _("Loyalty CRM"),
    # The header's label (unfold's environment badge): the brands a brand-limited user works in ("Brand: X");
    # nothing for unlimited staff. The header stays in sight at every width, the sidebar closes below 1280 px.
    "ENVIRONMENT": "access.admin_header.brand_label",
    "SHOW_LANGUAGES": True,
    # The admin's own touches on every page (common/admin.css): no time-zone warning by the date fields.
    "STYLES": [lambda request: static("common/admin.css")],
    "SHOW_HISTORY": True,
    # The home page is the marketer's overview of their brands (analytics), not Django's list of apps.
    "DASHBOARD_CALLBACK": "analytics.dashboards.home.dashboard_callback",
    # The analytics dashboards: pages of the admin site, each limited to the user's brands.
    "SITE_VIEWS": [
        ("analytics/dashboards/overview/", "analytics_overview", "analytics.dashboards.views.OverviewDashboard"),
        ("analytics/dashboards/register-load/", "analytics_load", "analytics.dashboards.views.LoadDashboard"),
        ("analytics/dashboards/registers/", "analytics_registers", "analytics.dashboards.views.InventoryDashboard"),
        ("analytics/dashboards/program/", "analytics_program", "analytics.dashboards.views.ProgramDashboard"),
        ("analytics/dashboards/refresh/", "analytics_refresh", "analytics.dashboards.views.RefreshView"),
    ],
    # The marketer's menu; each entry shows only to users who may view its model.
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": [
            {
                "title": _("Contacts"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Contacts"), "contacts", "contacts.contact"),
                    _model(_("Blacklist"), "block", "contacts.blacklistentry"),
                    {
                        "title": capfirst(_("contact audit log")),  # the page's own name
                        "icon": "history",
                        "link": reverse_lazy("admin:contacts_contactauditlog_changelist"),
                        "permission": lambda request: request.user.has_perm("contacts.view_contactauditlog"),
                    },
                ],
            },
            {
                "title": _("Organisation"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Programs"), "loyalty", "loyalty.program"),
                    _model(_("Partners"), "handshake", "loyalty.partner"),
                    _model(_("Brands"), "sell", "loyalty.brand"),
                    _model(_("Stores"), "storefront", "loyalty.store"),
                    _model(_("Registers"), "point_of_sale", "loyalty.register"),
                ],
            },
            {
                "title": _("Catalogue"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Categories"), "category", "loyalty.category"),
                    {
                        "title": _("Products"),
                        "icon": "inventory_2",
                        "link": reverse_lazy("admin:loyalty_product_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_product"),
                    },
                ],
            },
            {
                "title": _("Cards and tiers"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Tiers"), "military_tech", "loyalty.tier"),
                    _model(_("Card types"), "style", "loyalty.cardtype"),
                    _model(_("Cards"), "credit_card", "loyalty.card"),
                    _model(_("Enrollments"), "how_to_reg", "loyalty.enrollment"),
                    _model(_("Master accounts"), "family_restroom", "loyalty.masteraccount"),
                ],
            },
            {
                "title": _("Points"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Points accounts"), "account_balance_wallet", "loyalty.account"),
                    _model(_("Ledger"), "receipt_long", "loyalty.ledgerentry"),
                    _model(_("Purchases"), "shopping_cart", "loyalty.purchase"),
                    _model(_("Refunds"), "assignment_return", "loyalty.refund"),
                    _model(_("Tier changes"), "trending_up", "loyalty.tierchange"),
                ],
            },
            {
                "title": _("Marketing"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Campaigns"), "campaign", "campaigns.campaign"),
                    _model(_("Product segments"), "category_search", "campaigns.productsegment"),
                    _model(_("Customer segments"), "groups", "campaigns.segment"),
                ],
            },
            {
                "title": _("Messaging"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Triggers"), "bolt", "messaging.trigger"),
                    _model(_("Messages"), "outbox", "messaging.message"),
                    _model(_("Surveys"), "quiz", "surveys.survey"),
                ],
            },
            {
                "title": _("Promo codes"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": capfirst(_("promo-code pools")),  # the page's own name
                        "icon": "confirmation_number",
                        "link": reverse_lazy("admin:promocodes_promopool_changelist"),
                        "permission": lambda request: request.user.has_perm("promocodes.view_promopool"),
                    },
                    _model(_("Codes"), "password", "promocodes.promocode"),
                    _model(_("Generation jobs"), "pending_actions", "promocodes.generationjob"),
                    _model(_("Code uses"), "redeem", "promocodes.codeuse"),
                    _model(_("Blocked code guessing"), "gpp_bad", "promocodes.attemptblock"),
                ],
            },
            {
                "title": _("Analytics"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Brand overview"),
                        "icon": "dashboard",
                        "link": reverse_lazy("admin:analytics_overview"),
                        "permission": lambda request: request.user.has_perm("analytics.view_brandday"),
                    },
                    {
                        "title": _("Register load"),
                        "icon": "schedule",
                        "link": reverse_lazy("admin:analytics_load"),
                        "permission": lambda request: request.user.has_perm("analytics.view_brandday"),
                    },
                    {
                        "title": _("Registers"),
                        "icon": "point_of_sale",
                        "link": reverse_lazy("admin:analytics_registers"),
                        "permission": lambda request: request.user.has_perm("analytics.view_brandday"),
                    },
                    {
                        "title": _("Program report"),
                        "icon": "account_balance",
                        "link": reverse_lazy("admin:analytics_program"),
                        "permission": lambda request: request.user.has_perm("analytics.view_brandday"),
                    },
                    _model(_("RFM"), "groups", "metrics.rfmreport"),
                    _model(_("LTV and retention"), "timeline", "metrics.ltvreport"),
                    _model(_("ABC/XYZ"), "grid_view", "metrics.abcxyzreport"),
                    _model(_("BCG matrix"), "scatter_plot", "metrics.bcgreport"),
                    _model(_("Fraud signals"), "gpp_maybe", "metrics.fraudreport"),
                    _model(_("Churn"), "trending_down", "metrics.churnmodel"),
                    _model(_("Licence use"), "monitoring", "analytics.licenceusage"),
                ],
            },
            {
                "title": _("Promoters"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Stands"), "storefront", "promoters.stand"),
                    _model(_("Leads"), "person_add", "promoters.lead"),
                ],
            },
            {
                "title": _("Settings"),
                "separator": True,
                "collapsible": False,
                "items": [
                    _model(_("Users"), "person", "auth.user"),
                ],
            },
            {
                "title": _("Technical"),
                "separator": True,
                "collapsible": True,
                "items": [
                    {
                        "title": _("Groups"),
                        "icon": "group",
                        "link": reverse_lazy("admin:auth_group_changelist"),
                        "permission": lambda request: _technical(request, "auth.view_group"),
                    },
                    {
                        "title": _("API tokens"),
                        "icon": "key",
                        "link": reverse_lazy("admin:authtoken_tokenproxy_changelist"),
                        "permission": lambda request: _technical(request, "authtoken.view_tokenproxy"),
                    },
                    {
                        "title": _("Periodic tasks"),
                        "icon": "schedule",
                        "link": reverse_lazy("admin:django_celery_beat_periodictask_changelist"),
                        "permission": lambda request: _technical(request, "django_celery_beat.view_periodictask"),
                    },
                    {
                        "title": _("Crontab schedules"),
                        "icon": "calendar_month",
                        "link": reverse_lazy("admin:django_celery_beat_crontabschedule_changelist"),
                        "permission": lambda request: _technical(request, "django_celery_beat.view_crontabschedule"),
                    },
                    {
                        "title": _("Interval schedules"),
                        "icon": "timer",
                        "link": reverse_lazy("admin:django_celery_beat_intervalschedule_changelist"),
                        "permission": lambda request: _technical(request, "django_celery_beat.view_intervalschedule"),
                    },
                ],
            },
        ],
    },
}
