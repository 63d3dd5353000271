"""OpenAPI description of the register key authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class RegisterKeyScheme(OpenApiAuthenticationExtension):
    target_class = "loyalty.authentication.RegisterKeyAuthentication"
    name = "registerKey"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: the key returned once when the register was created or rotated.",
        }
