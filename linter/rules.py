"""Tone rules as data: load, validate and match the YAML files in ``linter/rules/``.

A rule file holds the rules of one taxonomy label. Each rule carries its spaCy token patterns,
antipatterns for known false positives, a message, a severity, an optional replacement, and its
own ``incorrect`` and ``correct`` examples, which the test suite runs. A bad file fails at load
with its path, line, the rule id and what to fix.

Keys of a rule: ``id``, ``message``, ``patterns``, ``incorrect``, ``correct`` (required);
``severity``, ``antipatterns``, ``next_sentence_antipatterns``, ``replacement``, ``replaces``,
``description``. Both kinds of antipatterns are token patterns in the same format as ``patterns``:
- ``antipatterns`` cancel a hit when one matches the hit's own sentence;
- ``next_sentence_antipatterns`` cancel a hit when one matches the next sentence of the agent's
  text (blank lines and blanked quotes are skipped): "Our system won't let me change the date.
  What I can do is cancel it free of charge." The agent takes ownership right after the near miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import _spacy_without_torch  # noqa: F401  (before spaCy, so thinc leaves torch alone)

# isort: split
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .errors import Errors, ReplylintError
from .report import SEVERITIES
from .taxonomy import LABEL_IDS

BUILTIN_RULES_DIR = Path(__file__).parent / "rules"
MARKER = re.compile(r"<marker>(.*?)</marker>", re.S)
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")

_FILE_KEYS = {"label", "severity", "rules"}
_RULE_KEYS = {
    "id",
    "message",
    "severity",
    "patterns",
    "antipatterns",
    "next_sentence_antipatterns",
    "replacement",
    "replaces",
    "incorrect",
    "correct",
    "description",
}
_REQUIRED_RULE_KEYS = ("id", "message", "patterns", "incorrect", "correct")
_CASELESS_ATTRS = {"LOWER", "LEMMA", "NORM"}
MIN_EXAMPLES = 3


@dataclass(frozen=True)
class IncorrectExample:
    text: str  # without markers
    start: int
    end: int
    correction: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    message: str
    severity: str
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    antipatterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    # Cancel a hit when they match the next sentence (the agent acts right after a near miss).
    next_sentence_antipatterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    replacement: str | None = None
    replaces: str = "sentence"  # "span" or "sentence": what the replacement stands in for
    incorrect: tuple[IncorrectExample, ...] = ()
    correct: tuple[str, ...] = ()
    source: str = ""  # "path:line", for error messages


@dataclass(frozen=True)
class RuleHit:
    """A rule pattern matched at ``[start, end)`` (code points) inside sentence ``[sent_start, sent_end)``."""

    rule: Rule
    start: int
    end: int
    sent_start: int
    sent_end: int


# libyaml's parser when PyYAML has it: the pure-Python one took seconds of every cold start.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Records each mapping's line so errors can point at it; reads yes/no/on/off as words.

    YAML 1.1 turns a bare ``no`` into ``False``, which silently breaks a pattern such as
    ``{LOWER: no}``; only ``true``/``false`` are booleans here.
    """


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def rules_cache_dir() -> Path | None:
    """Where parsed rule files are kept: $REPLYLINT_CACHE_DIR (empty: no cache), else the user's cache folder."""
    configured = os.environ.get("REPLYLINT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "replylint"


_CACHE_FORMAT = b"rules-1"  # change when _LineLoader's output changes


def _parse_yaml(path: Path) -> Any:
    """A rule file's YAML. Parsed files are kept as JSON under their content's sha256: parsing the
    built-in rules took 0.6 s of every start (CLI, each API and batch worker); the JSON loads in 15 ms.
    A cache that cannot be read or written is skipped."""
    raw = path.read_bytes()
    folder = rules_cache_dir()
    cached = folder / f"{hashlib.sha256(_CACHE_FORMAT + raw).hexdigest()}.json" if folder else None
    if cached is not None:
        try:
            return json.loads(cached.read_bytes())
        except (OSError, ValueError):
            pass
    data = yaml.load(raw.decode("utf-8"), Loader=_LineLoader)
    if cached is not None:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) == data:  # keys YAML allows and JSON does not (numbers, booleans): never cached
            try:
                folder.mkdir(parents=True, exist_ok=True)
                partial = cached.with_suffix(f".{os.getpid()}.tmp")
                partial.write_text(text, encoding="utf-8")
                partial.replace(cached)
            except OSError:
                pass
    return data


