"""containerd (Debian's package) as the node's CRI runtime, with runc and the CNI bridge.

Everything lives in the node's run directory: root, state, socket, CNI config and IPAM leases.
Image pulls go to a closed loopback port: images come only from `import_image`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.node_host import BRIDGE, BRIDGE_IP, POD_CIDR
from localinfra.node_images import PAUSE_IMAGE, BuiltImage
from localinfra.node_provision import CNI_BIN_DIR
from localinfra.process import ManagedProcess, run_checked

CRI_NAMESPACE = "k8s.io"
CNI_NETWORK = "shopkeeper-pods"
# Plugins that would write outside the run directory (/opt/containerd) or are of no use here.
_DISABLED_PLUGINS = (
    "io.containerd.internal.v1.opt",
    "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.tracing.processor.v1.otlp",
)


def containerd_binary() -> str:
    found = shutil.which("containerd")
    if found is None:
        raise MissingDependencyError("containerd", "make deps")
    return found


def cni_config() -> dict[str, object]:
    """The pods' network: the project's bridge, host-local addresses, no masquerading."""
    return {
        "cniVersion": "1.0.0",
        "name": CNI_NETWORK,
        "plugins": [
            {
                "type": "bridge",
                "bridge": BRIDGE,
                "isGateway": True,
                "ipMasq": False,  # pods only talk to the host and each other
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": POD_CIDR, "gateway": BRIDGE_IP}]],
                    "routes": [{"dst": "0.0.0.0/0"}],
                    "dataDir": "{ipam}",
                },
            },
            {"type": "loopback"},
        ],
    }


class Containerd:
    """One containerd with its own config, root, state and socket under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "containerd.sock"
        self.process: ManagedProcess | None = None

    @property
    def endpoint(self) -> str:
        return f"unix://{self.socket}"

    def _config(self) -> str:
        cri = '[plugins."io.containerd.grpc.v1.cri"]'
        runc = f"{cri[:-1]}.containerd.runtimes.runc]"
        lines = [
            "version = 2",
            f'root = "{self.directory / "root"}"',
            f'state = "{self.directory / "state"}"',
            f"disabled_plugins = {json.dumps(list(_DISABLED_PLUGINS))}",
            "[grpc]",
            f'  address = "{self.socket}"',
            "[ttrpc]",
            f'  address = "{self.socket}.ttrpc"',
            "[metrics]",
            '  address = ""',
            cri,
            f'  sandbox_image = "{PAUSE_IMAGE}"',
            # No CAP_SYS_RESOURCE here: a negative oom_score_adj cannot be written.
            "  restrict_oom_score_adj = true",
            "  disable_apparmor = true",
            f"{cri[:-1]}.containerd]",
            '  snapshotter = "overlayfs"',
            '  default_runtime_name = "runc"',
            runc,
            '  runtime_type = "io.containerd.runc.v2"',
            f"{runc[:-1]}.options]",
            "  SystemdCgroup = false",
            f"{cri[:-1]}.cni]",
            f'  bin_dir = "{CNI_BIN_DIR}"',
            f'  conf_dir = "{self.directory / "net.d"}"',
            "  max_conf_num = 1",
            f"{cri[:-1]}.registry]",
            f'  config_path = "{self.directory / "certs.d"}"',
        ]
        return "\n".join(lines) + "\n"

    def _write_files(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "config.toml"
        config.write_text(self._config())
        net_d = self.directory / "net.d"
        net_d.mkdir(exist_ok=True)
        network = json.dumps(cni_config(), indent=1).replace(
            '"{ipam}"', json.dumps(str(self.directory / "ipam"))
        )
        (net_d / "10-shopkeeper.conflist").write_text(network)
        # Every registry resolves to a closed loopback port: no pull leaves this machine.
        default_host = self.directory / "certs.d" / "_default"
        default_host.mkdir(parents=True, exist_ok=True)
        (default_host / "hosts.toml").write_text('server = "http://127.0.0.1:9"\n')
        return config

    def start(self, log_dir: Path) -> Containerd:
        config = self._write_files()
        self.process = ManagedProcess(
            "containerd",
            [containerd_binary(), "--config", str(config)],
            log_dir / "containerd.log",
            cwd=self.directory,
        ).start()
        self.process.wait_ready(self._answers, timeout=60, what="serving")
        return self

    def ctr(self, *argv: str, what: str, timeout: float = 600) -> str:
        return run_checked(
            ["ctr", "--address", str(self.socket), "--namespace", CRI_NAMESPACE, *argv],
            what=what,
            timeout=timeout,
        )

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        try:
            self.ctr("version", what="ctr version", timeout=5)
        except (InfraError, OSError, subprocess.TimeoutExpired):  # not yet
            return False
        return True

    def import_image(self, image: BuiltImage) -> None:
        """Load an OCI archive into the CRI namespace, where kubelet finds it.

        The image is named by the archive's `org.opencontainers.image.ref.name` (buildah writes
        the full reference there).
        """
        self.ctr(
            "images", "import", str(image.archive), what=f"ctr images import {image.reference}"
        )
        if image.reference not in self.images():
            raise InfraError(f"{image.archive} did not import as {image.reference}")

    def tag_image(self, source: str, target: str) -> None:
        """Name the image `source` also `target` (same content, no rebuild or import)."""
        self.ctr("images", "tag", "--force", source, target, what=f"ctr images tag {target}")
        if target not in self.images():
            raise InfraError(f"{source} was not tagged {target}")

    def images(self) -> list[str]:
        listing = self.ctr("images", "list", "--quiet", what="ctr images list")
        return listing.split()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=20)
            self.process = None
