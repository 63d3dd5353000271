"""Import and export of products and cards (django-import-export), limited to the user's brands.

References are given by id or by name; a reference that is unknown, ambiguous or outside the user's brands
is an error of its row, which is then skipped while the other rows are imported.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from common.errors import DomainError
from common.scoping import user_scope
from contacts.models import Contact
from contacts.normalize import normalize_phone
from contacts.resources import ContactResource, YesNoWidget, cell_text
from loyalty.choices import CardStatus
from loyalty.models import Brand, Card, CardType, Category, Product, Program
from loyalty.services.cards import card_save, enrollments_ensure

PRODUCT_COLUMNS = ("brand", "sku", "name", "category", "accrual_excluded", "redemption_excluded", "price")
CARD_COLUMNS = ("number", "card_type", "contact", "status")


def scoped(queryset: Any, user: Any) -> QuerySet:
    """Limit to the user's brands; without a user (a command, a test) nothing is limited."""
    return queryset if user is None else queryset.for_user(user)


class ByIdOrNameWidget(widgets.ForeignKeyWidget):
    """A reference by id (digits) or by name (case-insensitive), among the objects the user may use."""

    def __init__(self, model: type[Model], *, label: Any) -> None:
        super().__init__(model, field="name")
        self.label = label
        self.user: Any = None

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> QuerySet:
        return scoped(self.model._default_manager.all(), self.user)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
        if not text:
            return None
        queryset = self.get_queryset(value, row)
        matches = list(queryset.filter(pk=int(text))[:2]) if text.isdigit() else []
        if not matches:
            matches = list(queryset.filter(name__iexact=text)[:2])
        if not matches:
            matches = self.other_matches(queryset, text)
        if not matches:
            raise ValueError(_("Unknown %(what)s: “%(value)s”.") % {"what": self.label, "value": text})
        if len(matches) > 1:
            raise ValueError(
                _("“%(value)s” names more than one %(what)s: give the id.") % {"what": self.label, "value": text}
            )
        return matches[0]

    def other_matches(self, queryset: QuerySet, text: str) -> list[Any]:
        return []


class CardTypeWidget(ByIdOrNameWidget):
    """Card types by id, by name, or as exported: "Standard (Program name)", which tells programs apart."""

    EXPORTED = re.compile(r"^(?P<name>.+) \((?P<program>.+)\)$")

    def __init__(self) -> None:
        super().__init__(CardType, label=gettext_lazy("card type"))

    def other_matches(self, queryset: QuerySet, text: str) -> list[Any]:
        found = self.EXPORTED.match(text)
        if found is None:
            return []
        return list(
            queryset.filter(name__iexact=found["name"], program__name__iexact=found["program"]).select_related(
                "program"
            )[:2]
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class MoneyWidget(widgets.DecimalWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = cell_text(value).replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(_("Invalid price: “%(value)s”.") % {"value": value}) from exc


class UserScopedResource(resources.ModelResource):
    """Gives the user to the reference widgets; a reference the user may not use is a row error."""

    scoped_fields: tuple[str, ...] = ()

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        for name in self.scoped_fields:
            self.fields[name].widget.user = user

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]
            for name in self.scoped_fields:
                self.fields[name].widget.user = self.user

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        # The instance loader cleans the id columns outside the per-field error handling: report them here.
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ObjectDoesNotExist) as exc:
            field = next(
                (name for name in self.get_import_id_fields() if name in self.scoped_fields),
                self.get_import_id_fields()[0],
            )
            raise ValidationError({field: [str(exc)]}) from exc


class ProductResource(UserScopedResource):
    """Products by (brand, SKU): a known SKU of the brand updates the product, a new one creates it."""

    brand = fields.Field(
        attribute="brand", column_name="brand", widget=ByIdOrNameWidget(Brand, label=gettext_lazy("brand"))
    )
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=ByIdOrNameWidget(Category, label=gettext_lazy("category")),
    )
    accrual_excluded = fields.Field(attribute="accrual_excluded", column_name="accrual_excluded", widget=YesNoWidget())
    redemption_excluded = fields.Field(
        attribute="redemption_excluded", column_name="redemption_excluded", widget=YesNoWidget()
    )
    price = fields.Field(attribute="price", column_name="price", widget=MoneyWidget())

    scoped_fields = ("brand",)
    import_example = {
        "brand": "Brand",
        "sku": "SKU-0001",
        "name": "Milk 1 l",
        "category": "Dairy",
        "accrual_excluded": "no",
        "redemption_excluded": "no",
        "price": "89.90",
    }

    class Meta:
        model = Product
        fields = PRODUCT_COLUMNS
        import_order = PRODUCT_COLUMNS
        export_order = PRODUCT_COLUMNS
        import_id_fields = ("brand", "sku")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self) -> QuerySet:
        return scoped(Product.objects.select_related("brand", "category"), self.user)

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        super().before_import_row(row, **kwargs)
        if not cell_text(row.get("brand")):
            raise ValidationError({"brand": [_("A product needs its brand.")]})
        if not cell_text(row.get("sku")):
            raise ValidationError({"sku": [_("A product needs its SKU.")]})
        row["sku"] = cell_text(row.get("sku"))