def load_rule_file(path: Path) -> list[Rule]:
    """Parse and validate one rule file."""
    try:
        data = _parse_yaml(path)
    except yaml.YAMLError as err:
        raise ReplylintError(Errors.E101, path=path, reason=str(err).replace("\n", " ")) from err
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ReplylintError(
            Errors.E106, path=path, rule_id="-", reason="the file must be a mapping with 'label' and a 'rules' list"
        )
    for key in data:
        if key not in _FILE_KEYS and key != "__line__":
            raise ReplylintError(Errors.E102, path=path, rule_id="-", key=key, allowed=", ".join(sorted(_FILE_KEYS)))
    label = data.get("label")
    if label not in LABEL_IDS:
        raise ReplylintError(Errors.E105, path=path, label=label, labels=", ".join(LABEL_IDS))
    default_severity = data.get("severity", "warning")
    return [_parse_rule(path, label, default_severity, raw) for raw in data["rules"]]


def _parse_rule(path: Path, label: str, default_severity: str, raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise ReplylintError(Errors.E106, path=path, rule_id="-", reason="each entry under 'rules' must be a mapping")
    where = f"{path}:{raw.get('__line__', '?')}"
    rule_id = str(raw.get("id", "?"))
    for key in raw:
        if key not in _RULE_KEYS and key != "__line__":
            raise ReplylintError(Errors.E102, path=where, rule_id=rule_id, key=key, allowed=", ".join(sorted(_RULE_KEYS)))
    for key in _REQUIRED_RULE_KEYS:
        if key not in raw:
            raise ReplylintError(Errors.E103, path=where, rule_id=rule_id, key=key)
    raw = _strip_lines(raw)
    if not rule_id.startswith(label + "."):
        raise ReplylintError(Errors.E106, path=where, rule_id=rule_id, reason=f"rule ids in this file must start with '{label}.'")
    severity = raw.get("severity", default_severity)
    if severity not in SEVERITIES:
        raise ReplylintError(Errors.E108, path=where, rule_id=rule_id, severity=severity, allowed=", ".join(SEVERITIES))
    patterns = _check_patterns(where, rule_id, raw["patterns"], "patterns")
    antipatterns = _check_patterns(where, rule_id, raw.get("antipatterns", []), "antipatterns")
    next_sentence_antipatterns = _check_patterns(
        where, rule_id, raw.get("next_sentence_antipatterns", []), "next_sentence_antipatterns"
    )
    replaces = raw.get("replaces", "sentence")
    if replaces not in ("span", "sentence"):
        raise ReplylintError(Errors.E106, path=where, rule_id=rule_id, reason="'replaces' must be 'span' or 'sentence'")
    incorrect = tuple(_parse_incorrect(where, rule_id, i, ex) for i, ex in enumerate(raw["incorrect"], 1))
    correct = tuple(raw["correct"])
    if len(incorrect) < MIN_EXAMPLES or len(correct) < MIN_EXAMPLES:
        raise ReplylintError(
            Errors.E106,
            path=where,
            rule_id=rule_id,
            reason=f"needs at least {MIN_EXAMPLES} 'incorrect' and {MIN_EXAMPLES} 'correct' examples",
        )
    if not all(isinstance(c, str) and "<marker>" not in c for c in correct):
        raise ReplylintError(
            Errors.E106, path=where, rule_id=rule_id, reason="'correct' examples are plain strings without <marker>"
        )
    replacement = raw.get("replacement")
    if replacement is not None and (not isinstance(replacement, str) or not replacement.strip()):
        raise ReplylintError(Errors.E106, path=where, rule_id=rule_id, reason="'replacement' must be a non-empty string")
    message = raw["message"]
    if not isinstance(message, str) or not message.strip():
        raise ReplylintError(Errors.E106, path=where, rule_id=rule_id, reason="'message' must be a non-empty string")
    return Rule(
        id=rule_id,
        label=label,
        message=message.strip(),
        severity=severity,
        patterns=patterns,
        antipatterns=antipatterns,
        next_sentence_antipatterns=next_sentence_antipatterns,
        replacement=replacement,
        replaces=replaces,
        incorrect=incorrect,
        correct=correct,
        source=where,
    )


def _check_patterns(where: str, rule_id: str, value: Any, key: str) -> tuple[tuple[dict[str, Any], ...], ...]:
    if not isinstance(value, list) or (key == "patterns" and not value):
        raise ReplylintError(Errors.E104, path=where, rule_id=rule_id, reason=f"'{key}' must be a list of token patterns")
    matcher = Matcher(Vocab(), validate=True)
    for index, pattern in enumerate(value):
        if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
            raise ReplylintError(
                Errors.E104, path=where, rule_id=rule_id, reason=f"{key}[{index}] must be a non-empty list of token objects"
            )
        for token in pattern:
            for attr, spec in token.items():
                for text in _strings(spec):
                    if attr.upper() in _CASELESS_ATTRS and text != text.lower():
                        raise ReplylintError(
                            Errors.E104,
                            path=where,
                            rule_id=rule_id,
                            reason=f"{key}[{index}]: {attr} value '{text}' must be lower-case (lemmas and LOWER are matched lower-cased)",
                        )
        try:
            matcher.add(f"{rule_id}:{index}", [pattern])
        except Exception as err:  # spaCy raises MatchPatternError / ValueError with details
            raise ReplylintError(
                Errors.E104, path=where, rule_id=rule_id, reason=f"{key}[{index}]: {err}".replace("\n", " ")
            ) from err
    return tuple(tuple(p) for p in value)


def _strings(spec: Any) -> Iterator[str]:
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, dict):
        for op, operand in spec.items():
            if op in ("IN", "NOT_IN") and isinstance(operand, list):
                yield from (s for s in operand if isinstance(s, str))


