/**
 * Findings as the content script draws them ("marks"), and the text arithmetic around them:
 * filtering by the agent's preferences, keeping spans in place while the agent types, finding
 * placeholders after a fix, and the whole-draft rewrite as a diff. All offsets are UTF-16 code
 * units (the API's *_utf16 fields), which is what JS string indices count.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.spans = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const SEVERITY_RANK = { error: 3, warning: 2, info: 1 };

  /** A key that survives edits elsewhere in the draft: same rule, same words, same sentence. */
  function dismissKey(mark) {
    const sentence = mark.sentence && typeof mark.sentence.text === 'string' ? mark.sentence.text : '';
    return `${mark.ruleId}\u0000${sentence}\u0000${mark.text}`;
  }

  function toSuggestion(item) {
    return {
      replacement: String(item.replacement),
      description: item.description || '',
      placeholders: Array.isArray(item.placeholders) ? item.placeholders.slice() : [],
      start: item.start_utf16,
      end: item.end_utf16,
      text: item.text,
    };
  }

  /**
   * The report's findings as marks, minus labels the agent hid, rules turned off and occurrences
   * dismissed. `text` is the draft that was linted: a finding whose offsets don't slice it to the
   * finding's text is dropped rather than drawn in the wrong place.
   */
  function toMarks(report, text, prefs, dismissed) {
    const labels = prefs && Array.isArray(prefs.labels) ? new Set(prefs.labels) : null;
    const disabled = new Set((prefs && prefs.disabledRules) || []);
    const marks = [];
    (report.findings || []).forEach((finding, index) => {
      const start = finding.start_utf16;
      const end = finding.end_utf16;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > text.length) return;
      if (typeof finding.text === 'string' && text.slice(start, end) !== finding.text) return;
      if (labels && !labels.has(finding.label)) return;
      if (disabled.has(finding.rule_id)) return;
      const mark = {
        id: `f${index}`,
        start,
        end,
        text: text.slice(start, end),
        label: finding.label,
        ruleId: finding.rule_id,
        severity: SEVERITY_RANK[finding.severity] ? finding.severity : 'warning',
        message: finding.message || '',
        source: finding.source,
        sentence: finding.sentence
          ? { start: finding.sentence.start_utf16, end: finding.sentence.end_utf16, text: finding.sentence.text }
          : null,
        suggestions: (finding.suggestions || [])
          .filter((s) => Number.isInteger(s.start_utf16) && Number.isInteger(s.end_utf16) && s.end_utf16 <= text.length)
          .filter((s) => typeof s.text !== 'string' || text.slice(s.start_utf16, s.end_utf16) === s.text)
          .map(toSuggestion),
      };
      if (dismissed && dismissed.has(dismissKey(mark))) return;
      marks.push(mark);
    });
    marks.sort((a, b) => a.start - b.start || b.end - a.end);
    return marks;
  }

  /** 'pass' | 'warn' | 'fail' for the marks the agent sees. */
  function overallState(marks) {
    if (marks.some((m) => m.severity === 'error')) return 'fail';
    return marks.length ? 'warn' : 'pass';
  }

  /** The innermost mark containing `offset` (ends inclusive, so a caret right after a word counts). */
  function markAt(marks, offset) {
    let best = null;
    for (const mark of marks) {
      if (offset < mark.start || offset > mark.end) continue;
      if (!best || mark.end - mark.start < best.end - best.start) best = mark;
    }
    return best;
  }

  /** Where `oldText` and `newText` differ: [start, oldEnd) in the old text became [start, newEnd). */
  function diffRegion(oldText, newText) {
    if (oldText === newText) return null;
    let start = 0;
    const max = Math.min(oldText.length, newText.length);
    while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start += 1;
    let oldEnd = oldText.length;
    let newEnd = newText.length;
    while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) {
      oldEnd -= 1;
      newEnd -= 1;
    }
    return { start, oldEnd, newEnd };
  }

  /**
   * Where span {start, end} of the old text is in the new one, or null when the edit touched it.
   * Typing right before or right after a span leaves it whole.
   */
  function shiftSpan(span, region) {
    if (!region) return { ...span };
    const delta = region.newEnd - region.oldEnd;
    if (region.oldEnd <= span.start) return { ...span, start: span.start + delta, end: span.end + delta };
    if (region.start >= span.end) return { ...span };
    return null;
  }

  /** Shift every mark (and its suggestions) through one edit; marks the edit touched are dropped. */
  function shiftMarks(marks, oldText, newText) {
    const region = diffRegion(oldText, newText);
    if (!region) return marks;
    const out = [];
    for (const mark of marks) {
      const moved = shiftSpan(mark, region);
      if (!moved) continue;
      const delta = moved.start - mark.start;
      moved.suggestions = [];
      let intact = true;
      for (const s of mark.suggestions) {
        const ms = shiftSpan(s, region);
        if (!ms) { intact = false; break; }
        moved.suggestions.push(ms);
      }
      if (!intact) continue;
      if (mark.sentence) {
        const sentence = shiftSpan(mark.sentence, region);
        moved.sentence = sentence || { ...mark.sentence, start: mark.sentence.start + delta, end: mark.sentence.end + delta };
      }
      out.push(moved);
    }
    return out;
  }

  /** Spans of the placeholders (e.g. "[by when]") inside text[from, to), in order. */
  function placeholderSpans(text, from, to, placeholders) {
    const spans = [];
    const region = text.slice(from, to);
    for (const placeholder of placeholders || []) {
      if (!placeholder) continue;
      let at = region.indexOf(placeholder);
      while (at !== -1) {
        spans.push({ start: from + at, end: from + at + placeholder.length, text: placeholder });
        at = region.indexOf(placeholder, at + placeholder.length);
      }
    }
    spans.sort((a, b) => a.start - b.start);
    return spans.filter((s, i) => i === 0 || s.start >= spans[i - 1].end);
  }

  /** Rewrite edits as {start, end, text} in the original, sorted, checked for overlap. */
  function normalizeEdits(original, edits) {
    const list = (edits || []).map((e) => ({
      start: e.start_utf16 !== undefined ? e.start_utf16 : e.start,
      end: e.end_utf16 !== undefined ? e.end_utf16 : e.end,
      old: e.old,
      text: String(e.new !== undefined ? e.new : e.text),
      reason: e.reason || '',
      label: e.label || null,
    }));
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let previousEnd = 0;
    for (const edit of list) {
      if (!Number.isInteger(edit.start) || !Number.isInteger(edit.end) || edit.start < previousEnd || edit.end < edit.start || edit.end > original.length) {
        throw new RangeError(`rewrite edit [${edit.start}, ${edit.end}) is out of order or outside the draft`);
      }
      if (typeof edit.old === 'string' && original.slice(edit.start, edit.end) !== edit.old) {
        throw new RangeError(`rewrite edit [${edit.start}, ${edit.end}) expected "${edit.old}" but the draft has "${original.slice(edit.start, edit.end)}"`);
      }
      previousEnd = edit.end;
    }
    return list;
  }

  /** The original with every edit applied (offsets refer to the original). */
  function applyEdits(original, edits) {
    const list = normalizeEdits(original, edits);
    let out = '';
    let at = 0;
    for (const edit of list) {
      out += original.slice(at, edit.start) + edit.text;
      at = edit.end;
    }
    return out + original.slice(at);
  }

  /** The rewrite as segments for a diff view: {kind: 'same' | 'del' | 'ins', text, reason?}. */
  function diffSegments(original, edits) {
    const list = normalizeEdits(original, edits);
    const segments = [];
    let at = 0;
    for (const edit of list) {
      if (edit.start > at) segments.push({ kind: 'same', text: original.slice(at, edit.start) });
      if (edit.end > edit.start) segments.push({ kind: 'del', text: original.slice(edit.start, edit.end), reason: edit.reason });
      if (edit.text) segments.push({ kind: 'ins', text: edit.text, reason: edit.reason });
      at = edit.end;
    }
    if (at < original.length) segments.push({ kind: 'same', text: original.slice(at) });
    return segments;
  }

  return {
    toMarks,
    overallState,
    markAt,
    dismissKey,
    diffRegion,
    shiftSpan,
    shiftMarks,
    placeholderSpans,
    normalizeEdits,
    applyEdits,
    diffSegments,
  };
});
