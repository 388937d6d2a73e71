"""Rule documentation: the docstring rendered as Markdown with the rule's metadata."""

from __future__ import annotations

from opslint.rule import Rule

REPOSITORY_DOCS = "https://github.com/opslint/opslint/blob/main/docs/rules"


def help_uri(rule: Rule) -> str:
    """Where the rule's page lives in the repository."""
    return f"{REPOSITORY_DOCS}/{rule.code}.md"


def rule_markdown(rule: Rule) -> str:
    """The page of one rule: title, metadata table, then the docstring's sections."""
    spec = rule.spec
    doc = rule.doc
    summary, _, body = doc.partition("\n")
    default = "on" if spec.default_enabled else "off (enable with `--select ALL` or its code)"
    rows = [
        f"# {spec.code} {spec.name}",
        "",
        summary.strip(),
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {spec.severity} |",
        f"| Default | {default} |",
        f"| Applies to | {', '.join(rule.kinds)} |",
        f"| Fix | {spec.fix} |",
    ]
    if spec.peers:
        rows.append(f"| Peers | {', '.join(spec.peers)} |")
    return "\n".join(rows) + "\n\n" + body.strip() + "\n"
