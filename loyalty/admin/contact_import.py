"""The contact import's choice of the program the imported contacts join (limited to the user's programs)."""

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget

from loyalty.models import Program


class ContactImportProgramMixin:
    """Adds `program` to the import form of contacts; `BrandContactResource` enrolls the new contacts in it."""

    def get_import_options(self, request: HttpRequest) -> dict[str, forms.Field]:
        options: dict[str, forms.Field] = super().get_import_options(request)  # type: ignore[misc]
        options["program"] = forms.ModelChoiceField(
            queryset=Program.objects.for_user(request.user).order_by("name"),
            required=False,
            label=_("Enroll in program"),
            help_text=_(
                "The imported contacts join this program. Left empty, a brand manager's contacts join all the "
                "programs of the manager's brands."
            ),
            widget=UnfoldAdminSelectWidget,
        )
        return options
