from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Staff users: which brands each works in (the scope the whole product obeys) and their roles.

    It sits above every other app (it names their permissions in the roles), the way the checkout does.
    """

    name = "access"
    verbose_name = _("Staff and roles")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from access.roles import sync_roles_after_migrate
        from access.selectors import staff_scope
        from common.scoping import internal, register_scope_source

        register_scope_source(staff_scope)
        # Staff users and their groups are changed only by unlimited staff (a manager must not widen their scope).
        internal(get_user_model())
        internal(Group)
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="access.sync_roles")
