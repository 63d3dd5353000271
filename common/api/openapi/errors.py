"""The error responses each operation documents, in the contract's one shape (`common.api.errors.error_body`).

Every operation gets the statuses that follow from what it is (credentials → 401 and 403, a path parameter → 404,
input → 400, a delete → 409 `protected`); `SPECIFIC` adds the codes its services raise (`common.errors` and the
exceptions that subclass it), found by where they are raised. Each response lists its codes, with an example
body per code.
"""

from typing import Any

# The component every error response refers to.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error of the API, whatever its status.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Machine-readable and fixed: each response lists the codes it can carry.",
                },
                "message": {"type": "string", "description": "Human text, in the request's language."},
                "fields": {
                    "type": "object",
                    "description": "Per input field, what is wrong with it (a list of messages); empty otherwise.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

STATUS_DESCRIPTIONS = {
    400: "Invalid input",
    401: "No credentials, or wrong ones",
    403: "Not allowed",
    404: "Unknown object",
    409: "Business conflict: nothing was written",
    429: "Too many requests: wait and retry",
}

# code → (example message, example fields)
MESSAGES: dict[str, tuple[str, dict[str, Any]]] = {
    "invalid": ("lines: This field is required.", {"lines": ["This field is required."]}),
    "not_authenticated": ("Authentication credentials were not provided.", {}),
    "authentication_failed": ("Invalid token.", {}),
    "permission_denied": ("You do not have permission to perform this action.", {}),
    "not_found": ("Not found.", {}),
    "protected": ("The object is still referenced by other objects and cannot be deleted.", {}),
    "conflict": ("The change conflicts with existing data.", {}),
    "too_many_requests": ("Request was throttled.", {}),
    # POS
    "customer_not_found": ("No customer with this card.", {}),
    "card_blocked": ("This card is blocked.", {}),
    "idempotency_key_required": (
        "The Idempotency-Key header is required.",
        {"Idempotency-Key": ["Required."]},
    ),
    "idempotency_key_reused": ("This Idempotency-Key was already used with another request.", {}),
    "duplicate_receipt": ("This receipt is already confirmed on this register.", {}),
    "insufficient_points": ("The customer has 120.00 active points.", {"redeem_points": ["300.00"]}),
    "redeem_limit_exceeded": ("At most 300.00 points can be redeemed on this receipt.", {}),
    "code_used": ("The promo code X7K2QPRM is already used.", {"promo_codes": ["X7K2QPRM"]}),
    "refund_exceeds_purchase": (
        "Line 0: more than was bought and not yet refunded.",
        {"lines": ["Line 0 exceeds the purchase."]},
    ),
    "too_many_attempts": ("Too many unknown promo codes from this register; wait a minute.", {}),
    # elsewhere
    "blacklisted": ("+79001234567 is on the blacklist.", {"phone": ["On the blacklist."]}),
    "duplicate_contact": ("A contact with this phone already exists.", {"phone": ["Already exists."]}),
    "duplicate": ("This phone or e-mail is already on the blacklist.", {}),
    "duplicate_card": ("A card with this number already exists.", {"number": ["Already exists."]}),
    "card_numbers_exhausted": ("The card type has run out of numbers.", {}),
    "card_number_conflict": ("Could not find a free card number.", {}),
    "no_card_type": ("The program has no card type to issue a card of.", {}),
    "already_member": ("Contact 5 already belongs to another master account in this program.", {"members": [5]}),
    "master_account_program_changed": ("The master account's points are kept in another program.", {}),
    "invalid_status": ("Only a campaign that is paused can be resumed; this one is active.", {}),
    "pool_in_use": ("Codes of this pool are used on receipts: it cannot be deleted.", {}),
    "invalid_code": ("The code is wrong.", {"code": ["Wrong code."]}),
    "code_expired": ("The code has expired: ask for a new one.", {}),
    "no_phone": ("The contact has no phone.", {"phone": ["No phone."]}),
    "no_email": ("The contact has no e-mail.", {"email": ["No e-mail."]}),
    "birth_date_locked": ("The birth date can be set once.", {"birth_date": ["The birth date can be set once."]}),
    "not_configured": ("The wallet is not configured.", {}),
    "stand_closed": ("The stand is not open at this time.", {}),
    "duplicate_code": ("A stand with this code already exists.", {"code": ["Taken."]}),
    "survey_closed": ("The survey is closed.", {}),
    "already_answered": ("You have already answered this survey.", {}),
    "survey_answered": ("The survey has responses: its questions keep their number, kinds and number of options.", {}),
    "brand_required": ("Choose a brand.", {"brand": ["Choose a brand."]}),
    "program_required": ("Choose a program.", {"program": ["Choose a program."]}),
    "return_exceeds_redemption": ("More points than were redeemed.", {}),
    "too_large": ("The request body is larger than 2621440 bytes.", {}),
}

Codes = dict[int, tuple[str, ...]]

# operationId → the statuses and codes its services raise beyond the general ones.
SPECIFIC: dict[str, Codes] = {
    # POS
    "v1_pos_customer_retrieve": {404: ("customer_not_found",), 409: ("card_blocked",)},
    "v1_pos_calculate_create": {404: ("customer_not_found",), 409: ("card_blocked",), 429: ("too_many_attempts",)},
    "v1_pos_purchases_create": {
        400: ("idempotency_key_required",),
        404: ("customer_not_found",),
        409: (
            "idempotency_key_reused",
            "duplicate_receipt",
            "insufficient_points",
            "redeem_limit_exceeded",
            "code_used",
            "card_blocked",
        ),
        429: ("too_many_attempts",),
    },
    "v1_pos_purchases_refund_create": {
        400: ("idempotency_key_required", "refund_exceeds_purchase"),
        409: ("idempotency_key_reused",),
    },
    # Access
    "v1_auth_token_create": {401: ("authentication_failed",), 429: ("too_many_attempts",)},
    # Events
    "v1_events_create": {400: ("too_large",)},
    # Promoters
    "v1_leads_create": {
        400: ("blacklisted",),
        403: ("stand_closed",),
        409: ("idempotency_key_reused",),
        429: ("too_many_requests",),
    },
    "v1_stands_create": {409: ("duplicate_code",)},
    "v1_stands_update": {409: ("duplicate_code",)},
    "v1_stands_partial_update": {409: ("duplicate_code",)},
    # Personal account
    "v1_account_otp_create": {429: ("too_many_attempts",)},
    "v1_account_login_create": {400: ("invalid_code",)},
    "v1_account_me_partial_update": {400: ("birth_date_locked", "blacklisted")},
    "v1_account_wallet_apple_retrieve": {404: ("not_found", "not_configured")},
    "v1_account_wallet_google_retrieve": {404: ("not_found", "not_configured")},
    "v1_account_cards_block_create": {404: ("not_found",)},
    # Contacts
    "v1_contacts_create": {400: ("blacklisted",), 409: ("duplicate_contact",)},
    "v1_contacts_update": {400: ("blacklisted",), 409: ("duplicate_contact",)},
    "v1_contacts_partial_update": {400: ("blacklisted",), 409: ("duplicate_contact",)},
    "v1_blacklist_create": {409: ("duplicate",)},
    "v1_blacklist_update": {409: ("duplicate",)},
    "v1_blacklist_partial_update": {409: ("duplicate",)},
    "v1_contacts_confirm_phone_send_create": {400: ("no_phone",)},
    "v1_contacts_confirm_phone_create": {400: ("invalid_code",), 409: ("code_expired",)},
    "v1_contacts_confirm_email_send_create": {400: ("no_email",)},
    # Loyalty
    "v1_cards_create": {
        400: ("card_numbers_exhausted", "no_card_type"),
        409: ("duplicate_card", "card_number_conflict"),
    },
    "v1_cards_update": {409: ("duplicate_card",)},
    "v1_cards_partial_update": {409: ("duplicate_card",)},
    "v1_master_accounts_create": {409: ("already_member",)},
    "v1_master_accounts_update": {409: ("already_member", "master_account_program_changed")},
    "v1_master_accounts_partial_update": {409: ("already_member", "master_account_program_changed")},
    "v1_contacts_adjustments_create": {400: ("return_exceeds_redemption",)},
    # Campaigns
    "v1_campaigns_pause_create": {409: ("invalid_status",)},
    "v1_campaigns_resume_create": {409: ("invalid_status",)},
    "v1_campaigns_update": {409: ("invalid_status",)},
    "v1_campaigns_partial_update": {409: ("invalid_status",)},
    # Promo codes
    "v1_promo_pools_destroy": {409: ("pool_in_use",)},
    # Surveys
    "v1_survey_responses_create": {409: ("already_answered", "survey_closed")},
    "v1_surveys_invite_create": {409: ("survey_closed",)},
    "v1_surveys_update": {409: ("survey_answered",)},
    "v1_surveys_partial_update": {409: ("survey_answered",)},
    # Analytics
    "v1_analytics_overview_retrieve": {400: ("brand_required",)},
    "v1_analytics_registers_retrieve": {400: ("brand_required",)},
    "v1_analytics_program_retrieve": {400: ("program_required",)},
    "v1_analytics_rfm_retrieve": {400: ("brand_required",)},
    "v1_analytics_ltv_retrieve": {400: ("brand_required",)},
    "v1_analytics_abc_xyz_retrieve": {400: ("brand_required",)},
    "v1_analytics_bcg_retrieve": {400: ("brand_required",)},
    "v1_analytics_fraud_retrieve": {400: ("brand_required",)},
}


def general_codes(
    *, method: str, path: str, has_input: bool, authenticated: bool, customer_only: bool, action: str | None
) -> Codes:
    """The statuses any operation of this kind can answer, whatever its services do."""
    codes: Codes = {}
    if has_input:
        codes[400] = ("invalid",)
    if authenticated:
        codes[401] = ("not_authenticated", "authentication_failed")
        if not customer_only:
            codes[403] = ("permission_denied",)
    if "{" in path:
        codes[404] = ("not_found",)
    if method == "DELETE" or action == "destroy":
        codes[409] = ("protected",)
    return codes


def merged(general: Codes, specific: Codes) -> Codes:
    """Both sets of codes per status, each code once, the general ones first."""
    out: Codes = {}
    for status in sorted({*general, *specific}):
        out[status] = tuple(dict.fromkeys((*general.get(status, ()), *specific.get(status, ()))))
    return out


def response(status: int, codes: tuple[str, ...], ref: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI response for one status: its codes in the description, an example body per code."""
    listed = ", ".join(f"`{code}`" for code in codes)
    examples = {}
    for code in codes:
        message, fields = MESSAGES.get(code, (code.replace("_", " ").capitalize() + ".", {}))
        examples[code] = {"value": {"error": {"code": code, "message": message, "fields": fields}}}
    body: dict[str, Any] = {
        "description": f"{STATUS_DESCRIPTIONS[status]}: {listed}.",
        "content": {"application/json": {"schema": ref, "examples": examples}},
    }
    if status == 429:
        body["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait, when known."}
        }
    return body
