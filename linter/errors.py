"""One catalogue of every error replylint reports.

Each entry has a stable code (returned by the API as ``code``) and a message template that says
what went wrong and what to do next. Raise with ``ReplylintError(Errors.E001, limit=...)``.
"""

from __future__ import annotations

from enum import Enum


class Errors(Enum):
    # Input text
    E001 = "The text is {length:,} characters long; the limit is {limit:,}. Split the draft or raise the limit."
    E002 = "Expected the draft as a string, got {type_name}. Send the text itself, not a {type_name}."
    E003 = "The file '{path}' is not valid UTF-8 (bad byte at position {position}). Re-save it as UTF-8."
    E004 = "The file '{path}' could not be read: {reason}."
    E005 = "Line {line} of '{path}' is not a usable JSON record: {reason}."
    E006 = "No text given. Pass the draft as an argument, use '-' to read standard input, or --file PATH."
    E007 = "The context must be a JSON object with optional fields {fields}; got {reason}."
    E008 = "Unknown context check(s) {names}. Use 'all' or any of: {checks}."
    # Rule files
    E101 = "Rule file '{path}' is not valid YAML: {reason}. Fix the syntax at the position shown."
    E102 = "Rule file '{path}', rule '{rule_id}': unknown key '{key}'. Allowed keys: {allowed}."
    E103 = "Rule file '{path}', rule '{rule_id}': missing required key '{key}'."
    E104 = "Rule file '{path}', rule '{rule_id}': invalid token pattern: {reason}. See https://spacy.io/usage/rule-based-matching for the pattern format."
    E105 = "Rule file '{path}': label '{label}' is not a taxonomy label. Use one of: {labels}."
    E106 = "Rule file '{path}', rule '{rule_id}': {reason}."
    E107 = "Rule id '{rule_id}' is defined twice: in '{first}' and in '{second}'. Rule ids must be unique."
    E108 = "Rule file '{path}', rule '{rule_id}': severity '{severity}' is not one of {allowed}."
    E109 = "Rule file '{path}', rule '{rule_id}': {kind} example {index} must mark the flagged span with <marker>...</marker> exactly once."
    # Model artifacts
    E201 = "Model directory '{path}' is missing '{name}'. Rebuild it with 'make model' or point --model-dir at a complete model."
    E202 = "Model file '{path}' does not match its checksum (expected {expected}, got {actual}). The file is corrupt or was changed; restore it from the release or rebuild with 'make model'."
    E203 = "Model labels in '{path}' ({found}) do not match the taxonomy ({expected}). Retrain the model or use a matching replylint version."
    E204 = "Model '{path}' could not be loaded by onnxruntime: {reason}."
    E205 = "Thresholds in '{path}' are invalid: {reason}."
    E206 = "Model '{path}' is of a kind this replylint cannot run (found {found}, expected {expected}). Rebuild it with 'make model' or use a matching replylint version."
    # Evaluation
    E301 = "Line {line} of '{path}' has no '{field}' list, so it cannot be evaluated. Add the expected labels ([] for a clean draft)."
    E302 = "Unknown label '{label}' on line {line} of '{path}'. Use taxonomy ids: {labels}."
    # Batch scoring (replylint batch)
    E501 = "Cannot tell the format of '{path}': {reason}. Pass --format with one of: {formats}."
    E502 = "'{path}' is not a {format} export: {reason}."
    E503 = "{where} of '{path}' is malformed: {reason}. Fix that record; the others were scored."
    E504 = "'{path}' has no column {column!r} (columns: {columns}). Pick the columns with --id-column and --text-column."
    E505 = "The output '{path}' already exists. Pass --resume to continue that run, or choose another --output."
    E506 = "--resume needs --output: the rows already written there are what a resumed run continues from."
    E507 = "Cannot resume: row {row} of '{path}' is for reply {found!r}, but the input has {expected!r} there. Resume with the same input and options, or start a new --output."
    E508 = "{option} needs {needs}; got {got}."
    E509 = "The Spark engine needs pyspark and Java 17: pip install 'replylint[spark]' ({reason})."
    # HTTP API (the number after the 4 follows the HTTP status where there is one: E413 -> 413)
    E401 = "This server requires an API key. Send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
    E403 = "The API key was not accepted. Check it for typos, or ask the server's operator for a key ('replylint keys add NAME')."
    E404 = "There is no route {method} {path}. The endpoints are listed at /docs and /openapi.json."
    E405 = "{method} is not allowed on {path}; use {allowed}."
    E413 = "The request body is {size:,} bytes; the limit is {limit:,}. Send fewer or shorter drafts, or raise REPLYLINT_MAX_BODY_BYTES."
    E414 = "The batch has {count:,} items; the limit is {limit:,}. Split it into several requests."
    E415 = "Content type '{content_type}' is not supported on {path}; send {expected}."
    E420 = "The request body is not valid JSON: {reason}. Send a JSON object such as {example}."
    E422 = "{where}: {reason}. {hint}"
    E423 = "Language '{language}' is not supported; replylint checks English replies. Use one of: {languages}."
    E429 = "Rate limit reached: {limit} requests per minute for this key. Retry after {retry_after} s."
    E450 = "Internal error while handling {method} {path}. Report it with request id {request_id}."
    E453 = "The server is busy ({in_flight} drafts in progress). Retry after {retry_after} s, or run more workers or instances."
    E454 = "Not ready: {reason}."
    E470 = "Config file '{path}' could not be used: {reason}."
    E471 = "Setting '{name}' (from {source}) is invalid: {reason}."
    E472 = "API keys file '{path}', line {line}: {reason}. Each line is 'NAME sha256:HEX'; add keys with 'replylint keys add NAME --file {path}'."
    E473 = "API keys file '{path}' could not be read: {reason}. Create it with 'replylint keys add NAME --file {path}'."
    E474 = "Cannot listen on {host}:{port}: {reason}. Stop what uses the port, or choose another with --port or REPLYLINT_PORT."
    # Team configuration and the feedback store (issue 9)
    E510 = "Team config '{path}' could not be read: {reason}."
    E511 = "Team config '{path}' is not valid YAML: {reason}. Fix the syntax at the position shown."
    E512 = "Team config '{path}', '{key}': {reason}."
    E513 = "Team config '{path}', '{key}': '{value}' is not a taxonomy label. Use one of: {labels}."
    E514 = "Team config '{path}', allow.patterns[{index}]: '{pattern}' is not a valid regular expression ({reason}). Escape special characters such as . ( ) with a backslash."
    E515 = "Team config '{path}': unknown key '{key}'. Allowed keys: {allowed}."
    E516 = "Team config '{path}', '{key}': there is no rule '{rule_id}'.{hint}"
    E520 = "The feedback database '{target}' could not be opened: {reason}."
    E521 = "The feedback database '{target}' has schema version {found}; this replylint knows up to {known}. Upgrade replylint before using this database."
    E522 = "PostgreSQL feedback databases need psycopg 3: pip install 'replylint[postgres]'."
    E523 = "Feedback record rejected: {reason}."
    E524 = "The feedback could not be stored ({reason}); nothing was recorded. Retry the request."

    def format(self, **kwargs: object) -> str:  # type: ignore[override]
        return f"[{self.name}] " + self.value.format(**kwargs)


class ReplylintError(ValueError):
    """An error with a catalogue code; ``str(err)`` is the user-facing message."""

    def __init__(self, error: Errors, **kwargs: object) -> None:
        self.code = error.name
        self.message = error.format(**kwargs)
        super().__init__(self.message)
