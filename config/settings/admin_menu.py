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
                    {
                        "title": _("Contacts"),
                        "icon": "contacts",
                        "link": reverse_lazy("admin:contacts_contact_changelist"),
                        "permission": lambda request: request.user.has_perm("contacts.view_contact"),
                    },
                    {
                        "title": _("Blacklist"),
                        "icon": "block",
                        "link": reverse_lazy("admin:contacts_blacklistentry_changelist"),
                        "permission": lambda request: request.user.has_perm("contacts.view_blacklistentry"),
                    },
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
                    {
                        "title": _("Programs"),
                        "icon": "loyalty",
                        "link": reverse_lazy("admin:loyalty_program_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_program"),
                    },
                    {
                        "title": _("Partners"),
                        "icon": "handshake",
                        "link": reverse_lazy("admin:loyalty_partner_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_partner"),
                    },
                    {
                        "title": _("Brands"),
                        "icon": "sell",
                        "link": reverse_lazy("admin:loyalty_brand_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_brand"),
                    },
                    {
                        "title": _("Stores"),
                        "icon": "storefront",
                        "link": reverse_lazy("admin:loyalty_store_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_store"),
                    },
                    {
                        "title": _("Registers"),
                        "icon": "point_of_sale",
                        "link": reverse_lazy("admin:loyalty_register_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_register"),
                    },
                ],
            },
            {
                "title": _("Catalogue"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Categories"),
                        "icon": "category",
                        "link": reverse_lazy("admin:loyalty_category_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_category"),
                    },
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
                    {
                        "title": _("Tiers"),
                        "icon": "military_tech",
                        "link": reverse_lazy("admin:loyalty_tier_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_tier"),
                    },
                    {
                        "title": _("Card types"),
                        "icon": "style",
                        "link": reverse_lazy("admin:loyalty_cardtype_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_cardtype"),
                    },
                    {
                        "title": _("Cards"),
                        "icon": "credit_card",
                        "link": reverse_lazy("admin:loyalty_card_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_card"),
                    },
                    {
                        "title": _("Enrollments"),
                        "icon": "how_to_reg",
                        "link": reverse_lazy("admin:loyalty_enrollment_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_enrollment"),
                    },
                    {
                        "title": _("Master accounts"),
                        "icon": "family_restroom",
                        "link": reverse_lazy("admin:loyalty_masteraccount_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_masteraccount"),
                    },
                ],
            },
            {
                "title": _("Points"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Points accounts"),
                        "icon": "account_balance_wallet",
                        "link": reverse_lazy("admin:loyalty_account_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_account"),
                    },
                    {
                        "title": _("Ledger"),
                        "icon": "receipt_long",
                        "link": reverse_lazy("admin:loyalty_ledgerentry_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_ledgerentry"),
                    },
                    {
                        "title": _("Purchases"),
                        "icon": "shopping_cart",
                        "link": reverse_lazy("admin:loyalty_purchase_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_purchase"),
                    },
                    {
                        "title": _("Refunds"),
                        "icon": "assignment_return",
                        "link": reverse_lazy("admin:loyalty_refund_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_refund"),
                    },
                    {
                        "title": _("Tier changes"),
                        "icon": "trending_up",
                        "link": reverse_lazy("admin:loyalty_tierchange_changelist"),
                        "permission": lambda request: request.user.has_perm("loyalty.view_tierchange"),
                    },
                ],
            },
            {
                "title": _("Marketing"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Campaigns"),
                        "icon": "campaign",
                        "link": reverse_lazy("admin:campaigns_campaign_changelist"),
                        "permission": lambda request: request.user.has_perm("campaigns.view_campaign"),
                    },
                    {
                        "title": _("Product segments"),
                        "icon": "category_search",
                        "link": reverse_lazy("admin:campaigns_productsegment_changelist"),
                        "permission": lambda request: request.user.has_perm("campaigns.view_productsegment"),
                    },
                    {
                        "title": _("Customer segments"),
                        "icon": "groups",
                        "link": reverse_lazy("admin:campaigns_segment_changelist"),
                        "permission": lambda request: request.user.has_perm("campaigns.view_segment"),
                    },
                ],
            },
            {
                "title": _("Messaging"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Triggers"),
                        "icon": "bolt",
                        "link": reverse_lazy("admin:messaging_trigger_changelist"),
                        "permission": lambda request: request.user.has_perm("messaging.view_trigger"),
                    },
                    {
                        "title": _("Messages"),
                        "icon": "outbox",
                        "link": reverse_lazy("admin:messaging_message_changelist"),
                        "permission": lambda request: request.user.has_perm("messaging.view_message"),
                    },
                    {
                        "title": _("Surveys"),
                        "icon": "quiz",
                        "link": reverse_lazy("admin:surveys_survey_changelist"),
                        "permission": lambda request: request.user.has_perm("surveys.view_survey"),
                    },
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
                    {
                        "title": _("Codes"),
                        "icon": "password",
                        "link": reverse_lazy("admin:promocodes_promocode_changelist"),
                        "permission": lambda request: request.user.has_perm("promocodes.view_promocode"),
                    },
                    {
                        "title": _("Generation jobs"),
                        "icon": "pending_actions",
                        "link": reverse_lazy("admin:promocodes_generationjob_changelist"),
                        "permission": lambda request: request.user.has_perm("promocodes.view_generationjob"),
                    },
                    {
                        "title": _("Code uses"),
                        "icon": "redeem",
                        "link": reverse_lazy("admin:promocodes_codeuse_changelist"),
                        "permission": lambda request: request.user.has_perm("promocodes.view_codeuse"),
                    },
                    {
                        "title": _("Blocked code guessing"),
                        "icon": "gpp_bad",
                        "link": reverse_lazy("admin:promocodes_attemptblock_changelist"),
                        "permission": lambda request: request.user.has_perm("promocodes.view_attemptblock"),
                    },
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
                    {
                        "title": _("RFM"),
                        "icon": "groups",
                        "link": reverse_lazy("admin:metrics_rfmreport_changelist"),
                        "permission": lambda request: request.user.has_perm("metrics.view_rfmreport"),
                    },
                    {
                        "title": _("LTV and retention"),
                        "icon": "timeline",
                        "link": reverse_lazy("admin:metrics_ltvreport_changelist"),
                        "permission": lambda request: request.user.has_perm("metrics.view_ltvreport"),
                    },
                    {
                        "title": _("ABC/XYZ"),
                        "icon": "grid_view",
                        "link": reverse_lazy("admin:metrics_abcxyzreport_changelist"),
                        "permission": lambda request: request.user.has_perm("metrics.view_abcxyzreport"),
                    },
                    {
                        "title": _("BCG matrix"),
                        "icon": "scatter_plot",
                        "link": reverse_lazy("admin:metrics_bcgreport_changelist"),
                        "permission": lambda request: request.user.has_perm("metrics.view_bcgreport"),
                    },
                    {
                        "title": _("Fraud signals"),
                        "icon": "gpp_maybe",
                        "link": reverse_lazy("admin:metrics_fraudreport_changelist"),
                        "permission": lambda request: request.user.has_perm("metrics.view_fraudreport"),
                    },
                    {
                        "title": _("Churn"),
                        "icon": "trending_down",
                        "link": reverse_lazy("admin:metrics_churnmodel_changelist"),
                        "permission": lambda request: request.user.has_perm("metrics.view_churnmodel"),
                    },
                    {
                        "title": _("Licence use"),
                        "icon": "monitoring",
                        "link": reverse_lazy("admin:analytics_licenceusage_changelist"),
                        "permission": lambda request: request.user.has_perm("analytics.view_licenceusage"),
                    },
                ],
            },
            {
                "title": _("Promoters"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Stands"),
                        "icon": "storefront",
                        "link": reverse_lazy("admin:promoters_stand_changelist"),
                        "permission": lambda request: request.user.has_perm("promoters.view_stand"),
                    },
                    {
                        "title": _("Leads"),
                        "icon": "person_add",
                        "link": reverse_lazy("admin:promoters_lead_changelist"),
                        "permission": lambda request: request.user.has_perm("promoters.view_lead"),
                    },
                ],
            },
            {
                "title": _("Settings"),
                "separator": True,
                "collapsible": False,
                "items": [
                    {
                        "title": _("Users"),
                        "icon": "person",
                        "link": reverse_lazy("admin:auth_user_changelist"),
                        "permission": lambda request: request.user.has_perm("auth.view_user"),
                    },
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
