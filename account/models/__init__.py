"""The personal account's models: login codes and their throttle, customer tokens, wallet pass registrations, the
store assistant's notes on a contact."""

from account.models.login import CustomerToken, LoginCode, LoginThrottle
from account.models.notes import ContactNote
from account.models.wallet import WalletRegistration

__all__ = ["ContactNote", "CustomerToken", "LoginCode", "LoginThrottle", "WalletRegistration"]
