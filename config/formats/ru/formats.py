"""Russian dates in one format everywhere: 05.12.2026 and 05.12.2026 14:30, as the admin's fields show them, where
Django's own writes "5 декабря 2026 г. 14:30" beside them on the same page. The rest is Django's (FORMAT_MODULE_PATH
in the settings: what is not here comes from django.conf.locale.ru)."""

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
