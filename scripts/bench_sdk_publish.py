"""Benchmark side B: one publish through the official Python SDK (alibabacloud-esa20240910).

Usage: python bench_sdk_publish.py HOST:PORT v3|v2
Runs in the benchmark's throw-away virtualenv only; never part of the product.
"""
import sys

from alibabacloud_esa20240910 import models
from alibabacloud_esa20240910.client import Client
from alibabacloud_tea_openapi import models as open_api_models

endpoint, algorithm = sys.argv[1], sys.argv[2]
config = open_api_models.Config(
    access_key_id="LTAIstandinDemoKey",
    access_key_secret="standin-demo-secret",
    endpoint=endpoint,
    protocol="http",
)
if algorithm == "v2":
    config.signature_algorithm = "v2"
client = Client(config)
response = client.publish_edge_container_app_version(
    models.PublishEdgeContainerAppVersionRequest(
        app_id="app-880688675783790001",
        version_id="ver-879626371616510001",
        publish_env="staging",
        percentage=20,
        remarks="benchmark",
    )
)
print(response.body.request_id)
