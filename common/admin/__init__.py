"""Shared admin pieces: brand scoping, service errors, read-only admins, deletion through a service, imports that
keep the good rows, links between pages; the framework's models re-registered with the theme (`framework`,
imported here so that Django's autodiscovery of `common.admin` registers them); the admin's login form (`login`)."""

from common.admin import (
    framework,  # noqa: F401  (registers the framework's models with unfold's look)
    login,  # noqa: F401  (the admin's login form tells a throttled login why)
)
from common.admin.imports import IMPORT_ERRORS_SHOWN, PartialImportMixin
from common.admin.links import change_link, change_url, changelist_link, changelist_url
from common.admin.mixins import (
    DomainErrorMessageMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ServiceDeleteMixin,
    add_domain_error,
    copy_saved_fields,
    redirect_after_dialog,
)
from common.admin.scoping import (
    BrandScopedAdminMixin,
    BrandScopedFormfieldsMixin,
    BrandScopedInlineMixin,
    ScopedRelatedDropdownFilter,
    is_brand_scoped,
)

__all__ = [
    "IMPORT_ERRORS_SHOWN",
    "BrandScopedAdminMixin",
    "BrandScopedFormfieldsMixin",
    "BrandScopedInlineMixin",
    "DomainErrorMessageMixin",
    "PartialImportMixin",
    "ReadOnlyAdminMixin",
    "ReadOnlyInline",
    "ScopedRelatedDropdownFilter",
    "ServiceDeleteMixin",
    "add_domain_error",
    "change_link",
    "change_url",
    "changelist_link",
    "changelist_url",
    "copy_saved_fields",
    "is_brand_scoped",
    "redirect_after_dialog",
]
