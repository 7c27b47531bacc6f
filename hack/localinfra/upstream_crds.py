"""The upstream CRDs the tests install, provisioned at pinned versions into the cache.

CloudNativePG, Prometheus Operator, KEDA, Gateway API and Traefik ship their CRD YAML inside
their Go modules (as envtest setups use them): `go mod download` from the Go module proxy, then
copy.
Strimzi publishes no CRD YAML to a registry, so its CRDs are generated as Strimzi's own build
generates them: its `crd-generator` run over its `api` model classes, both from Maven Central.
Each set lands in `<cache>/crds/<name>-<version>/` with a stamp naming its source.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.gobuild import go_tool
from localinfra.maven import MAVEN_DIR, STAMP, copy_dependencies, digest, is_current
from localinfra.paths import cache_dir
from localinfra.process import run_checked
from localinfra.versions import versions

TRAEFIK_CRD_FILE = "docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml"
"""Traefik's own CRDs (Middleware, IngressRoute, ...), one file, as its Helm chart ships them."""
STRIMZI_GENERATOR_MIN_JAVA = 21  # the class-file version of Strimzi 1.x's jars
STRIMZI_MODEL = "io.strimzi.api.kafka.model"
# Strimzi's api/pom.xml: model class -> install file, generated as kafka.strimzi.io/v1 only.
STRIMZI_CRDS = {
    f"{STRIMZI_MODEL}.kafka.Kafka": "040-Crd-kafka.yaml",
    f"{STRIMZI_MODEL}.connect.KafkaConnect": "041-Crd-kafkaconnect.yaml",
    f"{STRIMZI_MODEL}.podset.StrimziPodSet": "042-Crd-strimzipodset.yaml",
    f"{STRIMZI_MODEL}.topic.KafkaTopic": "043-Crd-kafkatopic.yaml",
    f"{STRIMZI_MODEL}.user.KafkaUser": "044-Crd-kafkauser.yaml",
    f"{STRIMZI_MODEL}.nodepool.KafkaNodePool": "045-Crd-kafkanodepool.yaml",
    f"{STRIMZI_MODEL}.bridge.KafkaBridge": "046-Crd-kafkabridge.yaml",
    f"{STRIMZI_MODEL}.connector.KafkaConnector": "047-Crd-kafkaconnector.yaml",
    f"{STRIMZI_MODEL}.mirrormaker2.KafkaMirrorMaker2": "048-Crd-kafkamirrormaker2.yaml",
    f"{STRIMZI_MODEL}.rebalance.KafkaRebalance": "049-Crd-kafkarebalance.yaml",
}
STRIMZI_GENERATOR_FLAGS = (
    *("--label", "app:strimzi", "--label", "strimzi.io/crd-install:true"),
    *("--target-kube", "1.16+", "--crd-api-version", "v1"),
    *("--api-versions", "v1", "--storage-version", "v1", "--yaml"),
)


@dataclass(frozen=True)
class CrdSet:
    """One upstream project's CRDs at a pinned version, and how to fetch them into a folder."""

    name: str
    version: str
    source: str
    fetch: Callable[[CrdSet, Path], None]

    @property
    def directory(self) -> Path:
        return crds_root() / f"{self.name}-{self.version}"

    def stamp(self) -> str:
        return f"{self.name} {self.version} from {self.source}\n"

    def is_provisioned(self) -> bool:
        return is_current(self.directory, self.stamp())


def crds_root() -> Path:
    """Where the provisioned CRD sets live."""
    return cache_dir() / "crds"


def go_module_dir(module: str, version: str) -> Path:
    """The unpacked module `module@v<version>` in the Go module cache (downloaded if needed)."""
    with tempfile.TemporaryDirectory() as outside_any_module:
        info = json.loads(
            run_checked(
                [go_tool(), "mod", "download", "-json", f"{module}@v{version}"],
                what=f"go mod download {module}@v{version}",
                env={"GOFLAGS": "", "GO111MODULE": "on"},
                cwd=Path(outside_any_module),
            )
        )
    return Path(info["Dir"])


def go_module_files(module: str, *patterns: str) -> Callable[[CrdSet, Path], None]:
    """A fetch that copies the CRD files matching `patterns` out of the set's Go module."""

    def fetch(crd_set: CrdSet, target: Path) -> None:
        root = go_module_dir(module, crd_set.version)
        files = sorted({path for pattern in patterns for path in root.glob(pattern)})
        crds = [path for path in files if "kind: CustomResourceDefinition" in path.read_text()]
        if not crds:
            raise InfraError(f"no CRD YAML matching {patterns} in {root}")
        for path in crds:
            shutil.copyfile(path, target / path.name)

    return fetch


def java_homes() -> list[Path]:
    """Where a JDK may be, in order: $JAVA_HOME, the `java` on PATH, each one under /usr/lib/jvm."""
    homes = [Path(home) for home in [os.environ.get("JAVA_HOME", "")] if home]
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parents[1])
    return homes + sorted(Path("/usr/lib/jvm").glob("*"))


