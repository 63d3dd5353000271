"""The admin's login form: a login refused by the throttle (`common.login_throttle`) says so instead of "wrong
password"; axes' middleware then answers the page with 429. Set on the default admin site when `common.admin` is
imported (Django's autodiscovery does)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from common.login_throttle import lockout_message


class AdminLoginForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(self.request), code="too_many_attempts") from None
            raise


admin.site.login_form = AdminLoginForm
