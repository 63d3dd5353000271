from .blacklist import blacklist_add
from .contacts import contact_create, contact_delete, contact_update, prepare_contact_data

__all__ = ["blacklist_add", "contact_create", "contact_delete", "contact_update", "prepare_contact_data"]
