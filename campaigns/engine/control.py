"""Control groups: who of a campaign's audience is held out to measure its effect.

A contact's bucket for a campaign is a number 0–9999 drawn from SHA-256 of ``"<campaign id>:<contact id>"``: the
same in every process and on every machine (unlike Python's ``hash()``), independent between campaigns, and
computable by the database too (`campaigns.effect.population.ControlPrefix`), so the analysis splits the audience
exactly as the till did. A contact is in the control group when the bucket is below ``control_percent × 100``.
Unkeyed on purpose: the split must survive a change of ``SECRET_KEY`` and be checkable by hand.
"""

from hashlib import sha256

CONTROL_BUCKETS = 10_000
MAX_CONTROL_PERCENT = 50
# The digest's first 4 bytes (8 hex digits) decide the bucket: bucket = value × 10000 // 2**32.
_PREFIX_BYTES = 4
_PREFIX_RANGE = 2 ** (8 * _PREFIX_BYTES)


def control_bucket(campaign_id: int, contact_id: int) -> int:
    """The contact's bucket for the campaign, 0–9999."""
    digest = sha256(f"{campaign_id}:{contact_id}".encode()).digest()
    return int.from_bytes(digest[:_PREFIX_BYTES], "big") * CONTROL_BUCKETS // _PREFIX_RANGE


def in_control_group(campaign_id: int, contact_id: int | None, control_percent: int) -> bool:
    """Whether the campaign holds this contact out; an anonymous receipt (no contact) never is."""
    if control_percent <= 0 or contact_id is None:
        return False
    return control_bucket(campaign_id, contact_id) < control_percent * (CONTROL_BUCKETS // 100)


def control_cutoff_hex(control_percent: int) -> str:
    """The digest's hex prefix (8 lower-case digits) below which a contact is in the control group: the same split
    as `in_control_group`, as a string a database compares with the prefix of its own SHA-256.

    bucket < B  ⇔  value × 10000 < B × 2**32  ⇔  value < ceil(B × 2**32 / 10000).
    """
    buckets = max(control_percent, 0) * (CONTROL_BUCKETS // 100)
    cutoff = -(-buckets * _PREFIX_RANGE // CONTROL_BUCKETS)
    return format(cutoff, f"0{2 * _PREFIX_BYTES}x")
