"""The surveys' admin: the builder and invite action (`surveys`), the results page and exports (`results`)."""

from campaigns.surveys.admin import surveys  # noqa: F401  (registers SurveyAdmin)
