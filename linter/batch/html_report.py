"""A self-contained HTML report: every flagged reply with its problems highlighted in place, the
message and suggestion beside each, the whole-reply rewrite, and a chart of problems per label.

No external assets (inline CSS, an inline SVG chart, a few lines of inline script for filtering).
Replies are rendered to a temporary file as they stream in; the summary and chart, known only at
the end, are written before them when the report is closed, so memory stays flat.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..taxonomy import LABELS_BY_ID
from .formats import Reply
from .outputs import Summary
from .view import html_view

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:0}
.counts span{display:inline-block;margin-right:18px}
.reply{background:#fff;border:1px solid #ddd;border-radius:8px;margin:14px 0;padding:12px 16px}
.reply.clean,.reply.error{padding:6px 16px;color:#555}
.head{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}
.verdict{font-weight:600;text-transform:uppercase;font-size:12px;padding:1px 6px;border-radius:4px}
.v-fail{background:#fde2e1;color:#9b1c1c}.v-warn{background:#fff1cc;color:#7a5300}.v-pass{background:#e3f5e6;color:#1e6b34}
.v-error{background:#eee;color:#444}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;margin-top:8px}
.text{white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;background:#fafafa;padding:8px;border-radius:6px}
mark{border-radius:3px;padding:0 1px}mark.error{background:#f9c0bd}mark.warning{background:#ffe08a}mark.info{background:#c9e6ff}
mark sup{font-size:10px;font-weight:700;margin-left:1px}
ol.findings{margin:0;padding-left:22px}ol.findings li{margin-bottom:8px}
.label{font-weight:600}.rule{color:#777;font-size:12px}.try{color:#1e5b2f}
details{margin-top:8px}summary{cursor:pointer;color:#335}
.bar rect{fill:#c0392b}.bar text{font-size:12px}
.controls{margin:10px 0}
"""

_SCRIPT = """
const pick=document.getElementById('label'),all=document.getElementById('all');
function filter(){const l=pick.value,show=all.checked;for(const r of document.querySelectorAll('.reply')){
const labels=r.dataset.labels.split(' ');r.hidden=(l&&!labels.includes(l))||(!show&&r.classList.contains('clean'));}}
pick.onchange=filter;all.onchange=filter;filter();
"""


class HtmlReport:
    def __init__(self, path: Path, title: str) -> None:
        self.path, self.title = path, title
        self.body = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass")  # noqa: SIM115

    def write(self, reply: Reply, row: dict[str, Any]) -> None:
        self.body.write(render_reply(reply, row))

    def close(self, summary: Summary) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "w", encoding="utf-8", errors="surrogatepass") as out:
            out.write(_head(self.title, summary))
            self.body.seek(0)
            shutil.copyfileobj(self.body, out)
            out.write(f"</main><script>{_SCRIPT}</script></body></html>\n")
        self.body.close()


def _head(title: str, summary: Summary) -> str:
    options = "".join(
        f'<option value="{label}">{label} ({replies:,})</option>' for label, replies, _ in summary.labels_by_count() if replies
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>replylint: {html.escape(title)}</title><style>{_CSS}</style></head><body><header>"
        f"<h1>replylint report: {html.escape(title)}</h1>"
        f'<p class="counts"><span><b>{summary.replies:,}</b> replies</span><span><b>{summary.flagged:,}</b> flagged</span>'
        f"<span>{summary.verdicts['fail']:,} fail</span><span>{summary.verdicts['warn']:,} warn</span>"
        f"<span>{summary.verdicts['pass']:,} clean</span><span>{summary.errors:,} malformed</span>"
        f"<span>{summary.fixed:,} rewrites ready</span></p>"
        f"{label_chart(summary)}"
        '<div class="controls"><label>Label <select id="label"><option value="">all</option>'
        f'{options}</select></label> <label><input type="checkbox" id="all"> show clean replies</label></div>'
        "</header><main>"
    )


