"""Helpers of the Terraform rules: where findings about a module or a backend go."""

from __future__ import annotations

from opslint import Finding, Span
from opslint.indexes.terraform import TerraformModule
from opslint.model.terraform import Backend, Block, TerraformFile


def module_anchor(module: TerraformModule, document: TerraformFile) -> Block | None:
    """Where a finding about a whole module goes: its `terraform` block, else its first
    block; None when that block is in another file than `document`, which a rule checking
    each file of the module then leaves to that file."""
    settings = module.settings
    anchor = settings[0] if settings else module.first_block()
    return anchor if anchor is not None and anchor.span.path == document.path else None


def backend_finding(backend: Backend, message: str, span: Span | None = None) -> Finding:
    """A finding about `backend`, at `span` (a setting's value) or at its header (a
    setting missing)."""
    return Finding(span if span is not None else backend.span, message, logical=backend.logical)
