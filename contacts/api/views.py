"""The blacklist over the API: phones and e-mails that may not register or receive messages."""

from rest_framework.serializers import BaseSerializer

from common.api.viewsets import ScopedModelViewSet
from contacts.api.serializers import BlacklistEntrySerializer
from contacts.filtersets import BlacklistFilter
from contacts.models import BlacklistEntry
from contacts.services import blacklist_add


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
