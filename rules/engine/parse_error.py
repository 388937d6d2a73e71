"""OP001 parse-error."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.source import Document


@rule("OP001", "parse-error", Severity.ERROR, tags=("engine", "correctness"))
def parse_error(document: Document) -> Iterator[Finding]:
    """A file of a known kind could not be read or parsed.

    ## What it does
    Reports a file that opslint recognised (by name, content or `--kind`) but could not
    read or parse: invalid YAML, an unknown Dockerfile instruction, an unterminated
    here-document, invalid UTF-8, a binary file, a YAML alias bomb, or a file over
    `max-file-size`. The message and location come from the parser. The run goes on with
    the other files.

    It also reports a file whose kind detection or parser failed unexpectedly (the
    message names the error), and a file whose reading and checking took longer than
    `file-time-budget` seconds (default 20, `--file-time-budget`, 0 for no limit): what
    its rules found before then is kept, and the rest of the file is not checked.

    ## Why it matters
    A file that does not parse is not checked at all, and the tool that consumes it
    (Docker, Kubernetes, the CI runner) will reject it or, worse, read it differently.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
         ports: ["80:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["80:80"]
    ```

    ## Fix
    None: the author must repair the file.

    ## Variants
    - YAML syntax errors (yamllint syntax, actionlint's YAML check, kube-linter's parse
      failures): covered, at the parser's location; the run goes on.
    - Dockerfile parse errors (hadolint stops at them): covered, per file.
    - HCL syntax errors (tflint and Terraform stop at them): covered, per file.
    - Files a peer skips silently when they do not parse (checkov): covered, as a finding.

    ## References
    - https://yaml.org/spec/1.2.2/
    - https://docs.docker.com/reference/dockerfile/
    """
    yield from document.problems_with("OP001")
