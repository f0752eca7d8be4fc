'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const spans = require('../../shared/spans.js');

const DRAFT = 'Hi Sam 👋, please contact the carrier for further investigation. Thanks!';

function finding(text, phrase, extra) {
  const start = text.indexOf(phrase);
  return {
    label: 'deflects_ownership',
    rule_id: 'deflects_ownership.contact_them',
    severity: 'warning',
    message: 'Sends the customer elsewhere.',
    start: [...text.slice(0, start)].length,
    end: [...text.slice(0, start + phrase.length)].length,
    start_utf16: start,
    end_utf16: start + phrase.length,
    text: phrase,
    sentence: { start_utf16: 0, end_utf16: text.length, text },
    suggestions: [{ replacement: "I'll contact them by [by when].", description: 'Fill in [by when].', placeholders: ['[by when]'], start_utf16: start, end_utf16: start + phrase.length, text: phrase }],
    ...extra,
  };
}

test('test_spans_to_marks_uses_utf16_offsets', () => {
  const report = { findings: [finding(DRAFT, 'contact the carrier')] };
  const [mark] = spans.toMarks(report, DRAFT, {}, new Set());
  assert.equal(DRAFT.slice(mark.start, mark.end), 'contact the carrier');
  assert.equal(mark.suggestions[0].placeholders[0], '[by when]');
});

test('test_spans_to_marks_drops_findings_that_do_not_slice', () => {
  const bad = finding(DRAFT, 'contact the carrier');
  bad.start_utf16 -= 2; // e.g. code-point offsets used by mistake
  bad.end_utf16 -= 2;
  assert.deepEqual(spans.toMarks({ findings: [bad] }, DRAFT, {}, new Set()), []);
});

test('test_spans_to_marks_filters_labels_rules_and_dismissed', () => {
  const f = finding(DRAFT, 'contact the carrier');
  const report = { findings: [f] };
  assert.equal(spans.toMarks(report, DRAFT, { labels: ['condescending'] }, new Set()).length, 0);
  assert.equal(spans.toMarks(report, DRAFT, { labels: null }, new Set()).length, 1);
  assert.equal(spans.toMarks(report, DRAFT, { disabledRules: [f.rule_id] }, new Set()).length, 0);
  const [mark] = spans.toMarks(report, DRAFT, {}, new Set());
  assert.equal(spans.toMarks(report, DRAFT, {}, new Set([spans.dismissKey(mark)])).length, 0);
});

test('test_spans_overall_state', () => {
  assert.equal(spans.overallState([]), 'pass');
  assert.equal(spans.overallState([{ severity: 'warning' }]), 'warn');
  assert.equal(spans.overallState([{ severity: 'warning' }, { severity: 'error' }]), 'fail');
});

test('test_spans_mark_at_prefers_innermost', () => {
  const marks = [{ id: 'a', start: 0, end: 20 }, { id: 'b', start: 5, end: 9 }];
  assert.equal(spans.markAt(marks, 6).id, 'b');
  assert.equal(spans.markAt(marks, 20).id, 'a');
  assert.equal(spans.markAt(marks, 21), null);
});

test('test_spans_diff_region', () => {
  assert.equal(spans.diffRegion('abc', 'abc'), null);
  assert.deepEqual(spans.diffRegion('hello world', 'hello big world'), { start: 6, oldEnd: 6, newEnd: 10 });
  assert.deepEqual(spans.diffRegion('aaa', 'aaaa'), { start: 3, oldEnd: 3, newEnd: 4 });
});

test('test_spans_shift_marks_through_typing', () => {
  const text = 'Please contact the carrier. Thanks';
  const [mark] = spans.toMarks({ findings: [finding(text, 'contact the carrier')] }, text, {}, new Set());
  // typing before the span shifts it
  const typedBefore = `Hi! ${text}`;
  const [moved] = spans.shiftMarks([mark], text, typedBefore);
  assert.equal(typedBefore.slice(moved.start, moved.end), 'contact the carrier');
  assert.equal(typedBefore.slice(moved.suggestions[0].start, moved.suggestions[0].end), 'contact the carrier');
  // typing after leaves it
  const typedAfter = `${text} a lot`;
  assert.equal(spans.shiftMarks([mark], text, typedAfter)[0].start, mark.start);
  // typing inside drops it
  const typedInside = text.replace('the carrier', 'the big carrier');
  assert.deepEqual(spans.shiftMarks([mark], text, typedInside), []);
});

test('test_spans_placeholder_spans', () => {
  const text = "I'll call you by [by when] and send [the document] by [by when].";
  const found = spans.placeholderSpans(text, 0, text.length, ['[by when]', '[the document]']);
  assert.deepEqual(found.map((s) => text.slice(s.start, s.end)), ['[by when]', '[the document]', '[by when]']);
  assert.deepEqual(spans.placeholderSpans(text, 30, text.length, ['[by when]']).map((s) => s.start), [text.lastIndexOf('[by when]')]);
});

const ORIGINAL = 'Hi Ana, please contact the carrier. As I already explained, we are not responsible.';
const EDITS = [
  { start_utf16: 15, end_utf16: 35, old: 'contact the carrier.', new: "I'll contact the carrier by [by when].", reason: 'own it' },
  { start_utf16: 36, end_utf16: 59, old: 'As I already explained,', new: 'To recap:', reason: 'no blame' },
];

test('test_spans_apply_edits_uses_original_offsets', () => {
  assert.equal(ORIGINAL.slice(15, 35), 'contact the carrier.');
  assert.equal(spans.applyEdits(ORIGINAL, EDITS), "Hi Ana, please I'll contact the carrier by [by when]. To recap: we are not responsible.");
  assert.equal(spans.applyEdits(ORIGINAL, EDITS.slice().reverse()), spans.applyEdits(ORIGINAL, EDITS));
});

test('test_spans_diff_segments_rebuild_both_texts', () => {
  const segments = spans.diffSegments(ORIGINAL, EDITS);
  const before = segments.filter((s) => s.kind !== 'ins').map((s) => s.text).join('');
  const after = segments.filter((s) => s.kind !== 'del').map((s) => s.text).join('');
  assert.equal(before, ORIGINAL);
  assert.equal(after, spans.applyEdits(ORIGINAL, EDITS));
  assert.deepEqual(segments.map((s) => s.kind), ['same', 'del', 'ins', 'same', 'del', 'ins', 'same']);
});

test('test_spans_edits_must_match_the_draft', () => {
  assert.throws(() => spans.normalizeEdits(ORIGINAL, [{ start_utf16: 0, end_utf16: 3, old: 'Bye' , new: 'x' }]), /expected "Bye"/);
  assert.throws(() => spans.normalizeEdits(ORIGINAL, [{ start_utf16: 0, end_utf16: 5, new: 'x' }, { start_utf16: 3, end_utf16: 6, new: 'y' }]), /out of order/);
  assert.throws(() => spans.normalizeEdits('abc', [{ start_utf16: 2, end_utf16: 9, new: 'x' }]), /outside/);
});
