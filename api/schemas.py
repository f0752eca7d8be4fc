"""Request and response shapes of the HTTP API (pydantic lives here and nowhere else).

Responses are built from the core's ``Report.to_dict()`` and sent as they are; the response
models below describe them for the OpenAPI spec (``/openapi.json``), with examples.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ENTERPRISE_DRAFT = (
    "Hello Mark, I can understand how this experience would be frustrating for you. Expedia is an independent third "
    "party brokerage service that is not affiliated with Enterprise. Please contact Expedia for further investigation."
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests --------------------------------------------------------------------------------


class LintContext(_Strict):
    """What the caller knows about the ticket; every field is optional."""

    customer_name: str | None = Field(None, examples=["Mark"])
    customer_messages: list[str] = Field(default_factory=list, description="The customer's messages on the ticket, oldest first.")
    company: str | None = Field(None, examples=["Enterprise"])
    partners: list[str] = Field(
        default_factory=list, description="Partners and vendors the company works with.", examples=[["Expedia"]]
    )
    agent_name: str | None = Field(None, examples=["Jon"])

    def to_core(self) -> dict[str, Any]:
        return self.model_dump(exclude_defaults=True)


class LintRequest(_Strict):
    """One draft to lint."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": ENTERPRISE_DRAFT, "context": {"company": "Enterprise", "partners": ["Expedia"]}}]
        },
    )

    text: str = Field(description="The reply draft. Longer than the server's max_chars (default 50,000) -> 413.")
    context: LintContext | None = None


class BatchItemIn(_Strict):
    id: str | int | None = Field(None, description="Your id for the draft; echoed in its result.")
    text: str
    context: LintContext | None = None


class BatchRequest(_Strict):
    """Up to ``max_batch_items`` (default 1,000) drafts. An item that does not fit gets its own error entry."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"id": "t-1", "text": "You will not receive a reply."},
                        {"id": "t-2", "text": "I've refunded the order today."},
                    ]
                }
            ]
        },
    )

    items: list[BatchItemIn | Any] = Field(description="Drafts in order; results come back in the same order.")


class CheckForm(BaseModel):
    """LanguageTool's /v2/check parameters (form-encoded). Parameters replylint has no use for are ignored."""

    model_config = ConfigDict(extra="ignore")

    text: str | None = Field(None, description="The text to check. Either this or 'data'.")
    data: str | None = Field(
        None, description='LanguageTool annotated text: {"annotation": [{"text": "..."}, {"markup": "<b>", "interpretAs": ""}]}'
    )
    language: str = Field(
        description="A supported tag; others -> 422 (E423).",
        examples=["en-US"],
        json_schema_extra={"enum": ["auto", "en", "en-US", "en-GB", "en-AU", "en-CA", "en-NZ", "en-ZA"]},
    )
    enabledRules: str | None = Field(None, description="Comma-separated rule ids to run (with enabledOnly=true: only these).")
    disabledRules: str | None = Field(None, description="Comma-separated rule ids to skip.")
    enabledCategories: str | None = Field(
        None, description="Comma-separated category ids (taxonomy labels in upper case) to run."
    )
    disabledCategories: str | None = Field(None, description="Comma-separated category ids to skip.")
    enabledOnly: str | None = Field(None, description="'true': run only the enabled rules and categories.")
    level: str | None = Field(None, description="Accepted for compatibility; replylint has one level.")
    motherTongue: str | None = Field(None, description="Accepted for compatibility; ignored.")
    preferredVariants: str | None = Field(None, description="Accepted for compatibility; ignored.")


# -- responses -------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Catalogue code, e.g. E422; stable across releases.", examples=["E422"])
    message: str = Field(description="What went wrong and what to send instead. Never quotes the draft.")


class ErrorResponse(BaseModel):
    error: ErrorDetail
    request_id: str = Field(description="Also in the X-Request-ID header and in the server's log lines.")


class SpanOut(BaseModel):
    start: int = Field(description="Code-point offset (Python).")
    end: int
    start_utf16: int = Field(description="UTF-16 offset (JavaScript).")
    end_utf16: int
    text: str


class SuggestionOut(SpanOut):
    replacement: str
    description: str
    placeholders: list[str] = Field(description="[...] slots the agent must fill before sending.")


