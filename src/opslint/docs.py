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
        f"| Applies to | {', '.join('every format' if k == '*' else k for k in rule.kinds)} |",
        f"| Fix | {spec.fix} |",
    ]
    if spec.peers:
        rows.append(f"| Peers | {', '.join(spec.peers)} |")
    return "\n".join(rows) + "\n\n" + body.strip() + "\n"


def index_markdown(rules: list[Rule]) -> str:
    """The index of rule pages, one section per format as the catalog orders them."""
    from opslint.rule import FAMILIES

    titles = list(dict.fromkeys(title for title, _ in FAMILIES.values()))
    groups: dict[str, list[Rule]] = {}
    for rule in rules:
        family = FAMILIES.get(rule.code[:2])
        groups.setdefault(family[0] if family else "Other", []).append(rule)
    lines = ["# Rules", "", "Generated from the rules' docstrings by `python -m opslint.docs`.", ""]
    for title in sorted(groups, key=lambda t: titles.index(t) if t in titles else len(titles)):
        lines += [f"## {title}", "", "| code | name | severity | default | fix | summary |"]
        lines.append("|---|---|---|---|---|---|")
        for rule in sorted(groups[title], key=lambda r: r.code):
            spec = rule.spec
            state = "on" if spec.default_enabled else "off"
            lines.append(
                f"| [{spec.code}]({spec.code}.md) | {spec.name} | {spec.severity} | {state} "
                f"| {spec.fix} | {rule.summary} |"
            )
        lines.append("")
    return "\n".join(lines)


def rendered_pages(rules: list[Rule]) -> dict[str, str]:
    """File name to content for every page under docs/rules/."""
    pages = {f"{rule.code}.md": rule_markdown(rule) for rule in rules}
    pages["README.md"] = index_markdown(rules)
    return pages


def main() -> None:
    """Write docs/rules/ from the builtin rules' docstrings."""
    from pathlib import Path

    from opslint.plugins import PluginManager
    from opslint.rule import make_rule

    plugins = PluginManager()
    plugins.load(autoload=False)
    rules = [make_rule(f, origin) for origin, f in plugins.rule_functions()]
    folder = Path("docs/rules")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.md"):
        stale.unlink()
    for name, text in rendered_pages(rules).items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
