"""Error pages: JSON in the contract's shape under /api/, the admin's look for its staff, Django's pages elsewhere
(with the project's templates/403.html)."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults

from common.api.errors import json_400, json_403, json_404, json_500


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_400(request, exception)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_403(request, exception)
    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user is not None and user.is_active and user.is_staff:
        # The admin's frame (its menu, the user's links) around a plain refusal: the site's context is what every
        # admin page gets from `each_context`.
        context = {**admin.site.each_context(request), "title": _("Access denied")}
        return render(request, "admin/permission_denied.html", context, status=403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_404(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_500(request)
    return defaults.server_error(request)
