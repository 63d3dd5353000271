"""OpenAPI description of the customer token authentication (`Authorization: Customer <token>`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class CustomerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "account.api.authentication.CustomerTokenAuthentication"
    name = "customerToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Customer <token>`: the token `POST /account/login` answered.",
        }
