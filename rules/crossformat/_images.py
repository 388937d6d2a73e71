"""What the image rules share: telling a real image reference from a placeholder."""

from __future__ import annotations

import re

_REFERENCE = re.compile(r"[A-Za-z0-9][\w.:/@+-]*")
"""The characters an image reference can hold (name, port, tag, digest)."""


def is_image_reference(text: str) -> bool:
    """False for a placeholder such as `<YOUR-CONTAINER>` or `<image_url>` in documentation."""
    return _REFERENCE.fullmatch(text) is not None


_TAG_WORDS = re.compile(r"[-_.]+")
_RELEASE_NAMED = frozenset({"debian", "ubuntu", "buildpack-deps"})
"""Repositories whose code-name tags (`debian:bookworm`, `ubuntu:noble-20240801`) name a
release of the image itself."""
_CHANNELS = frozenset(
    {"latest", "stable", "oldstable", "oldoldstable", "testing", "unstable", "sid"}
    | {"experimental", "rolling", "devel"}
)
"""Code-name-like tags of those repositories that follow whatever release comes next."""


def moving_tag(repository: str, tag: str | None) -> bool:
    """True when `tag` names no version, so it moves to whatever the publisher tags next:
    no tag (`latest`), `latest`, and every tag without a digit (`node:lts`, `docker:cli`,
    `nginx:stable`, `python:slim`, `alpine:edge`, `redis:alpine`). Debian, Ubuntu and
    buildpack-deps code names (`debian:bookworm-slim`) name a release and do not move
    across releases, except the channels (`debian:stable`, `debian:sid`, `ubuntu:rolling`)."""
    if tag is None:
        return True
    if any(character.isdigit() for character in tag):
        return False
    words = [word for word in _TAG_WORDS.split(tag.lower()) if word]
    name = repository.rsplit("/", 1)[-1].lower()
    return not (name in _RELEASE_NAMED and words and words[0] not in _CHANNELS)
