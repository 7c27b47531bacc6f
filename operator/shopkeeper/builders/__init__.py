"""Pure builders: a platform spec in, the manifests of its children out. No I/O."""
