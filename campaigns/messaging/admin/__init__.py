"""The messaging admin: triggers (with their figures and a preview for a chosen contact), the outbox, and the
contact's messages on the contact's page."""

from campaigns.messaging.admin import messages, triggers  # noqa: F401  (register the admins)
