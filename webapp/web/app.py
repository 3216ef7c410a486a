"""The Flask application factory: configuration, blueprints and error handling."""
from pathlib import Path

from flask import Flask

from webapp.core import settings

ROOT = Path(__file__).resolve().parent.parent.parent


def create_app(test_config=None):
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings.as_config())
    if test_config is not None:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["AUTOGRAD_MAX_REQUEST_BYTES"])

    from webapp.pipeline import cache
    from webapp.web import api, drawings, lessons, pages, problems, protection
    cache.results.max_bytes = int(app.config["AUTOGRAD_CACHE_BYTES"])
    protection.init_app(app, limited_blueprints=[api.bp, drawings.bp, lessons.bp])
    problems.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(drawings.bp)
    app.register_blueprint(lessons.bp)
    return app