def _parse_incorrect(where: str, rule_id: str, index: int, example: Any) -> IncorrectExample:
    correction = None
    if isinstance(example, dict):
        correction = example.get("correction")
        example = example.get("text")
    if not isinstance(example, str) or len(MARKER.findall(example)) != 1:
        raise ReplylintError(Errors.E109, path=where, rule_id=rule_id, kind="incorrect", index=index)
    match = MARKER.search(example)
    text = example[: match.start()] + match.group(1) + example[match.end() :]
    return IncorrectExample(text, match.start(), match.start() + len(match.group(1)), correction)


def load_rules(paths: Iterable[Path] | None = None) -> tuple[Rule, ...]:
    """Load rule files (default: the built-in ones); ids must be unique across files."""
    files = sorted(BUILTIN_RULES_DIR.glob("*.yaml")) if paths is None else _expand(paths)
    rules: dict[str, Rule] = {}
    for path in files:
        for rule in load_rule_file(path):
            if rule.id in rules:
                raise ReplylintError(Errors.E107, rule_id=rule.id, first=rules[rule.id].source, second=rule.source)
            rules[rule.id] = rule
    return tuple(rules.values())


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


class _Group(NamedTuple):
    """Patterns that share their requirements, checked once per sentence."""

    required: int  # bit mask of the word requirements (see RuleMatcher.word_index)
    regexes: int  # bit mask of the REGEX requirements (see RuleMatcher.regex_columns)
    members: list[int]  # pattern numbers


