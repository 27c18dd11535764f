"""Cross-check: the official Python SDK's own version calls, against the bundled stand-in.

Usage: python sdk_crosscheck.py http://127.0.0.1:PORT
Creates a version (CreateEdgeContainerAppVersion), reads it back (GetEdgeContainerAppVersion)
until it is created, finds it by name (ListEdgeContainerAppVersions), publishes it and reads the
app's telemetry (DescribeEdgeContainerAppStats, as the metric gate does), with both signature
methods. The stand-in verifies each signature and where each parameter arrived, with
code of its own, so a pass means the action and the SDK agree on the wire.
Runs in a throw-away virtualenv only; never part of the product.
"""
import sys
import time
from datetime import datetime, timedelta, timezone

from alibabacloud_esa20240910 import models
from alibabacloud_esa20240910.client import Client
from alibabacloud_tea_openapi import models as open_api_models

url = sys.argv[1]
scheme, endpoint = url.split("://", 1)
APP = "app-880688675783790001"

for algorithm in ("v3", "v2"):
    config = open_api_models.Config(
        access_key_id="LTAIstandinDemoKey",
        access_key_secret="standin-demo-secret",
        endpoint=endpoint,
        protocol=scheme,
    )
    if algorithm == "v2":
        config.signature_algorithm = "v2"
    client = Client(config)
    name = f"sdk-crosscheck-{algorithm}-{int(time.time() * 1000)}"
    container = models.CreateEdgeContainerAppVersionRequestContainers(
        name="web",
        image="registry.example.com/shop/web:2.0.0",
        is_acrimage=False,
        spec="1C2G",
        storage="10G",
        probe_type="httpGet",
        probe_content=models.CreateEdgeContainerAppVersionRequestContainersProbeContent(
            path="/healthz", port=8080, scheme="HTTP", initial_delay_seconds=3
        ),
        env_variables="MODE=prod,LOG=info",
    )
    created = client.create_edge_container_app_version(
        models.CreateEdgeContainerAppVersionRequest(
            app_id=APP, name=name, remarks="sdk cross-check", containers=[container]
        )
    )
    version_id = created.body.version_id
    assert version_id and version_id.startswith("ver-"), created.body
    for _ in range(10):
        got = client.get_edge_container_app_version(
            models.GetEdgeContainerAppVersionRequest(app_id=APP, version_id=version_id)
        )
        if got.body.version.status != "creating":
            break
    assert got.body.version.status == "created", got.body.version.status
    assert got.body.version.containers[0].storage == "10G"
    listed = client.list_edge_container_app_versions(
        models.ListEdgeContainerAppVersionsRequest(
            app_id=APP, page_number=1, page_size=100, search_key=name, search_type="Name"
        )
    )
    assert [v.version_id for v in listed.body.versions] == [version_id], listed.body
    client.publish_edge_container_app_version(
        models.PublishEdgeContainerAppVersionRequest(
            app_id=APP, version_id=version_id, publish_env="staging", percentage=100
        )
    )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    stats = client.describe_edge_container_app_stats(
        models.DescribeEdgeContainerAppStatsRequest(
            app=APP,
            fields="pod_ready_rate,container_memory_rss_quota_rate",
            start_time=(now - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            end_time=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    )
    assert stats.body.points and stats.body.points[-1].pod_ready_rate == 100, stats.body
    print(f"{algorithm}: created {version_id} ({name}), read it back, found it by name, published it, read its stats")
