import json

import httpx2
import pytest
from lightkube import ApiError
from lightkube.core.generic_client import BasicRequest, WatchDriver
from lightkube.resources.core_v1 import ConfigMap

from shopkeeper import kube

EXPIRED = {
    "type": "ERROR",
    "object": {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "too old resource version: 1 (338)",
        "reason": "Expired",
        "code": 410,
    },
}
"""What the API server's watch cache sends, inside a 200 stream, for a version it no longer has."""


def test_an_error_inside_a_watch_stream_has_the_code_of_its_status() -> None:
    driver = WatchDriver(BasicRequest("GET", "/api/v1/configmaps", ConfigMap), None)
    with pytest.raises(ApiError) as raised:
        driver.process_one_line(json.dumps(EXPIRED).encode())  # type: ignore[no-untyped-call]
    assert raised.value.response is None  # reading err.response.status_code would fail
    assert kube.status_code(raised.value) == 410


def test_a_refused_request_has_the_code_of_its_response() -> None:
    request = httpx2.Request("GET", "https://api/apis/batch/v1/jobs")
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 403}
    refused = httpx2.Response(403, json=status, request=request)
    assert kube.status_code(ApiError(request=request, response=refused)) == 403
    page = httpx2.Response(404, text="404 page not found", request=request)
    error = httpx2.HTTPStatusError("not found", request=request, response=page)
    assert kube.status_code(error) == 404
