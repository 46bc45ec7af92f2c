"""PLOVER event types and CAMEO codes with their Goldstein weights and QuadClass."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

# Old PLOVER drafts (the gold standard's 0.5b1) used other names for some types.
LEGACY_TYPES: dict[str, tuple[str, str | None]] = {
    "DEMAND": ("REQUEST", None),
    "DISAPPROVE": ("ACCUSE", None),
    "INVESTIGATE": ("ACCUSE", "investigate"),
    "FIGHT": ("ASSAULT", None),
}


@dataclass(frozen=True)
class CameoCode:
    code: str
    plover: str
    goldstein: float
    label: str

    @property
    def quad_class(self) -> int:
        return quad_class(self.code)


def quad_class(cameo: str) -> int:
    """QuadClass from the CAMEO root: 1 verbal coop, 2 material coop, 3 verbal, 4 material conflict."""
    root = int(cameo[:2])
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, CameoCode]:
    raw = yaml.safe_load(files("tacitus").joinpath("data/ontology/cameo.yaml").read_text("utf-8"))
    return {
        code: CameoCode(code, entry["plover"], float(entry["goldstein"]), entry["label"])
        for code, entry in raw["codes"].items()
    }


@lru_cache(maxsize=1)
def ontology_version() -> str:
    raw = yaml.safe_load(files("tacitus").joinpath("data/ontology/cameo.yaml").read_text("utf-8"))
    return str(raw["version"])


def normalize_type(name: str) -> tuple[str, str | None]:
    """A current PLOVER type (and implied mode) for a current or legacy type name."""
    upper = name.strip().upper()
    if upper in LEGACY_TYPES:
        return LEGACY_TYPES[upper]
    return upper, None
