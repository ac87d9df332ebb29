"""Heavy libraries stay out of the default path: torch/transformers only for that backend."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "sklearn")


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} "
        "if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_package_cli_and_encoder_factory_import_nothing_heavy() -> None:
    assert _loaded_after("import monitor, monitor.cli, monitor.classify.encoders") == []


def test_default_encoder_and_classifier_import_nothing_heavy() -> None:
    code = (
        "from monitor.config import ClassifySettings\n"
        "from monitor.classify.classifier import Classifier, Doc\n"
        "c = Classifier.from_settings(ClassifySettings())\n"
        "assert c.encoder.name == 'use-multilingual-v3'\n"
        "c.classify([Doc(title='Regulator fines bank', text='The watchdog fined the bank.')])\n"
    )
    assert _loaded_after(code) == []


def test_transformers_backend_module_imports_torch_only_when_built() -> None:
    assert _loaded_after("import monitor.classify.encoders.hf") == []