class FindingOut(BaseModel):
    label: str = Field(examples=["deflects_ownership"])
    rule_id: str = Field(examples=["deflects_ownership.contact_third_party"])
    severity: Literal["error", "warning", "info"]
    message: str
    start: int
    end: int
    start_utf16: int
    end_utf16: int
    text: str
    sentence: SpanOut
    source: Literal["rule", "model", "both"]
    model_probability: float | None
    suggestions: list[SuggestionOut]


class ReportOut(BaseModel):
    """The lint report, as described by docs/report.schema.json."""

    schema_version: str = Field(examples=["1.0"])
    verdict: Literal["pass", "warn", "fail"]
    score: float = Field(ge=0, le=1, description="0 customer-first, 1 certainly fails the customer.")
    labels: list[str]
    text_length: int
    text_length_utf16: int
    model: str | None = Field(description="The classifier that scored the draft; null when rules alone ran.")
    findings: list[FindingOut]


class EditOut(BaseModel):
    """One change of a rewrite; offsets refer to the ORIGINAL draft."""

    start: int
    end: int
    start_utf16: int
    end_utf16: int
    old: str = Field(description="The original text of [start, end); empty for an insertion.")
    new: str = Field(description="What replaces it; empty for a deletion.")
    reason: str
    label: str | None
    rule_id: str | None
    placeholders: list[str] = Field(description="Bracketed slots in `new` the agent must fill, e.g. [by when].")


class PlaceholderOut(BaseModel):
    """A slot to fill; offsets refer to the NEW text."""

    text: str
    start: int
    end: int
    start_utf16: int
    end_utf16: int


class RewriteOut(BaseModel):
    """The whole-draft rewrite: new text, the edits that make it, the placeholders to fill."""

    text: str
    edits: list[EditOut]
    placeholders: list[PlaceholderOut]
    report: ReportOut = Field(description="The lint report of the original draft.")
    after: ReportOut | None = Field(description="The lint report of the rewritten draft.")


class BatchResultOut(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    id: str | int | None
    report: ReportOut | None = Field(None, description="Present when the item was linted.")
    error: ErrorDetail | None = Field(None, description="Present when the item could not be linted.")


class BatchResponse(BaseModel):
    count: int
    errors: int = Field(description="How many items have an error entry instead of a report.")
    results: list[BatchResultOut]


class LabelOut(BaseModel):
    id: str
    name: str
    description: str
    customer_hears: str
    rewrite_direction: str
    category: Literal["tone", "context"] = Field(
        description="tone: found in the draft alone; context: a check against the ticket, run only with a request's context."
    )


class LabelsResponse(BaseModel):
    labels: list[LabelOut]


class RuleOut(BaseModel):
    id: str
    label: str
    message: str
    severity: Literal["error", "warning", "info"]


class RulesResponse(BaseModel):
    rules: list[RuleOut]


class HealthResponse(BaseModel):
    status: Literal["ok"]


class ReadyResponse(BaseModel):
    status: Literal["ready", "not_ready"]
    ready: bool
    model_loaded: bool
    model: str | None
    require_model: bool
    rules: int = Field(description="Rules loaded.")
    self_test: str = Field(description="Outcome of linting a known draft at start-up.")
    error: ErrorDetail | None = Field(None, description="Why the server is not ready (503 only).")
    request_id: str | None = None


# LanguageTool's response shape (https://languagetool.org/http-api/), as far as clients read it.


class LTCategory(BaseModel):
    id: str
    name: str


class LTRule(BaseModel):
    id: str
    description: str
    issueType: str
    category: LTCategory


class LTContext(BaseModel):
    text: str
    offset: int = Field(description="UTF-16 offset of the match inside the context text.")
    length: int


class LTReplacement(BaseModel):
    value: str


class LTMatch(BaseModel):
    message: str
    shortMessage: str
    replacements: list[LTReplacement]
    offset: int = Field(description="UTF-16 offset in the checked text, as LanguageTool counts.")
    length: int = Field(description="UTF-16 length.")
    context: LTContext
    sentence: str
    type: dict[str, str]
    rule: LTRule
    ignoreForIncompleteSentence: bool
    contextForSureMatch: int


class LTLanguageOut(BaseModel):
    name: str
    code: str
    longCode: str


class LTDetected(BaseModel):
    name: str
    code: str
    confidence: float


class LTLanguageInfo(BaseModel):
    name: str
    code: str
    detectedLanguage: LTDetected


class LTCheckResponse(BaseModel):
    software: dict[str, Any]
    warnings: dict[str, Any]
    language: LTLanguageInfo
    matches: list[LTMatch]