def java_home_at_least(major: int, homes: list[Path] | None = None) -> Path:
    """The first JDK of `homes` (default: `java_homes()`) whose release is `major` or newer."""
    for home in java_homes() if homes is None else homes:
        if (home / "bin" / "java").is_file() and _java_major(home) >= major:
            return home
    raise MissingDependencyError(
        f"a Java {major}+ runtime (Strimzi's CRD generator needs it; "
        f"looked in $JAVA_HOME, PATH and /usr/lib/jvm)",
        f"install a JDK {major}+ and set JAVA_HOME to it, then make deps",
    )


def _java_major(home: Path) -> int:
    try:
        release = (home / "release").read_text()
    except OSError:
        return 0
    found = re.search(r'^JAVA_VERSION="(\d+)', release, re.MULTILINE)
    return int(found.group(1)) if found else 0


def generate_strimzi(crd_set: CrdSet, target: Path) -> None:
    """Run Strimzi's CRD generator (Maven Central jars) as Strimzi's build does."""
    pom = MAVEN_DIR / "strimzi" / "pom.xml"
    classpath = cache_dir() / f"strimzi-crd-generator-{crd_set.version}" / "libs"
    stamp = f"strimzi={crd_set.version} pom={digest(pom)}\n"
    if not is_current(classpath, stamp):
        copy_dependencies(
            pom,
            classpath,
            {"strimzi.version": crd_set.version},
            expected=[f"api-{crd_set.version}.jar", f"crd-generator-{crd_set.version}.jar"],
            stamp=stamp,
        )
    java = java_home_at_least(STRIMZI_GENERATOR_MIN_JAVA) / "bin" / "java"
    outputs = [f"{cls}={target / name}" for cls, name in STRIMZI_CRDS.items()]
    generator = [str(java), "-cp", f"{classpath}/*", "io.strimzi.crdgenerator.CrdGenerator"]
    run_checked(
        [*generator, *STRIMZI_GENERATOR_FLAGS, *outputs],
        what="Strimzi CRD generator",
        timeout=300,
    )


def crd_sets() -> list[CrdSet]:
    """Every upstream CRD set, at the versions hack/versions.env pins."""
    v = versions()
    return [
        CrdSet(
            "strimzi",
            v.strimzi,
            "io.strimzi:api + io.strimzi:crd-generator (Maven Central)",
            generate_strimzi,
        ),
        CrdSet(
            "cloudnative-pg",
            v.cnpg,
            "github.com/cloudnative-pg/cloudnative-pg config/crd/bases",
            go_module_files("github.com/cloudnative-pg/cloudnative-pg", "config/crd/bases/*.yaml"),
        ),
        CrdSet(
            "prometheus-operator",
            v.prometheus_operator,
            "github.com/prometheus-operator/prometheus-operator example/prometheus-operator-crd",
            go_module_files(
                "github.com/prometheus-operator/prometheus-operator",
                *(
                    f"example/prometheus-operator-crd/monitoring.coreos.com_{kind}.yaml"
                    for kind in ("servicemonitors", "podmonitors", "prometheusrules")
                ),
            ),
        ),
        CrdSet(
            "keda",
            v.keda,
            "github.com/kedacore/keda/v2 config/crd/bases",
            go_module_files(
                "github.com/kedacore/keda/v2",
                *(
                    f"config/crd/bases/keda.sh_{kind}.yaml"
                    for kind in ("scaledobjects", "triggerauthentications")
                ),
            ),
        ),
        CrdSet(
            "gateway-api",
            v.gateway_api,
            "sigs.k8s.io/gateway-api config/crd/standard (standard channel)",
            go_module_files("sigs.k8s.io/gateway-api", "config/crd/standard/*.yaml"),
        ),
        CrdSet(
            "traefik",
            v.traefik,
            f"github.com/traefik/traefik/v3 {TRAEFIK_CRD_FILE}",
            go_module_files("github.com/traefik/traefik/v3", TRAEFIK_CRD_FILE),
        ),
    ]


def provision_set(crd_set: CrdSet, force: bool = False) -> bool:
    """Fetch one set into the cache unless it is there; True if it fetched."""
    if not force and crd_set.is_provisioned():
        return False
    staging = crd_set.directory.with_name(f"{crd_set.directory.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    crd_set.fetch(crd_set, staging)
    (staging / STAMP).write_text(crd_set.stamp())
    shutil.rmtree(crd_set.directory, ignore_errors=True)
    staging.rename(crd_set.directory)
    return True


def provision(force: bool = False) -> None:
    """Provision every pinned upstream CRD set into the cache."""
    for crd_set in crd_sets():
        state = "fetched" if provision_set(crd_set, force) else "cached"
        print(f"crds: {crd_set.name} {crd_set.version} {state} in {crd_set.directory}", flush=True)
