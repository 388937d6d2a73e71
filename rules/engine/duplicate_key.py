"""OP003 duplicate-key."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.source import Document


@rule("OP003", "duplicate-key", Severity.ERROR, tags=("engine", "correctness"))
def duplicate_key(document: Document) -> Iterator[Finding]:
    """A YAML mapping repeats a key.

    ## What it does
    Reports the second and later occurrences of a key in one YAML mapping, pointing at the
    repeated key and naming the line of the first.

    ## Why it matters
    YAML forbids duplicate keys, yet most loaders silently keep the last value: a
    `resources:` or `env:` block written twice loses the first one without a word, and
    different tools may keep different copies.

    ## Example
    ```yaml
    containers:
      - name: app
        image: app:1.4.2
        image: app:latest
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: app:1.4.2
    ```

    ## Fix
    None: which value was meant is the author's call.

    ## Variants
    - Keys repeated in a block mapping (yamllint key-duplicates, actionlint's YAML
      check): covered, in every YAML file opslint reads.
    - Keys repeated in a flow mapping (`{a: 1, a: 2}`), and a quoted spelling of the same
      key (`web:` then `"web":`): covered.
    - A key that overrides one brought in by a merge key (`<<: *base`): not reported: that
      is what merge keys are for.
    - An attribute repeated in an HCL block: not covered yet (Terraform rejects it with
      "Attribute redefined" before any plan).

    ## References
    - https://yaml.org/spec/1.2.2/#mapping
    """
    yield from document.problems_with("OP003")