# Per-word caches of the matcher are emptied past this size: common words come back at once, and
# one-off words (order numbers, names) no longer pile up. At 500,000 entries a server linting
# new drafts took about an hour to reach the cap; at 50,000 a few minutes, at about 5 MB.
TOKEN_CACHE_SIZE = 50_000


class RuleMatcher:
    """Matches every rule against a Doc; returns hits inside one sentence and not cancelled by an
    antipattern (on the hit's sentence) or a next-sentence antipattern (on the agent's next sentence).

    spaCy's Matcher walks every pattern over every token, which at a thousand patterns costs tens
    of milliseconds a draft. So each rule gets its own Matcher, and a rule runs only when every
    word its patterns require (a token without ``OP: ?/*/!`` and with a LOWER/LEMMA/ORTH value)
    is somewhere in the sentence: an index from those words to patterns finds the candidates.
    """

    def __init__(self, vocab: Vocab, rules: Iterable[Rule]) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.strings = vocab.strings
        # Per rule, its antipatterns as (word bits, REGEX bits, Matcher): only those whose words are in
        # the sentence run, like the patterns. The same for the next-sentence antipatterns.
        self.antipatterns: dict[str, tuple[tuple[int, int, Matcher], ...]] = {}
        self.next_sentence_antipatterns: dict[str, tuple[tuple[int, int, Matcher], ...]] = {}
        # One Matcher per pattern, so only the patterns whose words are present run. Patterns with the
        # same required words form a group, checked once.
        self.patterns: list[tuple[str, Matcher]] = []
        # Per pattern, the word bits of each token it cannot match without, in pattern order: those
        # tokens must occur in this order, which rules out about half the sentences that have the words.
        self.orders: list[tuple[int, ...]] = []
        self.groups: list[_Group] = []
        # REGEX tokens a pattern cannot match without: each distinct (column, regex) is one bit. Per
        # column, the regexes to try, and a cache from word to the bits it satisfies (the same words
        # recur across drafts). Read only for sentences where a group with regexes passed on words.
        self.regex_columns: dict[int, list[tuple[int, re.Pattern[str]]]] = {}
        self.regex_cache: dict[int, dict[int, int]] = {}
        self._regex_numbers: dict[tuple[int, str], int] = {}
        # Each distinct word requirement (column, accepted values) is one bit. Per column, a word maps
        # to (the bits it satisfies, the groups anchored on it): a sentence ORs the bits of its words,
        # and a group anchored there is a candidate when all its bits are set. One dict lookup per
        # distinct word and one integer test per group keep the prefilter cheaper than the matching.
        self.word_index: tuple[dict[int, tuple[int, frozenset[int]]], ...] = tuple({} for _ in _COLUMNS)
        self.unanchored: frozenset[int] = frozenset()
        self._requirement_numbers: dict[tuple[int, frozenset[int]], int] = {}
        anchors: dict[tuple[int, int], set[int]] = {}
        unanchored: set[int] = set()
        group_numbers: dict[tuple, int] = {}
        for rule in self.rules.values():
            if rule.antipatterns:
                self.antipatterns[rule.id] = self._antipattern_matchers(vocab, rule.id, rule.antipatterns)
            if rule.next_sentence_antipatterns:
                self.next_sentence_antipatterns[rule.id] = self._antipattern_matchers(
                    vocab, rule.id, rule.next_sentence_antipatterns
                )
            for pattern in rule.patterns:
                self.patterns.append((rule.id, _matcher(vocab, rule.id, pattern)))
                self.orders.append(
                    tuple(
                        self._word_bits(frozenset(self._word(attr, values) for attr, values in token))
                        for token in _required_tokens(pattern)
                    )
                )
                words, regexes = self._requirement_bits(pattern)
                group = group_numbers.get((words, regexes))
                if group is None:
                    group = group_numbers[(words, regexes)] = len(self.groups)
                    self.groups.append(_Group(self._word_bits(words), regexes, []))
                    if words:
                        column, values = min(
                            sorted(words, key=lambda r: (r[0], sorted(r[1]))), key=lambda r: _selectivity(r, vocab)
                        )
                        for value in values:
                            anchors.setdefault((column, value), set()).add(group)
                    else:
                        unanchored.add(group)
                self.groups[group].members.append(len(self.patterns) - 1)
        for (column, values), bit in self._requirement_numbers.items():
            for value in values:
                bits, groups = self.word_index[column].get(value, (0, frozenset()))
                self.word_index[column][value] = (bits | 1 << bit, groups)
        for (column, value), groups in anchors.items():
            bits, _ = self.word_index[column][value]
            self.word_index[column][value] = (bits, frozenset(groups))
        self.unanchored = frozenset(unanchored)
        # Per token, keyed on its values in the columns words are required in: (the word bits it
        # satisfies, the groups anchored on it). A sentence then costs one lookup per token.
        self.word_columns = [column for column, index in enumerate(self.word_index) if index]
        self.token_cache: dict[tuple[int, ...], tuple[int, frozenset[int]]] = {}

    def _antipattern_matchers(
        self, vocab: Vocab, rule_id: str, patterns: tuple[tuple[dict[str, Any], ...], ...]
    ) -> tuple[tuple[int, int, Matcher], ...]:
        """(word bits, REGEX bits, Matcher) per antipattern, for the prefilter in ``_cancelled``."""
        matchers = []
        for pattern in patterns:
            words, regexes = self._requirement_bits(pattern)
            matchers.append((self._word_bits(words), regexes, _matcher(vocab, rule_id, pattern)))
        return tuple(matchers)

    def _requirement_bits(self, pattern: tuple[dict[str, Any], ...]) -> tuple[frozenset[tuple[int, frozenset[int]]], int]:
        """The pattern's word requirements (column, accepted values), and the bits of its REGEX ones."""
        words = frozenset(self._word(attr, values) for attr, values in _requirements(pattern))
        regexes = 0
        for attr, regex in _regex_requirements(pattern):
            column = _ATTR_COLUMNS[attr]
            bit = self._regex_numbers.get((column, regex))
            if bit is None:
                bit = self._regex_numbers[(column, regex)] = len(self._regex_numbers)
                self.regex_columns.setdefault(column, []).append((bit, re.compile(regex)))
                self.regex_cache[column] = {}
            regexes |= 1 << bit
        return words, regexes

    def _word(self, attr: str, values: frozenset[str]) -> tuple[int, frozenset[int]]:
        return _ATTR_COLUMNS[attr], frozenset(self.strings.add(v) for v in values)

    def _word_bits(self, words: frozenset[tuple[int, frozenset[int]]]) -> int:
        bits = 0
        for word in words:
            bits |= 1 << self._requirement_numbers.setdefault(word, len(self._requirement_numbers))
        return bits

    def _token_entry(self, key: tuple[int, ...]) -> tuple[int, frozenset[int]]:
        bits, groups = 0, set()
        for column, value in zip(self.word_columns, key, strict=True):
            entry = self.word_index[column].get(value)
            if entry is not None:
                bits |= entry[0]
                groups |= entry[1]
        entry = (bits, frozenset(groups))
        if len(self.token_cache) > TOKEN_CACHE_SIZE:
            self.token_cache.clear()
        self.token_cache[key] = entry
        return entry

    def _regex_bits(self, columns: list[list[int]]) -> int:
        """Bits of the REGEX requirements that some word of the sentence satisfies."""
        satisfied = 0
        for column, regexes in self.regex_columns.items():
            cache = self.regex_cache[column]
            for value in set(columns[column]):
                bits = cache.get(value)
                if bits is None:
                    word = self.strings[value]
                    bits = 0
                    for bit, regex in regexes:
                        if regex.search(word) is not None:
                            bits |= 1 << bit
                    if len(cache) > TOKEN_CACHE_SIZE:
                        cache.clear()
                    cache[value] = bits
                satisfied |= bits
        return satisfied

    def candidates(self, columns: list[list[int]]) -> tuple[list[int], int]:
        """Numbers of the patterns whose required words all occur in ``columns`` (a sentence's token
        values, one list per ``_COLUMNS`` entry), in pattern order; also the word bits satisfied,
        for antipatterns."""
        satisfied = 0
        found = set(self.unanchored)
        cache = self.token_cache
        token_bits = []
        for key in zip(*[columns[column] for column in self.word_columns], strict=True):
            entry = cache.get(key)
            if entry is None:
                entry = self._token_entry(key)
            token_bits.append(entry[0])
            satisfied |= entry[0]
            if entry[1]:
                found |= entry[1]
        numbers: list[int] = []
        regex_satisfied = None
        for group in found:
            required, regexes, members = self.groups[group]
            if required & satisfied != required:
                continue
            if regexes:
                if regex_satisfied is None:
                    regex_satisfied = self._regex_bits(columns)
                if regexes & regex_satisfied != regexes:
                    continue
            numbers.extend(number for number in members if _in_order(self.orders[number], token_bits))
        return sorted(numbers), satisfied

    def _cancelled(
        self, antipatterns: tuple[tuple[int, int, Matcher], ...], sent: Span, satisfied: int, columns: list[list[int]]
    ) -> bool:
        """Whether one of ``antipatterns`` matches the sentence; only those whose words are there run."""
        for required, regexes, matcher in antipatterns:
            if required & satisfied != required:
                continue
            if regexes and regexes & self._regex_bits(columns) != regexes:
                continue
            if matcher(sent):
                return True
        return False

    def __call__(self, doc: Doc, text: str | None = None) -> list[RuleHit]:
        """Run each sentence through the patterns its words make possible; antipatterns cancel per sentence.

        ``text`` is ``doc.text`` when the caller has it: spaCy rebuilds ``doc.text`` token by token.
        """
        if text is None:
            text = doc.text
        columns = doc.to_array(_COLUMNS).T.tolist()
        sentences = list(doc.sents)
        # Per sentence index: its columns and candidates(), computed once, ahead of the loop when a
        # hit needs the next sentence.
        seen: dict[int, tuple[list[list[int]], list[int], int]] = {}

        def sentence_view(index: int) -> tuple[list[list[int]], list[int], int]:
            view = seen.get(index)
            if view is None:
                sent = sentences[index]
                sentence_columns = [column[sent.start : sent.end] for column in columns]
                view = seen[index] = (sentence_columns, *self.candidates(sentence_columns))
            return view

        best: dict[str, tuple[int, int]] = {}
        hits: list[RuleHit] = []
        for index, sent in enumerate(sentences):
            sentence_columns, numbers, satisfied = sentence_view(index)
            if not numbers:
                continue
            best.clear()
            for number in numbers:
                rule_id, matcher = self.patterns[number]
                for _, start, end in matcher(sent):
                    previous = best.get(rule_id)
                    # One hit per rule and sentence: the longest match.
                    if previous is None or (end - start, -start) > (previous[1] - previous[0], -previous[0]):
                        best[rule_id] = (start, end)
            if not best:
                continue
            sent_start, sent_end = _trimmed(doc, sent.start, sent.end)
            for rule_id, (start, end) in best.items():
                antipatterns = self.antipatterns.get(rule_id)
                if antipatterns and self._cancelled(antipatterns, sent, satisfied, sentence_columns):
                    continue
                antipatterns = self.next_sentence_antipatterns.get(rule_id)
                if antipatterns:
                    following = _next_sentence(sentences, index)
                    if following is not None:
                        next_columns, _, next_satisfied = sentence_view(following)
                        if self._cancelled(antipatterns, sentences[following], next_satisfied, next_columns):
                            continue
                span = sent[start:end]
                start_char, end_char = _whole_words(text, span.start_char, span.end_char)
                hits.append(RuleHit(self.rules[rule_id], start_char, end_char, sent_start, sent_end))
        hits.sort(key=lambda hit: (hit.start, hit.end))
        return hits


