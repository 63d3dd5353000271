"""The dashboards' filter bar: brand, partner, store, register and the period, each offering only what the user may
see (`for_user`); read into the scope and period the selectors take."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from analytics.summaries.scope import MAX_WINDOW_DAYS, Period, Scope, scope_of
from common.errors import DomainError
from loyalty.models import Brand, Partner, Program, Register, Store

DEFAULT_DAYS = 30


class DashboardFilterForm(forms.Form):
    """GET parameters of every dashboard; `program` only on the program report."""

    brand = forms.ModelChoiceField(queryset=Brand.objects.none(), required=False, label=_("brand"))
    partner = forms.ModelChoiceField(queryset=Partner.objects.none(), required=False, label=_("partner"))
    store = forms.ModelChoiceField(queryset=Store.objects.none(), required=False, label=_("store"))
    register = forms.ModelChoiceField(queryset=Register.objects.none(), required=False, label=_("register"))

    def __init__(self, data: Any, *, user: Any, with_program: bool = False) -> None:
        """`with_program`: the program report's filters (brand, program, partner, period); the others' otherwise."""
        super().__init__(data)
        self.user = user
        fields = self.fields
        fields["brand"].queryset = Brand.objects.for_user(user).order_by("name")  # type: ignore[attr-defined]
        fields["brand"].empty_label = _("All my brands")  # type: ignore[attr-defined]
        fields["partner"].queryset = Partner.objects.for_user(user).order_by("name")  # type: ignore[attr-defined]
        fields["partner"].empty_label = _("All partners")  # type: ignore[attr-defined]
        stores = Store.objects.for_user(user).select_related("brand").order_by("brand__name", "name")
        fields["store"].queryset = stores  # type: ignore[attr-defined]
        fields["store"].empty_label = _("All stores")  # type: ignore[attr-defined]
        registers = Register.objects.for_user(user).select_related("store").order_by("store__name", "code")
        fields["register"].queryset = registers  # type: ignore[attr-defined]
        fields["register"].empty_label = _("All registers")  # type: ignore[attr-defined]
        if with_program:
            del fields["store"], fields["register"]
            fields["program"] = forms.ModelChoiceField(
                queryset=Program.objects.for_user(user).order_by("name"),
                required=False,
                label=_("program"),
                empty_label=_("The brand's program"),
            )
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        fields["from"] = forms.DateField(required=False, label=pgettext_lazy("date range", "from"), widget=date_input)
        fields["to"] = forms.DateField(required=False, label=pgettext_lazy("date range", "to"), widget=date_input)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from"), data.get("to")
        if first and last and first > last:
            self.add_error("to", _("Must be after `from`."))
        elif first and last and (last - first).days >= MAX_WINDOW_DAYS:
            self.add_error("from", _("At most %(days)s days.") % {"days": MAX_WINDOW_DAYS})
        return data

    def _value(self, name: str) -> Any:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get(name)

    def period(self) -> Period:
        """The days asked for; by default the last 30 up to today."""
        today = timezone.localdate()
        last = self._value("to") or today
        first = self._value("from") or last - timedelta(days=DEFAULT_DAYS - 1)
        return Period(first=first, last=last)

    def scope(self) -> Scope:
        """The scope asked for; one that does not hold together (a store of another brand) is the user's brands."""
        names = [name for name in ("brand", "partner", "store", "register") if name in self.fields]
        ids = {name: getattr(self._value(name), "pk", None) for name in names}
        try:
            return scope_of(self.user, brand_required=False, **ids)
        except DomainError:
            self.add_error(None, _("The store or register is not in the brand chosen."))
            return scope_of(self.user, brand_required=False)

    def partner_id(self) -> int | None:
        return getattr(self._value("partner"), "pk", None)

    def program(self) -> Program | None:
        """The program asked for, else the brand's, else the first the user sees."""
        programs = Program.objects.for_user(self.user).order_by("pk")
        chosen = self._value("program") or getattr(self._value("brand"), "program", None)
        return chosen or programs.first()
