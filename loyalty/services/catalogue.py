"""The category tree: paths kept in step with parents, cycles refused."""

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from loyalty.models import Category


def _path(category: Category) -> str:
    return (category.parent.path if category.parent else "/") + f"{category.pk}/"


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a category and re-path its subtree; a parent inside its own subtree is refused."""
    if category.pk and category.parent_id:
        parent = Category.objects.get(pk=category.parent_id)
        if parent.pk == category.pk or f"/{category.pk}/" in parent.path:
            raise InvalidInput(_("A category cannot be inside itself."), fields={"parent": [_("Creates a cycle.")]})
    old_path = category.path
    category.save()
    new_path = _path(category)
    if new_path != old_path:
        Category.objects.filter(pk=category.pk).update(path=new_path)
        category.path = new_path
        if old_path:
            for child in Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk):
                Category.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])
    return category


def category_descendant_ids(category_ids: list[int]) -> list[int]:
    """The given categories and all below them."""
    from django.db.models import Q

    paths = Category.objects.filter(pk__in=category_ids).values_list("path", flat=True)
    condition = Q(pk__in=category_ids)
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Category.objects.filter(condition).values_list("pk", flat=True))
