"""/api/openapi.json (webapp/web/openapi.py, webapp/graph/schema.py): it describes every route, its
schema holds every lecture program's graph JSON, and the running API keeps to it
(schemathesis over loopback, a bounded number of generated requests per operation)."""
import copy
import time

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from webapp.web import openapi

GENERATED_PER_OPERATION = 15


def graph_json(client, source, tries=4):
    """GET /api/graph.json, again when a loaded machine stopped the program (the lecture's
    gradient descent takes ~2 s of its 3 s)."""
    for attempt in range(tries):
        time.sleep(3 * attempt)
        response = client.get("/api/graph.json", query_string={"source": source})
        if "server was busy" not in (response.json or {}).get("detail", ""):
            break
    return response


@pytest.fixture(scope="module")
def spec():
    return openapi.document()


def graph_validator(spec):
    """A validator for components.schemas.Graph, its $refs resolved inside the spec."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": "#/components/schemas/Graph", "components": spec["components"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_openapi_is_served_as_3_1_json(client, spec):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json == spec
    assert spec["openapi"].startswith("3.1")
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_route_is_documented(app, spec):
    """A new endpoint without a description in the spec fails here."""
    routes = {(rule.rule, method.lower()) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes == documented


def test_every_lecture_program_matches_the_graph_schema(client, spec, lecture_examples):
    validator = graph_validator(spec)
    checked = 0
    for example in lecture_examples:
        if "error" in example:
            continue
        response = graph_json(client, example["source"])
        assert response.status_code == 200, (example["id"], response.json)
        errors = list(validator.iter_errors(response.json))
        assert not errors, (example["id"], [error.message for error in errors[:3]])
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("break_it", [
    lambda doc: doc.pop("timeline"),
    lambda doc: doc["graph"]["nodes"][0].update(kind="tensor"),
    lambda doc: doc["graph"]["edges"][0].update(source="x"),
    lambda doc: doc["timeline"].append({"phase": "backward", "node": "n0"}),
    lambda doc: doc["graph"]["nodes"][0].update(value="nan"),   # only "NaN" is a number
    lambda doc: doc.update(output=3),
    lambda doc: doc.pop("backward"),
    lambda doc: doc["backward"].update(called="yes"),
])
def test_the_schema_rejects_a_broken_document(client, spec, break_it):
    doc = client.get("/api/graph.json", query_string={
        "source": "x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\ny.backward()"}).json
    validator = graph_validator(spec)
    assert validator.is_valid(doc)
    broken = copy.deepcopy(doc)
    break_it(broken)
    assert not validator.is_valid(broken)


def test_every_problem_status_is_documented_for_the_program_endpoints(spec):
    for path in ("/api/graph.json", "/api/graph.svg", "/api/graph.png", "/api/graph.pdf",
                 "/api/graph.gif", "/api/graph.dot"):
        responses = spec["paths"][path]["get"]["responses"]
        assert {"200", "400", "413", "422", "429", "503"} <= set(responses), path
        assert "application/problem+json" in responses["422"]["content"]


OPERATIONS = [(path, method) for path, item in openapi.document()["paths"].items()
              for method in item]


@pytest.fixture(scope="module")
def live_api(live_server):
    return schemathesis.openapi.from_url(f"{live_server}/api/openapi.json")


@pytest.mark.slow
@pytest.mark.parametrize("path, method", OPERATIONS)
def test_the_running_api_keeps_to_its_description(live_api, live_server, path, method):
    """Requests generated from the spec's parameters (schemathesis, loopback only): never a
    500, only documented statuses, content types and bodies (problem+json for every error).
    (Hypothesis drives it directly: schemathesis' pytest plugin does not run on pytest 9.)"""
    strategy = live_api[path][method.upper()].as_strategy()

    @settings(max_examples=GENERATED_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def conforms(case):
        case.call_and_validate(base_url=live_server, timeout=30,
                               checks=[not_a_server_error, status_code_conformance,
                                       content_type_conformance, response_schema_conformance])

    conforms()
