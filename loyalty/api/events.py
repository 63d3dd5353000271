"""`POST /api/v1/events`: contact events from a web shop, an app or a register (`Api-Key`), or from staff (a token
and the permission to add contact events).

The batch is checked by hand (`event_body`), its contacts found with one query per kind of key
(`contacts_identify`), and the events written in one insert (`events_ingest_rows`: each sender's id once). An event
whose contact is not found is left out and listed in `rejected` with its index and why; the others are accepted.
A register's events carry its brand and `origin` `register:<id>`; staff's `user:<id>` and no brand.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.services.events import EventRow, events_ingest_rows
from loyalty.api.event_body import CONTACT_KEYS, MAX_EVENTS, events_parse
from loyalty.selectors.identify import contacts_identify

ADD_EVENTS = "contacts.add_contactevent"


class CanPostEvents(BasePermission):
    """A register (its key), or an active staff user who may add contact events."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if getattr(user, "register", None) is not None:
            return True
        return bool(user and user.is_authenticated and user.is_staff and user.is_active and user.has_perm(ADD_EVENTS))


_EVENT = inline_serializer(
    "EventIn",
    {
        "id": serializers.CharField(required=False, max_length=64, help_text="The sender's id: the same twice is one."),
        "type": serializers.RegexField(r"^[a-z0-9_.]{1,64}$", help_text="e.g. product_viewed, cart_abandoned"),
        "contact": inline_serializer(
            "EventContact",
            {key: serializers.CharField(required=False, help_text="exactly one key") for key in CONTACT_KEYS},
        ),
        "at": serializers.DateTimeField(required=False, help_text="Default: now."),
        "sku": serializers.CharField(required=False, max_length=64),
        "data": serializers.DictField(required=False),
    },
)


class EventsView(APIView):
    permission_classes = [CanPostEvents]

    @extend_schema(
        request=inline_serializer("EventsIn", {"events": serializers.ListField(child=_EVENT, max_length=MAX_EVENTS)}),
        responses={
            202: inline_serializer(
                "EventsAccepted",
                {
                    "accepted": serializers.IntegerField(),
                    "duplicates": serializers.IntegerField(),
                    "rejected": serializers.ListField(
                        child=inline_serializer(
                            "EventRejected", {"index": serializers.IntegerField(), "code": serializers.CharField()}
                        ),
                        required=False,
                        help_text="Only when some events' contacts were not found.",
                    ),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        """Up to 500 events → 202 `{"accepted", "duplicates"}` (+ `rejected` `[{"index", "code"}]`)."""
        batch = events_parse(request.data)
        register = getattr(request.user, "register", None)
        if register is not None:
            origin, brand_id = f"register:{register.pk}", register.store.brand_id
            found = contacts_identify(((event.kind, event.value) for event in batch), register=register)
        else:
            origin, brand_id = f"user:{request.user.pk}", None
            found = contacts_identify(((event.kind, event.value) for event in batch), user=request.user)
        accepted: list[EventRow] = []
        rejected: list[dict[str, Any]] = []
        for index, (event, contact) in enumerate(zip(batch, found, strict=True)):
            if isinstance(contact, str):
                rejected.append({"index": index, "code": contact})
                continue
            accepted.append(EventRow(contact, event.type, event.at, event.sku, event.data, brand_id, event.client_id))
        ingested = events_ingest_rows(origin=origin, rows=accepted)
        answer: dict[str, Any] = {"accepted": ingested.accepted, "duplicates": ingested.duplicates}
        if rejected:
            answer["rejected"] = rejected
        return Response(answer, status=status.HTTP_202_ACCEPTED)
