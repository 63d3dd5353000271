"""Django's admin wording that the project says otherwise in Russian: Django's catalogue glues a model's name (a
noun in the nominative) after a verb that wants another case ("Добавить акция", "Изменить карта"), so the project's
catalogue (locale/ru, read before Django's) gives these messages a form that takes the name as it is ("Добавление:
акция"). Marked here so that makemessages keeps them; English keeps Django's text."""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_MESSAGES = (
    gettext_noop("Add %s"),  # the add page's title
    gettext_noop("Change %s"),  # the change page's title
    gettext_noop("View %s"),  # a read-only change page's title
    gettext_noop("Select %s to change"),  # a change list's title
    gettext_noop("Select %s to view"),
    gettext_noop("Add %(name)s"),  # the add button's title on a change list (unfold)
)
