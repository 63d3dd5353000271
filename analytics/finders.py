"""plotly.js for the admin's charts, served from this installation (no CDN): the copy that the `plotly` Python package
ships in its package data (MIT-licensed, like the Python package), found as the static file
`vendor/plotly/plotly.min.js`. No copy in the repository, and the version moves with the `plotly` dependency."""

import os
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "vendor/plotly/plotly.min.js"


class PlotlyFinder(BaseFinder):
    """Finds `vendor/plotly/plotly.min.js` (and nothing else) in the plotly package's data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=os.path.join(os.path.dirname(plotly.__file__), "package_data"))
        self.storage.prefix = os.path.dirname(PLOTLY_JS)  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = self.storage.path(os.path.basename(PLOTLY_JS)) if path == PLOTLY_JS else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns: Any) -> Any:
        yield os.path.basename(PLOTLY_JS), self.storage
