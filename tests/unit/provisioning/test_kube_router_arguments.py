from pathlib import Path

from localinfra.netpol import firewall_arguments


def test_kube_router_runs_only_its_network_policy_firewall() -> None:
    args = firewall_arguments(Path("/run/kubeconfig"), "shopkeeper-node", "10.0.0.0/24", 4321)
    assert {"--run-firewall=true", "--run-router=false", "--run-service-proxy=false"} <= set(args)
    assert "--enable-cni=false" in args  # the node's bridge CNI stays as it is
    assert "--hostname-override=shopkeeper-node" in args
    assert "--service-cluster-ip-range=10.0.0.0/24" in args
    assert "--metrics-port=0" in args