class ContactByPhoneWidget(widgets.ForeignKeyWidget):
    """A contact by phone in any spelling; an empty cell leaves the card unbound."""

    def __init__(self) -> None:
        super().__init__(Contact, field="phone")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Contact | None:
        text = cell_text(value)
        if not text:
            return None
        try:
            phone = normalize_phone(text)
        except ValidationError as exc:
            raise ValueError(_("Invalid phone: “%(value)s”.") % {"value": text}) from exc
        contact = Contact.objects.filter(phone=phone).first()
        if contact is None:
            raise ValueError(_("No contact has the phone %(value)s.") % {"value": phone})
        return contact


class StatusWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value).lower() or CardStatus.ACTIVE
        if text not in CardStatus.values:
            raise ValueError(_("Unknown status: “%(value)s”. Use active or blocked.") % {"value": value})
        return text


class CardResource(UserScopedResource):
    """Cards by number: a known number updates the card (type, contact, status), a new one creates it."""

    number = fields.Field(attribute="number", column_name="number", widget=widgets.CharWidget())
    card_type = fields.Field(
        attribute="card_type",
        column_name="card_type",
        widget=CardTypeWidget(),
    )
    contact = fields.Field(attribute="contact", column_name="contact", widget=ContactByPhoneWidget())
    status = fields.Field(attribute="status", column_name="status", widget=StatusWidget())

    scoped_fields = ("card_type",)
    import_example = {"number": "2000000000015", "card_type": "Standard", "contact": "+79161234567", "status": "active"}

    class Meta:
        model = Card
        fields = CARD_COLUMNS
        import_order = CARD_COLUMNS
        export_order = CARD_COLUMNS
        import_id_fields = ("number",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self) -> QuerySet:
        return scoped(Card.objects.select_related("card_type", "contact"), self.user)

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        super().before_import_row(row, **kwargs)
        number = cell_text(row.get("number"))
        if not number:
            raise ValidationError({"number": [_("A card needs its number.")]})
        row["number"] = number
        if self._held_by_other_brand(number):
            raise ValidationError({"number": [_("The card %(number)s belongs to another brand.") % {"number": number}]})
        if not cell_text(row.get("card_type")):
            raise ValidationError({"card_type": [_("A card needs its card type.")]})

    def _held_by_other_brand(self, number: str) -> bool:
        if self.user is None or user_scope(self.user).unlimited or self.get_queryset().filter(number=number).exists():
            return False
        return Card.objects.filter(number=number).exists()

    def do_instance_save(self, instance: Card, is_create: bool) -> None:
        try:
            card_save_instance(instance)
        except DomainError as exc:
            raise ValidationError({"number": [exc.message]}) from exc


def card_save_instance(instance: Card) -> Card:
    """Save a card a form or an import has filled in, through `card_save`.

    `card_save` compares the card's contact before and after (binding stamps `bound_at` and enrolls the
    contact in the program), so it gets the stored card and the new values, not the already-changed object.
    """
    base = Card() if instance.pk is None else Card.objects.get(pk=instance.pk)
    data = {
        "number": instance.number,
        "card_type": instance.card_type,
        "contact": instance.contact,
        "status": instance.status,
    }
    saved = card_save(card=base, data=data)
    for field in Card._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))
    instance._state.adding = False
    return instance


class BrandContactResource(ContactResource):
    """Contacts imported join the program chosen on the import form (`program`); without a choice, a brand
    manager's contacts join the programs of the manager's brands (else they would vanish from the manager's sight)."""

    def __init__(self, user: Any = None, program: Program | None = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.program = program

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        if self.program is not None and not scoped(Program.objects.filter(pk=self.program.pk), self.user).exists():
            raise PermissionDenied(_("The program is not one of your brands'."))

    def after_contacts_created(self, contacts: list[Contact]) -> None:
        programs = [self.program] if self.program is not None else programs_of_limited_user(self.user)
        if programs:
            enrollments_ensure(contacts=contacts, programs=programs)


def programs_of_limited_user(user: Any) -> list[Program]:
    """The programs of the brands a brand-limited user manages; empty for unlimited users."""
    if user_scope(user).unlimited:
        return []
    return list(Program.objects.for_user(user).order_by("pk"))
