from django.apps import AppConfig
from django.core import checks
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app shares and no app owns: brand scoping, admin and API bases, money."""

    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from common.checks import check_admins_are_scoped, check_models_are_scoped
        from common.dbfresh import install, note_fresh
        from common.pgtimes import register_fast_times
        from common.textsearch import register_sqlite_functions

        checks.register(check_models_are_scoped)
        checks.register(check_admins_are_scoped, checks.Tags.admin)
        connection_created.connect(register_sqlite_functions, dispatch_uid="common.textsearch")
        connection_created.connect(register_fast_times, dispatch_uid="common.pgtimes")
        connection_created.connect(install, dispatch_uid="common.dbfresh.install")
        request_finished.connect(note_fresh, dispatch_uid="common.dbfresh.note")
