"""The blacklist over the API: phones and e-mails that may not register or receive messages."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from common.api.viewsets import ScopedModelViewSet
from contacts.api.serializers import BlacklistEntrySerializer, SubscriptionChangeSerializer
from contacts.filtersets import BlacklistFilter
from contacts.models import BlacklistEntry, Contact, SubscriptionChange
from contacts.services import blacklist_add
from contacts.services.subscriptions import subscriptions_of

MAX_ID = 2**63 - 1


class BlacklistViewSet(ScopedModelViewSet):
    queryset = BlacklistEntry.objects.all()
    serializer_class = BlacklistEntrySerializer
    filterset_class = BlacklistFilter

    def perform_create(self, serializer: BaseSerializer[BlacklistEntry]) -> None:
        serializer.instance = blacklist_add(data=dict(serializer.validated_data), user=self.request.user)

    def perform_update(self, serializer: BaseSerializer[BlacklistEntry]) -> None:
        instance = serializer.instance
        assert instance is not None
        data = {"phone": instance.phone, "email": instance.email, "reason": instance.reason}
        data.update(serializer.validated_data)
        serializer.instance = blacklist_add(data=data, user=self.request.user, instance=instance)


class ContactSubscriptionsView(GenericAPIView):
    """`GET /contacts/{id}/subscriptions`: the contact's subscriptions now (`current`) and every change, newest
    first, with who made it, when and through what (paginated)."""

    queryset = Contact.objects.all()
    serializer_class = SubscriptionChangeSerializer

    @extend_schema(responses=SubscriptionChangeSerializer(many=True))
    def get(self, request: Request, pk: str) -> Response:
        if len(pk) > 19 or int(pk) > MAX_ID:
            raise Http404
        contact = Contact.objects.for_user(request.user).filter(pk=int(pk)).first()
        if contact is None:
            raise Http404
        changes = SubscriptionChange.objects.filter(contact=contact).select_related("user").order_by("-at", "-pk")
        page = self.paginate_queryset(changes)
        response = self.get_paginated_response(SubscriptionChangeSerializer(page, many=True).data)
        response.data["current"] = subscriptions_of(contact)
        return response
