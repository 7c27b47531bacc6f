from pathlib import Path

from localinfra.jaeger import jaeger_config
from localinfra.prometheus_server import prometheus_config


def test_jaeger_listens_on_loopback_only_with_otlp_http_and_its_query_service() -> None:
    config = jaeger_config(otlp_port=1, query_port=2, grpc_port=3)
    assert config["receivers"] == {"otlp": {"protocols": {"http": {"endpoint": "127.0.0.1:1"}}}}
    query = config["extensions"]["jaeger_query"]
    assert (query["http"], query["grpc"]) == (
        {"endpoint": "127.0.0.1:2"},
        {"endpoint": "127.0.0.1:3"},
    )
    assert config["service"]["telemetry"]["metrics"] == {"level": "none"}  # no port 8888
    assert config["service"]["pipelines"]["traces"]["exporters"] == ["jaeger_storage_exporter"]


def test_prometheus_scrapes_the_file_sd_targets_and_loads_the_rule_files() -> None:
    config = prometheus_config(
        Path("/w/targets.json"),
        [Path("/w/rules.yaml")],
        scrape_interval="2s",
        evaluation_interval="1s",
    )
    assert config["global"] == {"scrape_interval": "2s", "evaluation_interval": "1s"}
    assert config["rule_files"] == ["/w/rules.yaml"]
    (job,) = config["scrape_configs"]
    assert job["file_sd_configs"][0]["files"] == ["/w/targets.json"]
