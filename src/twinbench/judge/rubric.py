"""The rubric and the prompt templates: versioned data files, loaded and rendered into judge messages."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from string import Template
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from twinbench.errors import InputError
from twinbench.models import Message

Variant = Literal["ref", "doc", "ref_doc"]
VARIANTS: tuple[Variant, ...] = ("ref", "doc", "ref_doc")
DATA_DIR = Path(__file__).parent / "data"
DEFAULT_RUBRIC = DATA_DIR / "rubric.yaml"
_MARKERS = ("[The Start of", "[The End of")


class Category(BaseModel):
    """One rubric category: the most it can deduct, the names a judge may use for it, its rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    max: int = Field(gt=0)
    aliases: list[str] = Field(min_length=1)
    rules: list[str] = Field(min_length=1)


class Rubric(BaseModel):
    """A deduction rubric (start at `start`, deduct per category) with one template per variant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    start: int = 100
    marker: str = "[[x]]"
    categories: list[Category] = Field(min_length=1)
    templates: dict[Variant, str]
    source_dir: Path = Field(DATA_DIR, exclude=True)

    @model_validator(mode="after")
    def _budget(self) -> Rubric:
        if sum(c.max for c in self.categories) != self.start:
            raise ValueError(f"category maxima sum to {sum(c.max for c in self.categories)}, not {self.start}")
        return self

    @classmethod
    def load(cls, path: Path = DEFAULT_RUBRIC) -> Rubric:
        """Read a rubric YAML; its templates are paths relative to the YAML file."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            rubric = cls.model_validate({**data, "source_dir": path.parent})
        except (OSError, yaml.YAMLError, TypeError) as exc:
            raise InputError(str(path), f"cannot read rubric: {exc}") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError(str(path), err["msg"], field=".".join(map(str, err["loc"]))) from None
        for variant, rel in rubric.templates.items():
            if not (rubric.source_dir / rel).is_file():
                raise InputError(str(path), f"template file {rel} not found", field=f"templates.{variant}")
        return rubric

    def template(self, variant: Variant) -> str:
        if variant not in self.templates:
            raise InputError(self.id, f"no template for variant '{variant}'")
        return (self.source_dir / self.templates[variant]).read_text(encoding="utf-8")

    @cached_property
    def fingerprint(self) -> str:
        """sha256 (first 16 hex) over the rubric and every template: changes whenever any of them does."""
        digest = hashlib.sha256(self.model_dump_json(exclude={"source_dir"}).encode())
        for variant in sorted(self.templates):
            digest.update(self.template(variant).encode())
        return digest.hexdigest()[:16]

    def rubric_text(self) -> str:
        lines = [f"Start from {self.start} points and deduct per category (never more than its maximum):"]
        for i, cat in enumerate(self.categories, 1):
            lines.append(f"{i}. {cat.name} ({cat.max} points total)")
            lines.extend(f"   - {rule}" for rule in cat.rules)
        return "\n".join(lines)

    def output_instruction(self) -> str:
        names = ", ".join(c.name for c in self.categories)
        return (
            "First explain your deductions category by category. Then write a 'Summary of Deductions' with one line "
            f"per category ({names}) in the form '- Category: N points'. Then write 'Final Score: "
            f"{self.start} - TOTAL = GRADE' and, as the very last line, the grade in double brackets, "
            'for example "[[72]]".'
        )

    def grade_schema(self) -> dict[str, Any]:
        """The JSON schema of a structured answer: the integer grade first (an answer cut off early still has
        it), then the reason. The grade is an enum of 0..start, so providers that ignore minimum and maximum
        (llama.cpp grammars) are held to the scale too."""
        return {
            "type": "object",
            "properties": {
                "grade": {"type": "integer", "enum": list(range(self.start + 1))},
                "reason": {"type": "string"},
            },
            "required": ["grade", "reason"],
            "additionalProperties": False,
        }

    def json_instruction(self) -> str:
        return (
            f"Apply the deductions, then answer with one JSON object and nothing else: first \"grade\", the integer "
            f"{self.start} minus your total deduction (0 to {self.start}), then \"reason\", one or two sentences "
            'naming the deductions: {"grade": GRADE, "reason": "REASON"}.'
        )

    def messages(
        self,
        variant: Variant,
        candidate: str,
        reference: str | None = None,
        doc: str | None = None,
        structured: bool = False,
    ) -> list[Message]:
        """The judge prompt for one program, as a single user message; `structured` asks for the JSON answer of
        `grade_schema` instead of the written deductions and the grade marker."""
        if "ref" in variant.split("_") and reference is None:
            raise InputError(self.id, f"variant '{variant}' needs a reference program")
        if "doc" in variant.split("_") and not doc:
            raise InputError(self.id, f"variant '{variant}' needs API documentation text (--doc FILE)")
        text = Template(self.template(variant)).substitute(
            candidate=_neutralise(candidate),
            reference=_neutralise(reference or ""),
            doc=_neutralise(doc or ""),
            rubric=self.rubric_text(),
            output_instruction=self.json_instruction() if structured else self.output_instruction(),
        )
        return [Message(role="user", content=text)]


def _neutralise(text: str) -> str:
    """Keep model-written text from opening or closing the prompt's sections."""
    for marker in _MARKERS:
        text = text.replace(marker, marker.replace("[", "("))
    return text
