"""The Flask application factory: configuration, blueprints and error handling."""
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(MAX_CONTENT_LENGTH=64 * 1024)
    if test_config is not None:
        app.config.update(test_config)

    from . import api, pages
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    return app
