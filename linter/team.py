"""A support team's configuration: extra rule packs, rules and labels turned off, severity
overrides, an allowlist of sentences that are never flagged, the company's and partners' names,
and what the feedback store may keep.

One YAML file per team, validated at load; every mistake fails with the file, the key and the fix
(E510-E516). The linter applies it in two places only: ``select_rules`` when it builds its rule
set, and ``apply`` on the findings of every draft (``linter.core``).

    company: Acme Rentals
    partners: [Expedia, Booking.com]
    rule_packs: [acme-rules.yaml]            # same format as linter/rules/*.yaml, relative to this file
    disable_rules: [deflects_ownership.independent_third_party]
    disable_labels: [vague_commitment]
    severity: {process_over_customer: error, condescending.simply: info}
    allow:
      sentences: ["Acme Rentals is not affiliated with resellers."]
      patterns: ['^This policy is governed by the laws of \\w+\\.$']
    feedback: {store_text: false, retention_days: 90, dismissal_threshold: 0.5, min_verdicts: 20}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import Errors, ReplylintError
from .report import SEVERITIES, Finding
from .rules import Rule, load_rule_file, load_rules
from .slots import Slot
from .taxonomy import ALL_LABEL_IDS, LABEL_IDS

TEAM_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TOP_KEYS = ("name", "company", "partners", "rule_packs", "disable_rules", "disable_labels", "severity", "allow", "feedback")
_ALLOW_KEYS = ("sentences", "patterns")
_FEEDBACK_KEYS = ("store_text", "retention_days", "dismissal_threshold", "min_verdicts")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
MODEL_RULE_PREFIX = "model."


@dataclass(frozen=True)
class FeedbackPolicy:
    """What the feedback store keeps for a team, for how long, and when a rule counts as misfiring."""

    store_text: bool = False  # keep the flagged sentence's text (opt-in: it may hold personal data)
    retention_days: int = 90  # feedback older than this is deleted
    dismissal_threshold: float = 0.5  # a rule dismissed at this rate or more is reported
    min_verdicts: int = 20  # ... once it has at least this many verdicts


@dataclass(frozen=True)
class TeamConfig:
    name: str = "default"
    company: str | None = None
    partners: tuple[str, ...] = ()
    pack_rules: tuple[Rule, ...] = ()
    disable_rules: frozenset[str] = frozenset()
    disable_labels: frozenset[str] = frozenset()
    severity: tuple[tuple[str, str], ...] = ()  # (rule id or label, severity)
    allow_sentences: frozenset[str] = frozenset()  # normalised with ``normalise_sentence``
    allow_patterns: tuple[re.Pattern[str], ...] = ()
    feedback: FeedbackPolicy = field(default_factory=FeedbackPolicy)
    source: str = "<defaults>"

    # -- what the linter calls ---------------------------------------------------------------

    def select_rules(self, rules: Iterable[Rule]) -> tuple[Rule, ...]:
        """The linter's rules plus this team's packs, minus the rules turned off (ids stay unique)."""
        chosen: dict[str, Rule] = {}
        for rule in (*rules, *self.pack_rules):
            if rule.id in chosen:
                raise ReplylintError(Errors.E107, rule_id=rule.id, first=chosen[rule.id].source, second=rule.source)
            chosen[rule.id] = rule
        return tuple(
            rule for rule in chosen.values() if rule.id not in self.disable_rules and rule.label not in self.disable_labels
        )

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Drop findings of labels or model rules turned off and on allowlisted sentences; apply severity overrides."""
        overrides = dict(self.severity)
        kept = []
        for finding in findings:
            if finding.label in self.disable_labels or finding.rule_id in self.disable_rules:
                continue
            if self.allows(finding.sentence.text):
                continue
            severity = overrides.get(finding.rule_id) or overrides.get(finding.label)
            kept.append(replace(finding, severity=severity) if severity and severity != finding.severity else finding)
        return kept

    def allows(self, sentence: str) -> bool:
        """True when the sentence is on the allowlist: an exact sentence or a pattern match."""
        if not self.allow_sentences and not self.allow_patterns:
            return False
        if normalise_sentence(sentence) in self.allow_sentences:
            return True
        return any(pattern.search(sentence) for pattern in self.allow_patterns)

    def adjust_slots(self, text: str, slots: list[Slot]) -> list[Slot]:
        """Facts for suggestions: the team's partners are partners, its own company never is."""
        if not self.company and not self.partners:
            return slots
        company = (self.company or "").casefold()
        found: list[Slot] = []
        for partner in self.partners:
            for match in re.finditer(rf"(?<!\w){re.escape(partner)}(?!\w)", text, re.I):
                found.append(Slot("name", match.group(0), match.start(), match.end()))
        kept = [
            slot
            for slot in slots
            if not (slot.kind == "name" and company and slot.text.casefold() in company)
            and not any(p.start < slot.end and slot.start < p.end for p in found)
        ]
        return sorted(kept + found, key=lambda slot: slot.start)

    def to_summary(self) -> dict[str, Any]:
        """What the API shows about a team's setup (no rule bodies, no allowlist text)."""
        return {
            "team": self.name,
            "source": self.source,
            "rule_packs": sorted({rule.source.rsplit(":", 1)[0] for rule in self.pack_rules}),
            "pack_rules": len(self.pack_rules),
            "disabled_rules": sorted(self.disable_rules),
            "disabled_labels": sorted(self.disable_labels),
            "allowlist": {"sentences": len(self.allow_sentences), "patterns": len(self.allow_patterns)},
        }