def _next_sentence(sentences: list[Span], index: int) -> int | None:
    """The index of the sentence after ``index`` that has words (blank lines and blanked quotes
    are whitespace sentences), or None at the end of the draft."""
    for following in range(index + 1, len(sentences)):
        if not all(token.is_space for token in sentences[following]):
            return following
    return None


def _in_order(needs: tuple[int, ...], token_bits: list[int]) -> bool:
    """Whether tokens with each of ``needs`` (word bits) occur in that order, one token each."""
    position, length = 0, len(token_bits)
    for need in needs:
        while position < length and token_bits[position] & need != need:
            position += 1
        if position == length:
            return False
        position += 1
    return True


def _matcher(vocab: Vocab, key: str, pattern: tuple[dict[str, Any], ...]) -> Matcher:
    matcher = Matcher(vocab)
    matcher.add(key, [list(pattern)])
    return matcher


_COLUMNS = ["LOWER", "LEMMA", "NORM", "ORTH"]
_ATTR_COLUMNS = {"LOWER": 0, "LEMMA": 1, "NORM": 2, "ORTH": 3, "TEXT": 3}
_REQUIRED_OPS = (None, "1", "+")


def _required_tokens(pattern: tuple[dict[str, Any], ...]) -> list[list[tuple[str, frozenset[str]]]]:
    """For each token the pattern cannot match without, in order: its (attribute, accepted values)."""
    tokens = []
    for token in pattern:
        if token.get("OP") not in _REQUIRED_OPS:
            continue
        requirements = []
        for attr, spec in token.items():
            attr = "ORTH" if attr.upper() == "TEXT" else attr.upper()
            if attr not in _ATTR_COLUMNS:
                continue
            if isinstance(spec, str):
                requirements.append((attr, frozenset([spec])))
            elif isinstance(spec, dict) and set(spec) == {"IN"}:
                requirements.append((attr, frozenset(spec["IN"])))
        tokens.append(requirements)
    return tokens


