"""The category tree (shared by all brands) and the brands' products."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from common.admin import PartialImportMixin
from loyalty.admin.base import ScopedModelAdmin
from loyalty.models import Category, Product
from loyalty.resources import ProductResource
from loyalty.services.catalogue import category_save


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("name", "parent")

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        pk = self.instance.pk
        if parent is not None and pk is not None and (parent.pk == pk or f"/{pk}/" in parent.path):
            raise forms.ValidationError(_("A category cannot be inside itself."))
        return parent


@admin.register(Category)
class CategoryAdmin(ScopedModelAdmin):
    """The category tree, shared by all brands (changed only by unlimited staff); ordered by path so that children
    follow their parent."""

    form = CategoryAdminForm
    list_display = ("tree_name", "parent", "path")
    list_select_related = ("parent",)
    search_fields = ("name",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "created_at", "updated_at")
    fields = ("name", "parent", "path", "created_at", "updated_at")
    ordering = ("path",)
    show_full_result_count = False

    @display(description=_("name"), ordering="path")
    def tree_name(self, obj: Category) -> str:
        depth = max(obj.path.count("/") - 2, 0)
        return "— " * depth + obj.name

    def save_model(self, request: HttpRequest, obj: Category, form: forms.ModelForm, change: bool) -> None:
        category_save(category=obj)


@admin.register(Product)
class ProductAdmin(ScopedModelAdmin, PartialImportMixin):
    resource_classes = [ProductResource]
    list_display = ("sku", "name", "brand", "category", "price", "accrual_excluded", "redemption_excluded")
    list_display_links = ("sku", "name")
    list_select_related = ("brand", "category")
    list_filter = ("brand", ("category", AutocompleteSelectFilter), "accrual_excluded", "redemption_excluded")
    search_fields = ("^sku", "name")
    autocomplete_fields = ("category",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "sku", "name", "category", "price")}),
        (_("Points"), {"fields": ("accrual_excluded", "redemption_excluded")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("pk",)
    show_full_result_count = False
    paginator = InfinitePaginator
