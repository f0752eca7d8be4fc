'use strict';
// The text-to-DOM map on the DOM shapes real editors produce (jsdom: structure only, no layout).
const test = require('node:test');
const assert = require('node:assert/strict');
const { JSDOM } = require('jsdom');
const { buildTextMap, offsetToPoint, pointToOffset, rangeForSpan } = require('../../shared/textmap.js');

function editor(html) {
  const dom = new JSDOM(`<!doctype html><body><div id="ed" contenteditable="true">${html}</div></body>`);
  const doc = dom.window.document;
  return { doc, root: doc.getElementById('ed') };
}

const SHAPES = [
  ['plain text', 'Hello world', 'Hello world'],
  ['paragraphs', '<p>Hello</p><p>World</p>', 'Hello\nWorld'],
  ['quill empty line', '<p>Hello</p><p><br></p><p>World</p>', 'Hello\n\nWorld'],
  ['br inside a paragraph', '<p>Hello<br>World</p>', 'Hello\nWorld'],
  ['trailing filler br', '<p>Hello<br></p><p>World</p>', 'Hello\nWorld'],
  ['two brs', '<p>Hello<br><br></p><p>World</p>', 'Hello\n\nWorld'],
  ['chrome divs', 'Hello<div>World</div>', 'Hello\nWorld'],
  ['leading empty div', '<div><br></div><div>World</div>', '\nWorld'],
  ['only a filler', '<p><br></p>', ''],
  ['ckeditor filler', '<p>Hi</p><p><br data-cke-filler="true"></p><p>there</p>', 'Hi\n\nthere'],
  ['tinymce bogus', '<p>Hi<br data-mce-bogus="1"></p><p>there</p>', 'Hi\nthere'],
  ['tinymce bogus all', '<p>Hi<span data-mce-bogus="all">UI</span></p>', 'Hi'],
  ['inline formatting', '<p>I <strong>will</strong> <em>call</em> you</p>', 'I will call you'],
  ['lists', '<ul><li>one</li><li>two</li></ul><p>end</p>', 'one\ntwo\nend'],
  ['blockquote', '<p>Thanks</p><blockquote><p>Customer said</p></blockquote><p>Bye</p>', 'Thanks\nCustomer said\nBye'],
  ['formatting whitespace', '\n  <p>Hello</p>\n  <p>World</p>\n', 'Hello\nWorld'],
  ['ckeditor inline filler', '<p>Hi\u2060\u2060\u2060\u2060\u2060\u2060\u2060 there</p>', 'Hi there'],
  ['quill cursor', '<p>Hi<span class="ql-cursor">\uFEFF</span> there</p>', 'Hi there'],
  ['nbsp as space', '<p>a\u00a0 b</p>', 'a  b'],
  ['script ignored', '<p>a<script>x=1</script>b</p>', 'ab'],
];

for (const [name, html, expected] of SHAPES) {
  test(`test_textmap_text_${name.replace(/\W+/g, '_')}`, () => {
    const { root } = editor(html);
    assert.equal(buildTextMap(root).text, expected);
  });
}

test('test_textmap_every_offset_round_trips', () => {
  for (const [, html] of SHAPES) {
    const { root } = editor(html);
    const map = buildTextMap(root);
    for (let offset = 0; offset <= map.text.length; offset += 1) {
      for (const affinity of ['forward', 'backward']) {
        const point = offsetToPoint(map, offset, affinity);
        assert.equal(pointToOffset(map, point.node, point.offset), offset, `${html} @${offset} ${affinity}`);
      }
    }
  }
});

test('test_textmap_range_slices_the_span', () => {
  const { doc, root } = editor('<p>Hi Sam,</p><p>Please <b>contact the carrier</b> for help.</p><p><br></p><p>Best</p>');
  const map = buildTextMap(root);
  const start = map.text.indexOf('contact the carrier for');
  const end = start + 'contact the carrier for'.length;
  const range = rangeForSpan(map, doc, start, end);
  assert.equal(range.toString(), 'contact the carrier for');
  // a span ending at a line end does not swallow the break
  const s2 = map.text.indexOf('for help.');
  assert.equal(rangeForSpan(map, doc, s2, s2 + 'for help.'.length).toString(), 'for help.');
});

test('test_textmap_utf16_offsets_with_emoji_and_accents', () => {
  // The API's *_utf16 offsets count UTF-16 code units, as JS does: an emoji is two.
  const { doc, root } = editor('<p>Olá 👋🏽 José,</p><p>naïve café — contact the carrier.</p>');
  const map = buildTextMap(root);
  const phrase = 'contact the carrier';
  const start = map.text.indexOf(phrase);
  assert.equal(map.text.slice(0, start).length, start);
  assert.ok([...map.text.slice(0, start)].length < start, 'code points differ from UTF-16 units here');
  assert.equal(rangeForSpan(map, doc, start, start + phrase.length).toString(), phrase);
});

test('test_textmap_points_between_blocks', () => {
  const { root } = editor('<p>Hello</p><p>World</p>');
  const map = buildTextMap(root);
  const [p1, p2] = root.querySelectorAll('p');
  assert.equal(pointToOffset(map, p2, 0), 6);
  assert.equal(pointToOffset(map, root, 2), map.text.length);
  assert.equal(pointToOffset(map, p1.firstChild, 5), 5);
  assert.equal(pointToOffset(map, root, 0), 0);
});

test('test_textmap_empty_editor', () => {
  const { root } = editor('');
  const map = buildTextMap(root);
  assert.equal(map.text, '');
  assert.deepEqual(offsetToPoint(map, 0), { node: root, offset: 0 });
  assert.equal(pointToOffset(map, root, 0), 0);
});
