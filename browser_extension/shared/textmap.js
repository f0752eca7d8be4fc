/**
 * The text of a contenteditable editor and an exact map between its offsets and DOM positions.
 *
 * Editors disagree on what their text is (Quill ends with "\n", TinyMCE puts "\n\n" between
 * paragraphs), so the extension builds its own from the DOM: text nodes in document order,
 * one "\n" between blocks, one per <br> that ends a line, and nothing for the filler <br> that
 * keeps an empty line open. Zero-width fillers that editors park in text nodes (CKEditor's
 * U+2060 run, Quill's U+FEFF) are left out; a no-break space is sent as a plain space (same
 * length, so offsets are unchanged). Offsets count UTF-16 code units, like JS strings and the
 * API's *_utf16 fields. Pure DOM reads (no layout), so it runs in jsdom too.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.textmap = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const TEXT_NODE = 3;
  const ELEMENT_NODE = 1;

  const BLOCK_TAGS = new Set([
    'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET',
    'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR',
    'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT',
    'TH', 'THEAD', 'TR', 'UL',
  ]);
  const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'svg', 'IMG', 'VIDEO', 'AUDIO', 'CANVAS']);
  // Characters editors keep in the DOM that are not part of the draft.
  const FILLER = /[\u2060\uFEFF\u200B]/;
  const NBSP = /\u00A0/g;

  function isSkippedElement(el) {
    if (SKIPPED_TAGS.has(el.tagName)) return true;
    const bogus = el.getAttribute('data-mce-bogus');
    if (bogus === 'all') return true;
    return el.hasAttribute('data-replylint-ignore');
  }

  /**
   * Build {text, pieces, root} for the editing host `root`.
   * A piece is {start, end, node, nodeStart} for a run of a text node, or
   * {start, end, node: null, before, after} for a synthetic "\n".
   */
  function buildTextMap(root) {
    const pieces = [];
    let text = '';
    let lineHasContent = false;
    const pendingBreaks = []; // DOM points where each pending line break happens
    let lastTextEnd = null; // {node, offset}: DOM position right after the last text emitted

    function breakLine(hard, at) {
      if (lineHasContent || hard) {
        pendingBreaks.push(at || lastTextEnd || { node: root, offset: 0 });
        lineHasContent = false;
      }
    }

    // Breaks are written lazily, right before the next text, so trailing ones never count.
    function flushBreaks(textStart) {
      for (let i = 0; i < pendingBreaks.length; i += 1) {
        const after = i + 1 < pendingBreaks.length ? pendingBreaks[i + 1] : textStart;
        pieces.push({ start: text.length, end: text.length + 1, node: null, before: pendingBreaks[i], after });
        text += '\n';
      }
      pendingBreaks.length = 0;
    }

    function emitText(node) {
      const data = node.data;
      if (!data) return;
      if (!/\S/.test(data) && data.indexOf('\n') !== -1 && !lineHasContent) return; // formatting whitespace
      let runStart = -1;
      for (let i = 0; i <= data.length; i += 1) {
        const filler = i < data.length && FILLER.test(data[i]);
        if (i < data.length && !filler) {
          if (runStart === -1) runStart = i;
          continue;
        }
        if (runStart !== -1) {
          flushBreaks({ node, offset: runStart });
          const chunk = data.slice(runStart, i).replace(NBSP, ' ');
          pieces.push({ start: text.length, end: text.length + chunk.length, node, nodeStart: runStart });
          text += chunk;
          lineHasContent = true;
          lastTextEnd = { node, offset: i };
          runStart = -1;
        }
      }
    }

    function indexIn(parent, child) {
      let index = 0;
      for (let node = parent.firstChild; node && node !== child; node = node.nextSibling) index += 1;
      return index;
    }

    function visit(node, isRoot) {
      if (node.nodeType === TEXT_NODE) {
        emitText(node);
        return;
      }
      if (node.nodeType !== ELEMENT_NODE) return;
      if (!isRoot && isSkippedElement(node)) return;
      if (node.tagName === 'BR') {
        breakLine(true, lineHasContent ? lastTextEnd : { node: node.parentNode, offset: indexIn(node.parentNode, node) });
        return;
      }
      const block = !isRoot && BLOCK_TAGS.has(node.tagName);
      if (block) breakLine(false);
      for (let child = node.firstChild; child; child = child.nextSibling) visit(child, false);
      if (block) breakLine(false);
    }

    visit(root, true);
    return { root, text, pieces };
  }

  function isTextPiece(piece) {
    return piece.node !== null;
  }

  /**
   * The DOM position of text offset `offset`. At a boundary between two pieces, `affinity`
   * 'forward' picks the start of the next piece (use for range starts) and 'backward' the end
   * of the previous one (use for range ends), so a range never swallows a neighbouring break.
   */
  function offsetToPoint(map, offset, affinity) {
    const { pieces, root } = map;
    if (pieces.length === 0) return { node: root, offset: 0 };
    const forward = affinity !== 'backward';
    const clamped = Math.max(0, Math.min(offset, map.text.length));
    for (let i = 0; i < pieces.length; i += 1) {
      const piece = pieces[i];
      const inside = forward
        ? clamped >= piece.start && clamped < piece.end
        : clamped > piece.start && clamped <= piece.end;
      if (!inside) continue;
      if (isTextPiece(piece)) return { node: piece.node, offset: piece.nodeStart + (clamped - piece.start) };
      // A synthetic break: its start is where the line ends, its end where the next line starts.
      return clamped === piece.start ? { ...piece.before } : { ...piece.after };
    }
    // offset 0 with backward affinity, or the very end with forward affinity
    if (clamped === 0) {
      const first = pieces[0];
      return isTextPiece(first) ? { node: first.node, offset: first.nodeStart } : { ...first.before };
    }
    const last = pieces[pieces.length - 1];
    if (isTextPiece(last)) return { node: last.node, offset: last.nodeStart + (last.end - last.start) };
    return { ...last.after };
  }

  /** The text offset of DOM position (node, offset); positions inside skipped parts snap forward. */
  function pointToOffset(map, node, offset) {
    const { pieces } = map;
    if (node.nodeType === TEXT_NODE) {
      let lastBefore = null;
      for (const piece of pieces) {
        if (piece.node !== node) continue;
        const length = piece.end - piece.start;
        if (offset < piece.nodeStart) return piece.start;
        if (offset <= piece.nodeStart + length) return piece.start + (offset - piece.nodeStart);
        lastBefore = piece;
      }
      if (lastBefore) return lastBefore.end;
    }
    // Anywhere else: the first piece (text, or a line break) that starts at or after the point.
    const probe = node.ownerDocument.createRange();
    probe.setStart(node, offset);
    for (const piece of pieces) {
      const at = isTextPiece(piece) ? { node: piece.node, offset: piece.nodeStart } : piece.before;
      if (probe.comparePoint(at.node, at.offset) >= 0) return piece.start;
    }
    return map.text.length;
  }

  /** A DOM Range (in `doc`) for text span [start, end). */
  function rangeForSpan(map, doc, start, end) {
    const range = doc.createRange();
    const from = offsetToPoint(map, start, 'forward');
    const to = end <= start ? from : offsetToPoint(map, end, 'backward');
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    return range;
  }

  return { buildTextMap, offsetToPoint, pointToOffset, rangeForSpan, BLOCK_TAGS };
});
