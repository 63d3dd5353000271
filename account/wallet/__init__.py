"""Wallet cards: an Apple Wallet pass (signed .pkpass, with the pass web service that keeps it current) and a
Google Wallet "save" link (a JWT signed with a service account's key). Each only when configured in settings."""
