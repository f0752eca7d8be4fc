"""SARIF 2.1.0 for a directory of reply files, so code-review tools annotate macros in pull requests.

One run; each finding is a result at its file's region (lines and columns counted in Unicode code
points, ``columnKind: unicodeCodePoints``), with the suggestion as a SARIF fix where there is one.
The tool's rules are the rules that fired, described from the taxonomy.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ..taxonomy import LABELS_BY_ID
from .formats import Reply

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


class SarifLog:
    def __init__(self, path: Path, version: str) -> None:
        self.path, self.version = path, version
        self.rules: dict[str, dict[str, Any]] = {}
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []

    def write(self, reply: Reply, row: dict[str, Any]) -> None:
        uri = str(reply.locator)
        if "error" in row:
            self.notifications.append(
                {
                    "level": "error",
                    "message": {"text": row["error"]["message"]},
                    "descriptor": {"id": row["error"]["code"]},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "REPLIES"}}}],
                }
            )
            return
        text = reply.text or ""
        for finding in row["findings"]:
            self._rule(finding)
            location = {
                "artifactLocation": {"uri": uri, "uriBaseId": "REPLIES"},
                "region": region(text, finding["start"], finding["end"]),
            }
            result: dict[str, Any] = {
                "ruleId": finding["rule_id"],
                "level": LEVELS[finding["severity"]],
                "message": {"text": finding["message"]},
                "locations": [{"physicalLocation": location}],
                "properties": {
                    "label": finding["label"],
                    "source": finding["source"],
                    "modelProbability": finding["model_probability"],
                },
            }
            fixes = [
                {
                    "description": {"text": suggestion.get("description") or "Customer-first rewrite"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri, "uriBaseId": "REPLIES"},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "charOffset": suggestion["start"],
                                        "charLength": suggestion["end"] - suggestion["start"],
                                    },
                                    "insertedContent": {
                                        "text": html.escape(suggestion["replacement"], quote=False)
                                        if reply.is_html
                                        else suggestion["replacement"]
                                    },
                                }
                            ],
                        }
                    ],
                }
                for suggestion in finding.get("suggestions", [])
            ]
            if fixes:
                result["fixes"] = fixes
            self.results.append(result)

    def _rule(self, finding: dict[str, Any]) -> None:
        if finding["rule_id"] in self.rules:
            return
        label = LABELS_BY_ID.get(finding["label"])
        rule: dict[str, Any] = {
            "id": finding["rule_id"],
            "name": finding["label"],
            "shortDescription": {"text": label.name if label else finding["label"]},
            "fullDescription": {"text": finding["message"]},
            "defaultConfiguration": {"level": LEVELS[finding["severity"]]},
            "properties": {"tags": ["tone", finding["label"]]},
        }
        if label:
            rule["help"] = {"text": f'The customer hears: "{label.customer_hears}" Rewrite: {label.rewrite_direction}'}
        self.rules[finding["rule_id"]] = rule

    def document(self, root: Path) -> dict[str, Any]:
        run: dict[str, Any] = {
            "tool": {"driver": {"name": "replylint", "version": self.version, "rules": list(self.rules.values())}},
            "originalUriBaseIds": {"REPLIES": {"uri": root.resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": self.results,
        }
        if self.notifications:
            run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": self.notifications}]
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}

    def close(self, root: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.document(root), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def region(text: str, start: int, end: int) -> dict[str, int]:
    """A SARIF region: 1-based lines and columns (code points) plus the character offset and length."""
    start_line = text.count("\n", 0, start) + 1
    end_line = text.count("\n", 0, end) + 1
    return {
        "startLine": start_line,
        "startColumn": start - (text.rfind("\n", 0, start) + 1) + 1,
        "endLine": end_line,
        "endColumn": end - (text.rfind("\n", 0, end) + 1) + 1,
        "charOffset": start,
        "charLength": end - start,
    }
