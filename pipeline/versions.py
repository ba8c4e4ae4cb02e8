"""What a detector's answers depend on, found without loading the detector: the versions
of its libraries and a hash of this package's code. Part of every build fingerprint, so
it must be cheap: a build with nothing to do asks for it first.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from .model import DETECTORS

#: The libraries each detector's answers depend on (their distribution names).
LIBRARIES = {"langdetect": ("langdetect", "wordfreq"), "lingua": ("lingua-language-detector",)}


@lru_cache(maxsize=8)
def installed_version(project: str) -> str:
    """The installed version of the distribution ``project``.

    Read from the name of its ``.dist-info`` folder on ``sys.path``, as pip installs it:
    importing ``importlib.metadata`` would cost more than the rest of a build that finds
    nothing to do. Anything unusual falls back to ``importlib.metadata``.
    """
    prefix = re.sub(r"[-_.]+", "_", project).lower() + "-"
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        found = [name[len(prefix):-len(".dist-info")] for name in names
                 if name.lower().startswith(prefix) and name.endswith(".dist-info")]
        if len(found) == 1:
            return found[0]
        if found:
            break  # more than one version in one folder: let importlib.metadata decide
    from importlib.metadata import version

    return version(project)


def detector_version(name: str) -> str:
    """What the detector ``name``'s answers depend on: its libraries' versions and this
    package's code (any change to the scoring changes the hash)."""
    if name not in LIBRARIES:
        raise ValueError(f"unknown detector {name!r}; choose one of {', '.join(DETECTORS)}")
    libraries = "/".join(f"{project.split('-')[0]}-{installed_version(project)}"
                         for project in LIBRARIES[name])
    return f"{name}/{libraries}/code-{code_fingerprint()[:16]}"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over this package's Python files: a cache made by other code is not reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
