"""Views across the documents of one run, built once per run and memoised on it.

Each is a view rules ask for by annotating a parameter (see `opslint.views`):
`K8sIndex` (every Kubernetes object, by render and namespace; Helm templates by path,
ServiceAccounts by name, Kustomization folders), `TerraformModule` (the files of one
folder read as one module), `BuildContexts` (the Compose build contexts of each
Dockerfile), `WorkflowFolders` (the other workflows beside a GitHub workflow) and
`BuildPlaceholders` (the image references skaffold, Tilt, ko or kustomize replace).
"""
