"""The promoters' admin: stands (their promoters, the page's link and QR code, their figures) and leads (per stand,
per promoter and per hour, and the promoters' leaderboard above the list)."""

from promoters.admin import leads, stands

__all__ = ["leads", "stands"]
