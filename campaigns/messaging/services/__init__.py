"""Writes of the messaging app: triggers, confirmations, tracking."""
