"""The public API of the package."""

from __future__ import annotations

import subprocess
import sys

import tacitus


def test_public_names_resolve() -> None:
    for name in tacitus.__all__:
        assert getattr(tacitus, name) is not None
    assert set(tacitus.__all__) == {*tacitus._EXPORTS, "__version__"}


def test_importing_the_package_does_not_load_spacy() -> None:
    code = "import sys, tacitus, tacitus.records; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
