"""The builtin plugins, registered like third-party ones: the parsers, suppression
comments, and the Helm values behind a finding."""