def _requirements(pattern: tuple[dict[str, Any], ...]) -> list[tuple[str, frozenset[str]]]:
    """(token attribute, accepted values) for each token the pattern cannot match without."""
    return [requirement for token in _required_tokens(pattern) for requirement in token]


def _regex_requirements(pattern: tuple[dict[str, Any], ...]) -> list[tuple[str, str]]:
    """(token attribute, regex) for each required token that is constrained by a REGEX."""
    found = []
    for token in pattern:
        if token.get("OP") not in _REQUIRED_OPS:
            continue
        for attr, spec in token.items():
            attr = "ORTH" if attr.upper() == "TEXT" else attr.upper()
            if attr in _ATTR_COLUMNS and isinstance(spec, dict) and set(spec) == {"REGEX"}:
                found.append((attr, spec["REGEX"]))
    return found


def _selectivity(requirement: tuple[int, frozenset[int]], vocab: Vocab) -> tuple[int, int]:
    """Rarer words make better anchors: fewest stop words first, then the smallest set."""
    from spacy.lang.en.stop_words import STOP_WORDS

    _, values = requirement
    words = [vocab.strings[value] for value in values]
    return sum(word in STOP_WORDS or len(word) < 3 for word in words), len(words)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span that starts or ends inside a word ("ca|n't" -> "can't", "do|nt" -> "dont")."""
    while (
        start > 0
        and text[start - 1].isalnum()
        and text[start].isalnum()
        or (start > 0 and text[start] in "'’" and text[start - 1].isalnum())
    ):
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def _trimmed(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character offsets of tokens ``[start, end)`` without leading or trailing whitespace tokens."""
    while start < end - 1 and doc[start].is_space:
        start += 1
    while end - 1 > start and doc[end - 1].is_space:
        end -= 1
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
