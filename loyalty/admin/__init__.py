"""The admin of the processing centre, one module per area; importing them registers the admins.

- `org`: programs, partners, brands, stores, cash registers;
- `catalogue`: the category tree and the products;
- `members`: tiers, card types, cards, enrollments, master accounts;
- `points`: points accounts (with the manual adjustment) and the ledger;
- `purchases`: purchases, refunds and tier changes;
- `contacts`: the contact (defined by the contacts app, registered here) with its cards, enrollments and points.

Registration only: saves go through the services (registers, categories, cards, master accounts), actions call
services and report with `message_user`. Every admin is limited to the user's brands (`BrandScopedAdminMixin`).
Points and receipts are read-only here: they change only through the services (the tills, refunds, the ledger's
jobs), never by editing rows.
"""

from loyalty.admin import catalogue, contacts, members, org, points, purchases

__all__ = ["catalogue", "contacts", "members", "org", "points", "purchases"]
