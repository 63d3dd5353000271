"""The messaging API: `triggers` (CRUD), `messages` (the outbox, read-only), and the contact's confirmations
(`POST /contacts/{id}/confirm-phone/send`, `/confirm-phone`, `/confirm-email/send`)."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from campaigns.messaging.api import serializers as s
from campaigns.messaging.filtersets import MessageFilter, TriggerFilter
from campaigns.messaging.models import Message, Trigger
from campaigns.messaging.services.confirmation import email_confirmation_send, phone_code_check, phone_code_send
from campaigns.messaging.services.triggers import trigger_save
from common.api.permissions import StaffModelPermissions
from common.api.viewsets import ScopedModelViewSet
from contacts.models import Contact

MAX_ID = 2**63 - 1


class TriggerViewSet(ScopedModelViewSet):
    queryset = Trigger.objects.all()
    serializer_class = s.TriggerSerializer
    filterset_class = TriggerFilter
    ordering_fields = ["id", "name", "created_at"]

    def perform_create(self, serializer: BaseSerializer[Trigger]) -> None:
        serializer.instance = trigger_save(trigger=Trigger(), data=dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Trigger]) -> None:
        assert serializer.instance is not None
        serializer.instance = trigger_save(trigger=serializer.instance, data=dict(serializer.validated_data))


class MessageViewSet(ScopedModelViewSet):
    """The outbox, read-only: every message with its status and reason."""

    queryset = Message.objects.all()
    serializer_class = s.MessageSerializer
    filterset_class = MessageFilter
    ordering_fields = ["id", "created_at", "scheduled_at", "sent_at"]
    ordering = ["-id"]
    http_method_names = ["get", "head", "options"]


class ContactChangePermissions(StaffModelPermissions):
    """A POST about a contact (send a code, confirm) needs `change_contact`."""

    perms_map = {**StaffModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class ContactCommandView(GenericAPIView):
    queryset = Contact.objects.all()
    permission_classes = [ContactChangePermissions]

    def get_contact(self) -> Contact:
        pk = self.kwargs["pk"]
        if len(pk) > 19 or int(pk) > MAX_ID:
            raise Http404
        contact = Contact.objects.for_user(self.request.user, "change").filter(pk=int(pk)).first()
        if contact is None:
            raise Http404
        return contact


def _sent(message: Message, **extra: Any) -> Response:
    message.refresh_from_db()
    body = {"message": message.pk, "status": message.status, **extra}
    return Response(s.ConfirmationSentSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class ConfirmPhoneSendView(ContactCommandView):
    """`POST /contacts/{id}/confirm-phone/send`: a 6-digit code by SMS, through the outbox (valid 10 minutes)."""

    @extend_schema(request=None, responses={202: s.ConfirmationSentSerializer})
    def post(self, request: Request, pk: str) -> Response:
        message, code = phone_code_send(contact=self.get_contact())
        return _sent(message, expires_at=code.expires_at)


class ConfirmPhoneView(ContactCommandView):
    """`POST /contacts/{id}/confirm-phone {"code"}`: 200 and `phone_confirmed`; wrong 400 `invalid_code`; expired,
    used or 5 wrong 409 `code_expired`."""

    @extend_schema(request=s.CodeSerializer, responses={200: dict})
    def post(self, request: Request, pk: str) -> Response:
        contact = self.get_contact()
        data = s.CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = phone_code_check(contact=contact, code=data.validated_data["code"], user=request.user)
        return Response(
            {
                "id": contact.pk,
                "phone": contact.phone,
                "phone_confirmed": contact.phone_confirmed,
                "phone_confirmed_at": contact.phone_confirmed_at,
            }
        )


class ConfirmEmailSendView(ContactCommandView):
    """`POST /contacts/{id}/confirm-email/send`: an e-mail with a signed link that confirms the address."""

    @extend_schema(request=None, responses={202: s.ConfirmationSentSerializer})
    def post(self, request: Request, pk: str) -> Response:
        return _sent(email_confirmation_send(contact=self.get_contact()))
