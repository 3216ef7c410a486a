"""Every setting is declared once, with a default and help, and documented in the README."""
from tests.support.paths import REPO

from webapp import create_app
from webapp.core import settings


def test_every_setting_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"undocumented settings: {missing}"


def test_every_setting_has_help_and_a_unique_name():
    names = [s.name for s in settings.SETTINGS]
    assert len(names) == len(set(names))
    assert all(s.help and s.name.startswith("AUTOGRAD_") for s in settings.SETTINGS)


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MAX_REQUEST_BYTES", "1234")
    app = create_app({"TESTING": True})
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert settings.value("AUTOGRAD_BIND", {}) == "127.0.0.1:8000"


def test_gunicorn_reads_the_declared_settings(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_WORKERS", "3")
    namespace = {"__name__": "gunicorn_conf"}
    source = (REPO / "gunicorn.conf.py").read_text(encoding="utf-8")
    exec(compile(source, "gunicorn.conf.py", "exec"), namespace)   # our own config file
    assert namespace["workers"] == 3 and namespace["preload_app"] is False
