"""English dates as the product's users write them, in one format everywhere: day, month, year (05.12.2026,
05.12.2026 14:30, as the admin's fields show and read them), weeks from Monday, 24-hour times (FORMAT_MODULE_PATH in
the settings; Russian writes its dates the same way, config/formats/ru)."""

DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each is what the admin's date and time fields show and the calendar fills in.
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '05.12.2026'
    "%d.%m.%y",  # '05.12.26'
    "%d/%m/%Y",  # '05/12/2026'
    "%Y-%m-%d",  # '2026-12-05'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H:%M",  # '14:30'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # '05.12.2026 14:30:59'
    "%d.%m.%Y %H:%M:%S.%f",  # '05.12.2026 14:30:59.000200'
    "%d.%m.%Y %H:%M",  # '05.12.2026 14:30'
    "%d.%m.%y %H:%M:%S",  # '05.12.26 14:30:59'
    "%d.%m.%y %H:%M",  # '05.12.26 14:30'
    "%d/%m/%Y %H:%M:%S",  # '05/12/2026 14:30:59'
    "%d/%m/%Y %H:%M",  # '05/12/2026 14:30'
    "%Y-%m-%d %H:%M:%S",  # '2026-12-05 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-12-05 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-12-05 14:30'
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
