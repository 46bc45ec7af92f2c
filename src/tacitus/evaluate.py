"""Score the coder against PLOVER gold-standard records (one coded event per sentence)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tacitus.coder import Coder
from tacitus.ontology import normalize_type
from tacitus.records import Article, Event


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    event: str
    source: frozenset[str]
    target: frozenset[str]
    date: dt.date | None


@dataclass(frozen=True)
class Outcome:
    gold: GoldRecord
    predicted: tuple[Event, ...]
    best: Event | None

    @property
    def type_ok(self) -> bool:
        return self.best is not None and self.best.event == self.gold.event

    @property
    def source_ok(self) -> bool:
        return self.type_ok and _codes(self.best.source if self.best else ()) == self.gold.source

    @property
    def target_ok(self) -> bool:
        return self.type_ok and _codes(self.best.target if self.best else ()) == self.gold.target

    @property
    def full_ok(self) -> bool:
        return self.type_ok and self.source_ok and self.target_ok


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _ratio(self, num: int, den: int) -> float:
        return num / den if den else 0.0

    @property
    def type_recall(self) -> float:
        return self._ratio(sum(o.type_ok for o in self.outcomes), len(self.outcomes))

    @property
    def type_precision(self) -> float:
        predicted = sum(len(o.predicted) for o in self.outcomes)
        right = sum(sum(e.event == o.gold.event for e in o.predicted) for o in self.outcomes)
        return self._ratio(right, predicted)

    @property
    def source_accuracy(self) -> float:
        matched = [o for o in self.outcomes if o.type_ok]
        return self._ratio(sum(o.source_ok for o in matched), len(matched))

    @property
    def target_accuracy(self) -> float:
        matched = [o for o in self.outcomes if o.type_ok]
        return self._ratio(sum(o.target_ok for o in matched), len(matched))

    @property
    def full_match(self) -> float:
        return self._ratio(sum(o.full_ok for o in self.outcomes), len(self.outcomes))

    def per_type_recall(self) -> dict[str, tuple[int, int]]:
        totals: Counter[str] = Counter(o.gold.event for o in self.outcomes)
        hits: Counter[str] = Counter(o.gold.event for o in self.outcomes if o.type_ok)
        return {t: (hits[t], totals[t]) for t in sorted(totals)}

    def confusions(self, n: int = 10) -> list[tuple[tuple[str, str], int]]:
        pairs: Counter[tuple[str, str]] = Counter()
        for o in self.outcomes:
            if not o.type_ok:
                pairs[(o.gold.event, o.best.event if o.best else "(none)")] += 1
        return pairs.most_common(n)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": len(self.outcomes),
            "type_recall": round(self.type_recall, 3),
            "type_precision": round(self.type_precision, 3),
            "source_accuracy": round(self.source_accuracy, 3),
            "target_accuracy": round(self.target_accuracy, 3),
            "full_match": round(self.full_match, 3),
            "per_type_recall": {
                t: {"hit": h, "total": n} for t, (h, n) in self.per_type_recall().items()
            },
            "confusions": [
                {"gold": g, "predicted": p, "count": c} for (g, p), c in self.confusions()
            ],
        }


def _codes(actors: Any) -> frozenset[str]:
    return frozenset(a.code for a in actors if a.code)


def _gold_codes(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(a["code"] for a in value if isinstance(a, dict) and a.get("code"))


def read_gold(path: Path) -> list[GoldRecord]:
    records = []
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: malformed JSON ({exc.msg})") from None
        event, _mode = normalize_type(str(raw.get("event", "")))
        text = str(raw.get("text", "")).strip().strip("{}").strip()
        try:
            date = dt.date.fromisoformat(str(raw.get("date"))[:10])
        except ValueError:
            date = None
        records.append(
            GoldRecord(
                id=str(raw.get("id", lineno)),
                text=text,
                event=event,
                source=_gold_codes(raw.get("source")),
                target=_gold_codes(raw.get("target")),
                date=date,
            )
        )
    return records


def _best(events: tuple[Event, ...], gold: GoldRecord) -> Event | None:
    if not events:
        return None
    same_type = [e for e in events if e.event == gold.event]
    if same_type:
        return max(same_type, key=lambda e: (_codes(e.source) == gold.source, e.confidence))
    return max(events, key=lambda e: e.confidence)


def evaluate(records: list[GoldRecord], *, coder: Coder) -> Report:
    articles = [Article(id=r.id, text=r.text, published=r.date) for r in records]
    report = Report()
    for record, coded in zip(records, coder.code(articles), strict=True):
        report.outcomes.append(Outcome(record, coded.events, _best(coded.events, record)))
    return report


def evaluate_file(path: Path, *, coder: Coder) -> Report:
    return evaluate(read_gold(path), coder=coder)


def _actors(actors: Any) -> str:
    return "+".join(f"{a.code}{'-' + a.sector if a.sector else ''}" for a in actors) or "-"


def format_report(report: Report, *, errors: bool = False) -> str:
    lines = [
        f"sentences        {len(report.outcomes)}",
        f"type recall      {report.type_recall:.3f}",
        f"type precision   {report.type_precision:.3f}",
        f"source accuracy  {report.source_accuracy:.3f}",
        f"target accuracy  {report.target_accuracy:.3f}",
        f"full match       {report.full_match:.3f}",
        "",
        "per-type recall",
    ]
    for t, (hit, total) in report.per_type_recall().items():
        lines.append(f"  {t:<10} {hit:>3}/{total:<3} {hit / total if total else 0:.2f}")
    lines += ["", "commonest confusions (gold -> coded)"]
    lines += [f"  {g:<10} -> {p:<10} {c}" for (g, p), c in report.confusions()]
    if errors:
        lines += ["", "sentences coded wrongly"]
        for o in report.outcomes:
            if o.full_ok:
                continue
            lines.append(f"- [{o.gold.id}] {o.gold.text}")
            lines.append(
                f"    gold:  {o.gold.event} {'+'.join(sorted(o.gold.source)) or '-'} -> "
                f"{'+'.join(sorted(o.gold.target)) or '-'}"
            )
            if not o.predicted:
                lines.append("    coded: nothing")
            for e in o.predicted:
                lines.append(
                    f"    coded: {e.event} {_actors(e.source)} -> {_actors(e.target)} ({e.rule})"
                )
    return "\n".join(lines)
