"""Bodies the API refuses before any view runs (findings 4, 6 and 16): a lone surrogate or a NUL
in any text of a JSON body, JSON nested past API_JSON_MAX_DEPTH, a body past
DATA_UPLOAD_MAX_MEMORY_SIZE. Every JSON write operation of the OpenAPI schema answers 400 (413
for size) in the API's error body, naming the field, and saves nothing."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from registry.models import ModelVersion

DEEP = "[" * 50_000 + "]" * 50_000
BAD_BODIES = {
    "surrogate": ('{"name": "x\\ud800", "title": "t"}', "name", "surrogate"),
    "surrogate in a nested value": ('{"metrics": {"auc": "x\\udfff"}}', "metrics.auc", "surrogate"),
    "surrogate in a key": ('{"metrics": {"a\\ud800": 1}}', "metrics.a\ufffd", "surrogate"),
    "NUL": ('{"title": "a\\u0000b"}', "title", "Null character"),
    "NUL in a list": ('{"tags": ["ok", "a\\u0000"]}', "tags.1", "Null character"),
    "50,000 deep": (DEEP, "non_field_errors", "nest at most"),
    "one level too deep": ('{"params": ' + "{\"a\": " * 32 + "1" + "}" * 32 + "}", None, "nest at most"),
}


def _write_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("post", "put", "patch"):
                url = re.sub(r"\{(id|number)\}", "1", path)
                yield method, re.sub(r"\{\w+\}", "x", url)


WRITE_OPERATIONS = list(_write_operations())


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_schema_has_write_operations_to_walk():
    assert len(WRITE_OPERATIONS) >= 20


@pytest.mark.parametrize(("body", "field", "words"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_every_json_write_operation_refuses_bad_text_and_deep_nesting(api, model, body, field, words):
    before = _row_counts()
    for method, url in WRITE_OPERATIONS:
        response = getattr(api, method)(url, body, content_type="application/json")
        assert response.status_code == 400, (method, url, response.content[:200])
        errors = response.json()["errors"]
        name, messages = next(iter(errors.items()))
        if field:
            assert name == field, (method, url, errors)
        assert words in messages[0], (method, url, errors)
    assert _row_counts() == before


def test_a_lone_surrogate_in_metrics_saves_no_version_and_the_model_still_answers(api, model):
    response = api.post(f"/api/v1/models/{model.slug}/versions/", '{"metrics": {"k": "x\\ud800"}}',
                        content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["metrics.k"]
    assert not ModelVersion.objects.filter(model=model).exists()
    assert api.get(f"/api/v1/models/{model.slug}/versions/").status_code == 200


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_an_oversized_body_gets_the_json_error_body(api, model, content_type):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    body = '{"notes": "' + "x" * size + '"}' if "json" in content_type else "notes=" + "x" * size
    for method, url in WRITE_OPERATIONS[:5] + [("post", f"/api/v1/models/{model.slug}/versions/")]:
        response = getattr(api, method)(url, body, content_type=content_type)
        assert response.status_code == 413, (method, url)
        assert response["Content-Type"] == "application/json"
        assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in response.json()["detail"]


def test_json_within_the_depth_limit_reaches_the_serializer(api, model):
    nested = "{\"a\": " * 30 + "1" + "}" * 30
    response = api.post(f"/api/v1/models/{model.slug}/versions/", '{"unknown": ' + nested + "}",
                        content_type="application/json")
    assert response.json()["errors"] == {"unknown": ["Unexpected field: it cannot be set here."]}


def test_malformed_json_is_still_worded_by_the_parser(api, model):
    response = api.post(f"/api/v1/models/{model.slug}/versions/", '{"metrics": ',
                        content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


# --- the web form ----------------------------------------------------------------------------
@pytest.mark.parametrize(("metrics", "words"), [
    ('{"k": "x\\ud800"}', "surrogate"), ('{"k": "a\\u0000"}', "Null character"),
    ("[" * 50_000 + "]" * 50_000, "nest at most"), ('{"k": ' + "[" * 40 + "]" * 40 + "}", "nest at most"),
])
def test_the_version_form_refuses_bad_metrics_with_a_form_error(client, member, model, metrics, words):
    client.force_login(member)
    response = client.post(f"/models/{model.slug}/versions/new/", {"status": "candidate", "metrics": metrics})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ModelVersion.objects.filter(model=model).exists()
