"""Real local infrastructure for Shopkeeper: provisioning from package registries and launchers.

Nothing here is shipped in the image; tests (`tests/infra/plugin.py`), `make up` and
`hack/local-cluster` use it to run PostgreSQL, Kafka, Kafka Connect with Debezium and a
Kubernetes control plane as plain processes on 127.0.0.1.
"""
