"""The web stage: the only package importing Flask (app factory, blueprints, parameters,
problem responses, OpenAPI, protection)."""
