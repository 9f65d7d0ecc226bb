"""`BaseTwin`: the parts of a `Twin` that follow from its package, so a plugin states only what is its own."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinbench.twins.protocol import Variants

if TYPE_CHECKING:
    from twinbench.twins.preflight import PlanRun, Preflight


def package_dir(package: str) -> Path:
    """The folder of an importable package (imports the package itself, nothing below it)."""
    return Path(str(resources.files(package)))


def code_hash(root: Path, digest: Any) -> None:
    """Feed every `.py` file under `root` (relative path and content, in sorted order) into `digest`."""
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())


class BaseTwin:
    """Defaults for a twin plugin: the client is `<package>.client`, the prompt template is the package file
    `prompts/<prompt_version>.txt`, the fingerprint hashes the package's Python files, there are no
    scoring defaults and no variants, and the pre-flight report is the basic one (every channel summarised).
    A subclass sets `name`, `description`, `package`, `budget` and `prompt_version` and implements
    `simulator`, `state_schema` and `api_reference` (importing inside them)."""

    name: str
    description: str
    package: str
    prompt_version: str

    @property
    def client(self) -> str:
        return f"{self.package}.client"

    def prompt_template(self) -> str:
        return resources.files(self.package).joinpath("prompts", f"{self.prompt_version}.txt").read_text("utf-8")

    def scoring_defaults(self) -> dict[str, Any]:
        return {}

    def variants(self) -> Variants:
        return Variants()

    def preflight(self, run: PlanRun) -> Preflight:
        from twinbench.twins.preflight import basic_preflight

        return basic_preflight(run)

    def fingerprint(self) -> str:
        digest = hashlib.sha256(self.name.encode())
        code_hash(package_dir(self.package), digest)
        return digest.hexdigest()[:16]

    def __repr__(self) -> str:
        return f"<twin {self.name} ({self.package})>"
