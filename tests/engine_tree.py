"""A tree with every kind of cross-file unit, for the tests of processes, cache and shards."""

from __future__ import annotations

from pathlib import Path

FILES = {
    "app/compose.yaml": (
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile\n"
    ),
    "app/Dockerfile": "FROM ubuntu:latest\nRUN apt-get install curl\n",
    "k8s/deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n"
        "      labels:\n        app: web\n    spec:\n      containers:\n"
        "        - name: web\n          image: nginx:latest\n"
    ),
    "k8s/service.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
        "  selector:\n    app: webb\n  ports:\n    - port: 80\n"
    ),
    "k8s/crds.yaml": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        "  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n"
        "  names:\n    kind: Widget\n    plural: widgets\n---\n"
    ),
    "k8s/account.yaml": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        "  name: gadgets.example.com\n---\napiVersion: v1\nkind: ServiceAccount\n"
        "metadata:\n  name: web\n"
    ),
    "infra/main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = var.name\n}\n',
    "infra/variables.tf": 'variable "name" {\n  type = string\n}\n',
}
SINGLES = 60
"""Dockerfiles of their own, so that the tree is large enough for worker processes."""


def make_tree(root: Path) -> Path:
    """Write the tree below `root` and return it."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for number in range(SINGLES):
        path = root / "images" / f"s{number:02}" / "Dockerfile"
        path.parent.mkdir(parents=True)
        path.write_text(f"FROM alpine:3.{number}\nRUN apk add curl\n")
    return root
