"""webapp/__init__.py: the application factory."""
import json
from pathlib import Path

import pytest

from tests.support.paths import REPO, SHARED


def test_factory_names_the_root_templates_and_static_folders(app):
    assert Path(app.template_folder).resolve() == REPO / "templates"
    assert Path(app.static_folder).resolve() == REPO / "static"


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"


def test_bundled_examples_equal_the_shared_ones():
    shared = SHARED / "lecture_examples.json"
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    bundled = REPO / "webapp" / "data" / "lecture_examples.json"
    assert json.loads(bundled.read_text(encoding="utf-8")) == json.loads(
        shared.read_text(encoding="utf-8")
    ), "copy ../shared/lecture_examples.json to webapp/data/"
