"""Labels and names keep learners apart and make cleanup safe."""
import pytest

from dockerlens.engine import scope


def test_labels_name_course_lesson_and_learner(monkeypatch):
    monkeypatch.setenv("DOCKERLENS_LEARNER", "Alice Smith")
    assert scope.labels("06") == {"dockerlens.course": "1", "dockerlens.lesson": "06",
                                  "dockerlens.learner": "alice-smith"}


def test_names_are_prefixed_per_learner(monkeypatch):
    monkeypatch.setenv("DOCKERLENS_LEARNER", "bob")
    assert scope.name("web") == "lens-bob-web"


def test_filters_select_this_learner(monkeypatch):
    monkeypatch.setenv("DOCKERLENS_LEARNER", "bob")
    assert scope.filters("03") == {"label": ["dockerlens.course=1", "dockerlens.learner=bob",
                                             "dockerlens.lesson=03"]}


def test_shared_is_reserved(monkeypatch):
    monkeypatch.setenv("DOCKERLENS_LEARNER", "shared")
    with pytest.raises(ValueError, match="reserved"):
        scope.learner()
