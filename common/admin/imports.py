"""Imports and exports through django-import-export: files a spreadsheet program opens (`file_formats`), a template
to fill in, options on the import form, and rows with errors that do not block the good ones."""

from typing import Any

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.results import Result, RowResult
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from common.admin.file_formats import SPREADSHEET_FORMATS

# How many rows with errors an import lists in its closing message (the rest are counted).
IMPORT_ERRORS_SHOWN = 20


def import_template(resource: Any, file_format: Any) -> bytes | str:
    """A file to fill in: the header row of the resource's importable columns and its example row (`import_example`,
    column → value; missing columns are left empty)."""
    columns = [field.column_name for field in resource.get_import_fields() if not field.readonly]
    example = getattr(resource, "import_example", {})
    dataset = tablib.Dataset(headers=columns)
    dataset.append([example.get(column, "") for column in columns])
    return file_format.export_data(dataset)


class PartialImportMixin(ImportExportModelAdmin):
    """django-import-export with unfold's forms, where rows with errors do not block the good ones.

    The library shows the "Confirm import" button only when every row is valid. Here the preview lists the
    rows with errors (they will be skipped) next to the valid rows, and confirming imports the valid ones;
    the closing message counts and names the skipped rows. The resource gets the user (`user=`) so that it
    can limit references to the user's brands, and each option of `get_import_options` by its name.

    Files are CSV (as Excel writes and reads it) and XLSX; the import page offers a template in both.
    """

    import_form_class = ImportForm
    export_form_class = ExportForm
    import_template_name = "admin/import_export/import_partial.html"
    formats = SPREADSHEET_FORMATS
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS

    # Options on the import form, carried to the confirmation as hidden fields.

    def get_import_options(self, request: HttpRequest) -> dict[str, forms.Field]:
        """Fields added to the import form (for example the program to enroll into); fresh on each call."""
        return {}

    def create_import_form(self, request: HttpRequest) -> Any:
        form = super().create_import_form(request)
        form.fields.update(self.get_import_options(request))
        return form

    def create_confirm_form(self, request: HttpRequest, import_form: Any = None) -> Any:
        form = super().create_confirm_form(request, import_form)
        for name, field in self.get_import_options(request).items():
            field.widget = field.hidden_widget()
            form.fields[name] = field
        return form

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict[str, Any]:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            for name in self.get_import_options(request):
                value = import_form.cleaned_data.get(name)
                initial[name] = value.pk if isinstance(value, Model) else ("" if value is None else value)
        return initial

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        form = resource_kwargs.pop("form", None)
        resource_kwargs["user"] = request.user
        cleaned = getattr(form, "cleaned_data", None) or {}
        for name in self.get_import_options(request):
            if name in cleaned:
                resource_kwargs[name] = cleaned[name]
        return resource_kwargs

    # Export: native values, which the formats write (moments in the server's zone, to the minute).

    def get_export_data(self, file_format: Any, request: HttpRequest, queryset: Any, **kwargs: Any) -> Any:
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        return file_format.export_data(data)

    # The template to fill in.

    def get_urls(self) -> list[URLPattern]:
        info = self.get_model_info()
        template = path(
            "import/template/<str:extension>/",
            self.admin_site.admin_view(self.import_template_view),
            name="{}_{}_import_template".format(*info),
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request: HttpRequest, extension: str) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        file_format = next((fmt() for fmt in self.get_import_formats() if fmt().get_extension() == extension), None)
        if file_format is None:
            raise Http404
        resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))
        response = HttpResponse(import_template(resource, file_format), content_type=file_format.get_content_type())
        filename = f"{self.model._meta.model_name}-import-template.{extension}"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response

    def import_templates(self) -> list[tuple[str, str]]:
        info = self.get_model_info()
        name = "admin:{}_{}_import_template".format(*info)
        extensions = [fmt().get_extension() for fmt in self.get_import_formats()]
        return [
            (extension.upper(), reverse(name, args=[extension], current_app=self.admin_site.name))
            for extension in extensions
        ]

    # The preview and the closing message.

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if isinstance(response, TemplateResponse) and context is not None:
            context["import_templates"] = self.import_templates()
            result: Result | None = context.get("result")
            if result is not None and "confirm_form" not in context and self._can_import_valid_rows(result):
                context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
            if result is not None:
                context["valid_count"] = len(result.valid_rows())
                context["invalid_count"] = len(result.invalid_rows)
                self._label_result(result)
        return response

    def _field_labels(self) -> dict[str, str]:
        """A column or field name → the model field's name in the active language (the file keeps the keys)."""
        return {field.name: str(field.verbose_name) for field in self.model._meta.fields}

    def _label_result(self, result: Result) -> None:
        """The preview in the active language: its headings and the fields its errors name, as the model names them."""
        labels = self._field_labels()
        result.diff_headers = [capfirst(labels.get(header, header)) for header in result.diff_headers]
        for invalid in result.invalid_rows:
            invalid.error_dict = {labels.get(key, key): errors for key, errors in invalid.error_dict.items()}

    @staticmethod
    def _can_import_valid_rows(result: Result) -> bool:
        if result.has_errors() or not result.has_validation_errors():
            return False
        return any(row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE) for row in result)

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        """What was imported, then once the rows not imported and why (a row "skipped" here is one unchanged)."""
        totals = result.totals
        self.message_user(
            request,
            _("Import of %(objects)s finished: %(new)d new, %(updated)d updated.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "objects": self.model._meta.verbose_name_plural,
            },
            messages.SUCCESS,
        )
        unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
        if unchanged:
            self.message_user(
                request,
                ngettext("%(count)d row was already up to date.", "%(count)d rows were already up to date.", unchanged)
                % {"count": unchanged},
                messages.INFO,
            )
        if result.invalid_rows:
            self._report_invalid_rows(result, request)

    def _report_invalid_rows(self, result: Result, request: HttpRequest) -> None:
        self._label_result(result)
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
