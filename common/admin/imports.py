"""Imports through django-import-export in which rows with errors do not block the good ones."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.results import Result, RowResult
from unfold.contrib.import_export.forms import ExportForm, ImportForm

# How many rows with errors an import lists in its closing message (the rest are counted).
IMPORT_ERRORS_SHOWN = 20


class PartialImportMixin(ImportExportModelAdmin):
    """django-import-export with unfold's forms, where rows with errors do not block the good ones.

    The library shows the "Confirm import" button only when every row is valid. Here the preview lists the
    rows with errors (they will be skipped) next to the valid rows, and confirming imports the valid ones;
    the closing message counts and names the skipped rows. The resource gets the user (`user=`) so that it
    can limit references to the user's brands.
    """

    import_form_class = ImportForm
    export_form_class = ExportForm
    import_template_name = "admin/import_export/import_partial.html"

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        resource_kwargs.pop("form", None)
        resource_kwargs["user"] = request.user
        return resource_kwargs

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if isinstance(response, TemplateResponse) and context is not None:
            result: Result | None = context.get("result")
            if result is not None and "confirm_form" not in context and self._can_import_valid_rows(result):
                context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
            if result is not None:
                context["valid_count"] = len(result.valid_rows())
                context["invalid_count"] = len(result.invalid_rows)
        return response

    @staticmethod
    def _can_import_valid_rows(result: Result) -> bool:
        if result.has_errors() or not result.has_validation_errors():
            return False
        return any(row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE) for row in result)

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        super().add_success_message(result, request)
        if not result.invalid_rows:
            return
        count = len(result.invalid_rows)
        self.message_user(
            request,
            ngettext(
                "%(count)d row was not imported because of errors.",
                "%(count)d rows were not imported because of errors.",
                count,
            )
            % {"count": count},
            messages.WARNING,
        )
        for invalid in result.invalid_rows[:IMPORT_ERRORS_SHOWN]:
            texts = [
                f"{field}: {' '.join(str(error) for error in errors)}"
                if field != "__all__"
                else " ".join(str(error) for error in errors)
                for field, errors in invalid.error_dict.items()
            ]
            self.message_user(
                request,
                _("Row %(number)s: %(errors)s") % {"number": invalid.number, "errors": "; ".join(texts)},
                messages.WARNING,
            )
        if count > IMPORT_ERRORS_SHOWN:
            self.message_user(
                request,
                _("… and %(count)d more rows with errors.") % {"count": count - IMPORT_ERRORS_SHOWN},
                messages.WARNING,
            )
