from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Processing centre")

    def ready(self) -> None:
        from common.jobs import register_job
        from common.scoping import declare
        from contacts.models import Contact, ContactAuditLog, ContactEvent, ContactScore, SubscriptionChange
        from loyalty.api import schema  # noqa: F401  (registers the OpenAPI auth extension)

        # A contact is one person across brands: a brand's staff see the contacts enrolled in its program. The
        # contacts app knows nothing of programs, so the way from a contact to its brands is declared here.
        declare(Contact, "enrollments__program__brands")
        declare(ContactAuditLog, "contact__enrollments__program__brands")
        declare(ContactEvent, "contact__enrollments__program__brands")
        declare(SubscriptionChange, "contact__enrollments__program__brands")
        declare(ContactScore, "contact__enrollments__program__brands")

        from loyalty import jobs

        register_job("expire_points", jobs.expire_points)
        register_job("activate_points", jobs.activate_points)
        register_job("tiers", jobs.tiers)
        register_job("points_expiring", jobs.points_expiring)
        register_job("birthdays", jobs.birthdays)
