"""One line per operation, shown beside it in Swagger: a resource's standard actions say what they do to which
object; every other operation is named here, by its operationId (the schema test fails on one left out)."""

from django.utils import translation

# What a router's standard action does, with the model's names (English, as the rest of the schema).
_CRUD = {
    "list": "List {plural}",
    "create": "Create {a} {singular}",
    "retrieve": "Get {a} {singular}",
    "update": "Replace {a} {singular}",
    "partial_update": "Update {a} {singular}",
    "destroy": "Delete {a} {singular}",
}

SUMMARIES: dict[str, str] = {
    # POS
    "v1_pos_customer_retrieve": "Identify the customer by card, phone or contact id",
    "v1_pos_calculate_create": "Calculate a receipt: discounts, points to earn, points that can be redeemed",
    "v1_pos_purchases_create": "Confirm a purchase (idempotent)",
    "v1_pos_purchases_refund_create": "Refund a purchase, all of it or some lines (idempotent)",
    # Contacts
    "v1_contacts_subscriptions_list": "A contact's subscription changes",
    "v1_contacts_confirm_phone_send_create": "Send a phone confirmation code by SMS",
    "v1_contacts_confirm_phone_create": "Confirm a phone with the code sent",
    "v1_contacts_confirm_email_send_create": "Send an e-mail confirmation link",
    # Loyalty
    "v1_contacts_balance_retrieve": "A contact's points balance per program",
    "v1_contacts_ledger_list": "A contact's points ledger",
    "v1_contacts_adjustments_create": "Adjust a contact's points by hand",
    "v1_settlements_list": "Settlements between partners",
    # Catalogue
    "v1_product_segments_preview_retrieve": "Preview the products of a product segment",
    # Campaigns
    "v1_campaigns_duplicate_create": "Duplicate a campaign as a draft",
    "v1_campaigns_effect_retrieve": "A campaign's effect: cost and uplift against the control group",
    "v1_campaigns_pause_create": "Pause a campaign",
    "v1_campaigns_resume_create": "Resume a paused campaign",
    "v1_campaigns_simulate_create": "Simulate a receipt with this campaign added to the active ones",
    # Promo codes
    "v1_promo_pools_codes_list": "List a pool's codes",
    "v1_promo_pools_export_retrieve": "Export a pool's codes as CSV",
    "v1_promo_pools_generate_create": "Generate codes into a pool",
    "v1_promo_pools_import_create": "Import codes into a pool from CSV",
    "v1_promo_pools_jobs_list": "List a pool's generation jobs",
    # Segments
    "v1_segments_preview_create": "Preview the contacts that rules would select",
    "v1_segments_members_list": "List a segment's members",
    "v1_segments_members_create": "Add contacts to a static segment",
    "v1_segments_members_remove_create": "Remove contacts from a static segment",
    "v1_segments_recompute_create": "Recompute a segment's membership now",
    # Events and messages
    "v1_events_create": "Post events (up to 500 a call)",
    # Surveys
    "v1_surveys_invite_create": "Invite the survey's audience: one personal link each",
    "v1_surveys_links_list": "List the survey's personal links",
    "v1_surveys_results_retrieve": "A survey's results (JSON, CSV or XLSX)",
    "v1_survey_responses_retrieve": "Open a survey by its personal link",
    "v1_survey_responses_create": "Answer a survey by its personal link",
    # Promoters
    "v1_stands_stats_retrieve": "A stand's figures: leads, new contacts, per promoter and per hour",
    "v1_leads_create": "Capture a lead at a stand (idempotent by the lead's id)",
    # Personal account
    "v1_account_otp_create": "Send a login code by SMS",
    "v1_account_login_create": "Log in with the code: a customer token",
    "v1_account_logout_create": "Log out: revoke the customer token",
    "v1_account_me_retrieve": "The customer's account: cards, balances, tiers",
    "v1_account_me_partial_update": "Update the customer's profile and subscriptions",
    "v1_account_history_list": "The customer's purchases and points entries",
    "v1_account_cards_block_create": "Block one of the customer's cards",
    "v1_account_wallet_apple_retrieve": "The card as an Apple Wallet pass",
    "v1_account_wallet_google_retrieve": "A link that saves the card to Google Wallet",
    # Analytics
    "v1_analytics_overview_retrieve": "Overview: revenue, receipts, contacts, points, discount",
    "v1_analytics_program_retrieve": "The program's points and liability, in all and per partner",
    "v1_analytics_rfm_retrieve": "RFM: recency, frequency, money and segment per contact",
    "v1_analytics_rfm_segment_create": "Make a customer segment of an RFM segment",
    "v1_analytics_ltv_retrieve": "LTV and retention per monthly cohort",
    "v1_analytics_abc_xyz_retrieve": "ABC/XYZ of products or categories",
    "v1_analytics_bcg_retrieve": "BCG matrix of the categories",
    "v1_analytics_fraud_retrieve": "Suspected fraud, scored",
    "v1_analytics_registers_retrieve": "Receipts per register by weekday and hour",
    "v1_analytics_licence_retrieve": "The licence and how much of it is used",
    # Organisation
    "v1_registers_rotate_key_create": "Rotate a register's API key",
    # Access
    "v1_auth_token_create": "Get a staff API token with a username and password",
}


# Models whose own names say less than the resource does.
NOUNS: dict[str, tuple[str, str]] = {
    "auth.user": ("staff user", "staff users"),
    "contacts.blacklistentry": ("blacklist entry", "blacklist entries"),
}


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def crud_summary(action: str | None, model: type | None) -> str | None:
    """The summary of a router's standard action on `model`, in English whatever the request's language."""
    template = _CRUD.get(action or "")
    if template is None or model is None:
        return None
    with translation.override(None):
        singular, plural = NOUNS.get(
            model._meta.label_lower,  # type: ignore[attr-defined]
            (str(model._meta.verbose_name), str(model._meta.verbose_name_plural)),  # type: ignore[attr-defined]
        )
    return template.format(a=_article(singular), singular=singular, plural=plural)
