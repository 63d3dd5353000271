"""The schema and Swagger UI views, answering refusals as the rest of /api/ does.

drf-spectacular renders the schema's errors in YAML and the docs page's with `TemplateHTMLRenderer` (an HTML
"405 Method Not Allowed", and a 500 for OPTIONS, whose metadata that renderer has no template for).
"""

from typing import Any

from django.http import HttpResponse, HttpResponseBase
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response


class JsonErrorsMixin:
    """Errors leave as the contract's JSON body, whatever the view renders when it succeeds."""

    def finalize_response(self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.exception:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    pass


class SwaggerView(JsonErrorsMixin, SpectacularSwaggerView):
    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        # An HTML page has no metadata to describe: the methods (DRF adds `Allow`) and no body.
        return HttpResponse(status=200)
