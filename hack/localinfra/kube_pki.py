"""Certificates, keys and kubeconfigs of a throwaway local control plane."""

from __future__ import annotations

import base64
import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# The first address of --service-cluster-ip-range, which the `kubernetes` Service gets.
SERVICE_IP = "10.0.0.1"
_VALIDITY = datetime.timedelta(days=365)
FRONT_PROXY_CLIENT = "front-proxy-client"


@dataclass(frozen=True)
class KeyPair:
    """A certificate (PEM file) and its private key (PEM file)."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class ControlPlanePki:
    """Everything the apiserver, the controller-manager and their clients authenticate with."""

    ca: KeyPair
    serving: KeyPair
    admin: KeyPair
    controller_manager: KeyPair
    # Request-header authentication: aggregated API servers and the delegated authentication
    # of kube-controller-manager trust requests the apiserver proxies with this client cert.
    front_proxy_ca: KeyPair
    front_proxy_client: KeyPair
    service_account_key: Path
    service_account_pub: Path
    # With a local node: the identities of the scheduler, the kubelet and kube-proxy.
    node: NodePki | None = None


@dataclass(frozen=True)
class NodePki:
    """Certificates of a node and of what talks to it (all signed by the cluster CA)."""

    scheduler: KeyPair
    kubelet: KeyPair  # the node's client identity: system:node:<name> in system:nodes
    kubelet_serving: KeyPair  # kubelet's HTTPS server (logs, exec), for the node IP
    apiserver_kubelet_client: KeyPair  # the apiserver's identity towards the kubelet
    proxy: KeyPair


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
    )


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    """Signatures only; a CA's key signs certificates and revocation lists too."""
    return x509.KeyUsage(
        digital_signature=True,
        key_encipherment=False,
        content_commitment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _written(
    directory: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> KeyPair:
    """`<stem>.crt` and `<stem>.key` in `directory`, in PEM."""
    pair = KeyPair(directory / f"{stem}.crt", directory / f"{stem}.key")
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key, pair.key)
    return pair


def _issue(
    directory: Path,
    stem: str,
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    subject: x509.Name,
    *,
    server: bool,
    ips: tuple[str, ...] = (),
    dns_names: tuple[str, ...] = (),
) -> KeyPair:
    ca_cert, ca_key = ca
    key = _new_key()
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        _builder(subject, ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if server:
        names: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return _written(directory, stem, builder.sign(ca_key, hashes.SHA256()), key)


def _new_ca(
    directory: Path, stem: str, common_name: str
) -> tuple[KeyPair, tuple[x509.Certificate, ec.EllipticCurvePrivateKey]]:
    key = _new_key()
    name = _name(common_name)
    cert = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return _written(directory, stem, cert, key), (cert, key)


API_SERVER_NAMES = (
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
)


def _node_pki(
    directory: Path,
    signer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    node_name: str,
    node_ip: str,
) -> NodePki:
    def client(stem: str, common_name: str, organization: str | None = None) -> KeyPair:
        return _issue(directory, stem, signer, _name(common_name, organization), server=False)

    return NodePki(
        scheduler=client("scheduler", "system:kube-scheduler"),
        kubelet=client("kubelet", f"system:node:{node_name}", "system:nodes"),
        kubelet_serving=_issue(
            directory,
            "kubelet-serving",
            signer,
            _name(f"system:node:{node_name}", "system:nodes"),
            server=True,
            ips=(node_ip,),
            dns_names=(node_name,),
        ),
        apiserver_kubelet_client=client(
            "apiserver-kubelet-client", "kube-apiserver-kubelet-client", "system:masters"
        ),
        proxy=client("kube-proxy", "system:kube-proxy"),
    )


def generate_pki(
    directory: Path, *, node_name: str | None = None, node_ip: str | None = None
) -> ControlPlanePki:
    """Create the CAs and everything they sign in `directory` (ECDSA P-256: fast to make).

    With `node_name` and `node_ip`, also the certificates of a node at that address.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ca, signer = _new_ca(directory, "ca", "shopkeeper-local-ca")
    front_proxy_ca, front_proxy_signer = _new_ca(
        directory, "front-proxy-ca", "shopkeeper-local-front-proxy-ca"
    )
    sa_key = _new_key()
    sa_pub = directory / "service-account.pub"
    sa_pub.write_bytes(
        sa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    _write_key(sa_key, directory / "service-account.key")
    return ControlPlanePki(
        ca=ca,
        serving=_issue(
            directory,
            "apiserver",
            signer,
            _name("kube-apiserver"),
            server=True,
            ips=("127.0.0.1", SERVICE_IP, *([node_ip] if node_ip else [])),
            dns_names=API_SERVER_NAMES,
        ),
        admin=_issue(
            directory, "admin", signer, _name("shopkeeper-admin", "system:masters"), server=False
        ),
        # The identity kubeadm gives it: bootstrap RBAC grants this user what it needs.
        controller_manager=_issue(
            directory,
            "controller-manager",
            signer,
            _name("system:kube-controller-manager"),
            server=False,
        ),
        front_proxy_ca=front_proxy_ca,
        front_proxy_client=_issue(
            directory,
            "front-proxy-client",
            front_proxy_signer,
            _name(FRONT_PROXY_CLIENT),
            server=False,
        ),
        service_account_key=directory / "service-account.key",
        service_account_pub=sa_pub,
        node=_node_pki(directory, signer, node_name, node_ip) if node_name and node_ip else None,
    )


def write_kubeconfig(
    path: Path,
    *,
    server: str,
    ca: Path,
    client: KeyPair,
    user: str,
    cluster: str = "shopkeeper-local",
) -> Path:
    """A self-contained kubeconfig (credentials embedded) for one client certificate."""

    def b64(file: Path) -> str:
        return base64.b64encode(file.read_bytes()).decode()

    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": cluster, "cluster": {"server": server, "certificate-authority-data": b64(ca)}}
        ],
        "users": [
            {
                "name": user,
                "user": {
                    "client-certificate-data": b64(client.cert),
                    "client-key-data": b64(client.key),
                },
            }
        ],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": user}}],
        "current-context": cluster,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)
    return path