def label_chart(summary: Summary) -> str:
    """Horizontal bars: replies with each label (an inline SVG)."""
    rows = summary.labels_by_count()
    widest = max((replies for _, replies, _ in rows), default=0) or 1
    bar_height, label_width, bar_width = 22, 190, 420
    parts = [
        f'<svg class="bar" role="img" aria-label="problems per label" width="{label_width + bar_width + 80}" height="{bar_height * len(rows) + 4}">'
    ]
    for number, (label, replies, findings) in enumerate(rows):
        y = number * bar_height + 2
        width = round(bar_width * replies / widest)
        parts.append(
            f'<text x="0" y="{y + 15}">{label}</text><rect x="{label_width}" y="{y + 3}" width="{width}" height="{bar_height - 8}">'
            f"<title>{label}: {replies:,} replies, {findings:,} findings</title></rect>"
            f'<text x="{label_width + width + 6}" y="{y + 15}">{replies:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_reply(reply: Reply, row: dict[str, Any]) -> str:
    reply_id = html.escape(str(row["id"]))
    if "error" in row:
        message = html.escape(row["error"]["message"])
        return f'<section class="reply error" data-labels=""><div class="head"><span class="verdict v-error">malformed</span><h2>{reply_id}</h2><span>{message}</span></div></section>\n'
    verdict = row["verdict"]
    head = (
        f'<div class="head"><span class="verdict v-{verdict}">{verdict}</span><h2>{reply_id}</h2>'
        f"<span>score {row['score']:.2f}</span><span>{html.escape(', '.join(row['labels']))}</span></div>"
    )
    labels = " ".join(row["labels"])
    if not row["findings"]:
        return f'<section class="reply clean" data-labels="">{head}</section>\n'
    text, findings = _readable(reply, row["findings"])
    items = []
    for number, finding in enumerate(row["findings"], 1):
        suggestion = "".join(
            f'<div class="try">try: {html.escape(s["replacement"])}</div>' for s in finding.get("suggestions", [])[:1]
        )
        name = LABELS_BY_ID[finding["label"]].name if finding["label"] in LABELS_BY_ID else finding["label"]
        items.append(
            f'<li value="{number}"><span class="label">{html.escape(name)}</span> <span class="rule">'
            f"{finding['severity']} · {html.escape(finding['rule_id'])}</span><br>{html.escape(finding['message'])}{suggestion}</li>"
        )
    fix = row.get("fix") or {}
    rewrite = ""
    if fix.get("text") is not None:
        shown = html_view(fix["text"]).text if reply.is_html else fix["text"]
        rewrite = f'<details><summary>Whole-reply rewrite ({fix["edits"]} edits)</summary><div class="text">{html.escape(shown)}</div></details>'
    elif fix.get("note"):
        rewrite = f"<details><summary>No automatic rewrite</summary>{html.escape(fix['note'])}</details>"
    return (
        f'<section class="reply" data-labels="{labels}">{head}<div class="cols"><div class="text">{highlight(text, findings)}</div>'
        f'<ol class="findings">{"".join(items)}</ol></div>{rewrite}</section>\n'
    )


def _readable(reply: Reply, findings: list[dict[str, Any]]) -> tuple[str, list[tuple[int, int, str]]]:
    """The text as the customer reads it and each finding's range in it (HTML bodies are shown as text)."""
    source = reply.text or ""
    if not reply.is_html:
        return source, [(f["start"], f["end"], f["severity"]) for f in findings]
    view = html_view(source)
    return view.text, [(view.view_offset(f["start"]), view.view_offset(f["end"]), f["severity"]) for f in findings]


def highlight(text: str, findings: list[tuple[int, int, str]]) -> str:
    """``text`` escaped, each finding's range in a <mark> (the most severe where they overlap), numbered."""
    rank = {"error": 0, "warning": 1, "info": 2}
    cuts = sorted({0, len(text), *(p for start, end, _ in findings for p in (start, end))})
    ends_at: dict[int, list[int]] = {}
    for number, (_, end, _) in enumerate(findings, 1):
        ends_at.setdefault(end, []).append(number)
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [sev for a, b, sev in findings if a <= start and end <= b and a < b]
        piece = html.escape(text[start:end])
        numbers = "".join(f"<sup>{n}</sup>" for n in ends_at.get(end, []))
        if covering:
            out.append(f'<mark class="{min(covering, key=rank.__getitem__)}">{piece}{numbers}</mark>')
        else:
            out.append(piece + numbers)
    return "".join(out)
