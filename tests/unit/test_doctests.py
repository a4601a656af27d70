"""The examples in docstrings are true (they are documentation, so they are tested)."""
import doctest
import importlib
import pkgutil

import pytest

import dockerlens

MODULES = sorted(m.name for m in pkgutil.walk_packages(dockerlens.__path__, "dockerlens.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_some_modules_carry_examples():
    found = sum(doctest.testmod(importlib.import_module(n), optionflags=doctest.ELLIPSIS).attempted
                for n in MODULES)
    assert found >= 2