def normalise_sentence(text: str) -> str:
    """Allowlist comparison ignores case, runs of whitespace and curly vs straight quotes."""
    return " ".join(text.translate(_QUOTES).split()).casefold()


@lru_cache(maxsize=1)
def _builtin_rule_ids() -> frozenset[str]:
    return frozenset(rule.id for rule in load_rules())


def load_team_config(path: Path | str, *, name: str | None = None) -> TeamConfig:
    """Read and validate one team config file; ``name`` defaults to the file's ``name:`` or its stem."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ReplylintError(Errors.E510, path=path, reason=getattr(err, "strerror", None) or str(err)) from err
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        raise ReplylintError(Errors.E511, path=path, reason=str(err).replace("\n", " ")) from err
    return team_config_from_mapping({} if data is None else data, base_dir=path.parent, source=str(path), name=name or path.stem)


def team_config_from_mapping(
    data: Any, *, base_dir: Path = Path("."), source: str = "<mapping>", name: str = "default"
) -> TeamConfig:
    """Validate a parsed team config (a mapping) and build the ``TeamConfig``."""
    where = _Where(source)
    if not isinstance(data, Mapping):
        raise ReplylintError(
            Errors.E512, path=source, key="(file)", reason="expected a mapping of the keys: " + ", ".join(_TOP_KEYS)
        )
    where.unknown_keys(data, _TOP_KEYS, "")
    team_name = data.get("name", name)
    if not isinstance(team_name, str) or not TEAM_NAME.match(team_name):
        raise ReplylintError(Errors.E512, path=source, key="name", reason="must be 1-64 letters, digits or . _ -")
    company = data.get("company")
    if company is not None and (not isinstance(company, str) or not company.strip()):
        raise ReplylintError(Errors.E512, path=source, key="company", reason="must be the company's name as a non-empty string")
    partners = where.strings(data, "partners")
    pack_rules: list[Rule] = []
    for pack in where.strings(data, "rule_packs"):
        pack_path = (base_dir / pack) if not Path(pack).is_absolute() else Path(pack)
        if not pack_path.is_file():
            raise ReplylintError(Errors.E512, path=source, key="rule_packs", reason=f"no rule file at '{pack_path}'")
        pack_rules.extend(load_rule_file(pack_path))  # the same loader and checks as the built-in rules
    known = set(_builtin_rule_ids()) | {rule.id for rule in pack_rules} | {MODEL_RULE_PREFIX + label for label in LABEL_IDS}
    disable_rules = where.strings(data, "disable_rules")
    for rule_id in disable_rules:
        where.known_rule(rule_id, "disable_rules", known)
    disable_labels = where.strings(data, "disable_labels")
    for label in disable_labels:
        if label not in ALL_LABEL_IDS:
            raise ReplylintError(Errors.E513, path=source, key="disable_labels", value=label, labels=", ".join(ALL_LABEL_IDS))
    severity = data.get("severity") or {}
    if not isinstance(severity, Mapping):
        raise ReplylintError(
            Errors.E512, path=source, key="severity", reason="must map rule ids or labels to error, warning or info"
        )
    for target, level in severity.items():
        if target not in ALL_LABEL_IDS:
            where.known_rule(str(target), "severity", known)
        if level not in SEVERITIES:
            raise ReplylintError(
                Errors.E512, path=source, key=f"severity.{target}", reason=f"'{level}' is not one of {', '.join(SEVERITIES)}"
            )
    allow = data.get("allow") or {}
    if not isinstance(allow, Mapping):
        raise ReplylintError(Errors.E512, path=source, key="allow", reason="must be a mapping with 'sentences' and/or 'patterns'")
    where.unknown_keys(allow, _ALLOW_KEYS, "allow.")
    sentences = where.strings(allow, "sentences", "allow.")
    patterns = []
    for index, pattern in enumerate(where.strings(allow, "patterns", "allow.")):
        try:
            patterns.append(re.compile(pattern, re.IGNORECASE))
        except re.error as err:
            raise ReplylintError(Errors.E514, path=source, index=index, pattern=pattern, reason=str(err)) from err
    return TeamConfig(
        name=team_name,
        company=company.strip() if company else None,
        partners=tuple(p.strip() for p in partners if p.strip()),
        pack_rules=tuple(pack_rules),
        disable_rules=frozenset(disable_rules),
        disable_labels=frozenset(disable_labels),
        severity=tuple((str(k), str(v)) for k, v in severity.items()),
        allow_sentences=frozenset(normalise_sentence(s) for s in sentences if s.strip()),
        allow_patterns=tuple(patterns),
        feedback=_feedback_policy(where, data.get("feedback")),
        source=source,
    )


def _feedback_policy(where: _Where, value: Any) -> FeedbackPolicy:
    if value is None:
        return FeedbackPolicy()
    if not isinstance(value, Mapping):
        raise ReplylintError(
            Errors.E512, path=where.source, key="feedback", reason="must be a mapping of " + ", ".join(_FEEDBACK_KEYS)
        )
    where.unknown_keys(value, _FEEDBACK_KEYS, "feedback.")
    defaults = FeedbackPolicy()
    store_text = value.get("store_text", defaults.store_text)
    if not isinstance(store_text, bool):
        raise ReplylintError(Errors.E512, path=where.source, key="feedback.store_text", reason="must be true or false")
    retention = value.get("retention_days", defaults.retention_days)
    if not isinstance(retention, int) or isinstance(retention, bool) or not 1 <= retention <= 3650:
        raise ReplylintError(
            Errors.E512, path=where.source, key="feedback.retention_days", reason="must be a whole number of days from 1 to 3650"
        )
    threshold = value.get("dismissal_threshold", defaults.dismissal_threshold)
    if not isinstance(threshold, int | float) or isinstance(threshold, bool) or not 0 < threshold <= 1:
        raise ReplylintError(
            Errors.E512,
            path=where.source,
            key="feedback.dismissal_threshold",
            reason="must be a rate above 0 and at most 1, e.g. 0.5",
        )
    minimum = value.get("min_verdicts", defaults.min_verdicts)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        raise ReplylintError(
            Errors.E512, path=where.source, key="feedback.min_verdicts", reason="must be a whole number of at least 1"
        )
    return FeedbackPolicy(store_text, retention, float(threshold), minimum)


@dataclass(frozen=True)
class _Where:
    """Validation helpers that know which file they are checking."""

    source: str

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                raise ReplylintError(
                    Errors.E515, path=self.source, key=prefix + str(key), allowed=", ".join(prefix + a for a in allowed)
                )

    def strings(self, data: Mapping[str, Any], key: str, prefix: str = "") -> list[str]:
        value = data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ReplylintError(Errors.E512, path=self.source, key=prefix + key, reason="must be a list of strings")
        return value

    def known_rule(self, rule_id: str, key: str, known: set[str]) -> None:
        if rule_id not in known:
            close = sorted(k for k in known if k.split(".")[0] == rule_id.split(".")[0])[:5]
            hint = (
                f" Rules of that label include: {', '.join(close)}." if close else ""
            ) + " 'replylint rules list' prints every rule id."
            raise ReplylintError(Errors.E516, path=self.source, key=key, rule_id=rule_id, hint=hint)
