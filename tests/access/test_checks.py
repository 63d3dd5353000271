"""The system check that keeps every model of ours declaring its brand scope."""

from common import scoping
from common.checks import check_models_are_scoped
from loyalty.models import Product


def test_the_project_passes_the_scope_check():
    assert check_models_are_scoped() == []


def test_a_model_without_a_scope_declaration_fails_the_check(monkeypatch):
    # given
    declarations = dict(scoping._DECLARATIONS)
    del declarations[Product]
    monkeypatch.setattr(scoping, "_DECLARATIONS", declarations)

    # when
    errors = check_models_are_scoped()

    # then
    assert [(error.id, error.obj) for error in errors] == [("common.E001", Product)]
