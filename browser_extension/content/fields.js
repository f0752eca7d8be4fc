/**
 * Reply boxes as the content script sees them: a <textarea>, or a contenteditable editing host
 * (plain, Quill, CKEditor 5, TinyMCE inline or inside its iframe, or any editor in a same-origin
 * frame). A field reads its text, maps offsets to DOM ranges and screen rectangles, and applies a
 * replacement through the editor's own input path so the editor's model stays in sync:
 * a synthetic `beforeinput` first (CKEditor 5 and Quill handle it and cancel it), else
 * `execCommand('insertText')` (plain contenteditable, TinyMCE, textarea), then a check of the
 * result.
 */
/* global ReplyLint */
(function () {
  'use strict';

  const { buildTextMap, rangeForSpan, pointToOffset } = ReplyLint.textmap;
  const { OPT_OUT_SELECTOR } = ReplyLint.settings;

  /** Offset of a same-origin frame's viewport inside the top window's viewport. */
  function frameOffset(win) {
    let x = 0;
    let y = 0;
    let current = win;
    while (current && current !== current.top) {
      const frame = current.frameElement;
      if (!frame) break;
      const rect = frame.getBoundingClientRect();
      const style = current.parent.getComputedStyle(frame);
      x += rect.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
      y += rect.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
      current = current.parent;
    }
    return { x, y };
  }

  /** An element's padding box (inside its borders) in top-window coordinates. */
  function paddingBox(el, win) {
    const rect = el.getBoundingClientRect();
    const style = win.getComputedStyle(el);
    const left = rect.left + parseFloat(style.borderLeftWidth);
    const top = rect.top + parseFloat(style.borderTopWidth);
    return toTopRect({ left, top, right: left + el.clientWidth, bottom: top + el.clientHeight, width: el.clientWidth, height: el.clientHeight }, win);
  }

  function toTopRect(rect, win) {
    const { x, y } = frameOffset(win);
    return { left: rect.left + x, top: rect.top + y, right: rect.right + x, bottom: rect.bottom + y, width: rect.width, height: rect.height };
  }

  /** Whether the element (or the frame it sits in) opted out with data-replylint="off" / data-gramm="false". */
  function isOptedOut(el) {
    let node = el;
    while (node) {
      if (node.closest && node.closest(OPT_OUT_SELECTOR)) return true;
      const win = node.ownerDocument && node.ownerDocument.defaultView;
      node = win && win !== win.top ? win.frameElement : null;
    }
    return false;
  }

  /** The field for a focused element, or null if it is not a reply box we handle. */
  function fieldRootFor(target) {
    if (!target || target.nodeType !== 1) return null;
    if (target.tagName === 'TEXTAREA') {
      if (target.readOnly || target.disabled) return null;
      return target;
    }
    if (!target.isContentEditable) return null;
    let host = target;
    while (host.parentElement && host.parentElement.isContentEditable) host = host.parentElement;
    return host;
  }

  const SETTLE_MS = 100;

  function nextFrame(win) {
    return new Promise((resolve) => win.requestAnimationFrame(() => resolve()));
  }

  class TextareaField {
    constructor(el) {
      this.el = el;
      this.kind = 'textarea';
      this.doc = el.ownerDocument;
      this.win = this.doc.defaultView;
    }

    get isConnected() {
      return this.el.isConnected;
    }

    readText() {
      return this.el.value;
    }

    /** The field's padding box in top-window coordinates (where marks may be drawn). */
    clipRect() {
      return paddingBox(this.el, this.win);
    }

    boxRect() {
      return toTopRect(this.el.getBoundingClientRect(), this.win);
    }

    focus() {
      this.el.focus({ preventScroll: true });
    }

    selectionOffsets() {
      return { start: this.el.selectionStart, end: this.el.selectionEnd };
    }

    select(start, end) {
      this.focus();
      this.el.setSelectionRange(start, end);
    }

    async replace(start, end, replacement) {
      this.select(start, end);
      let done = false;
      try {
        done = this.doc.execCommand('insertText', false, replacement);
      } catch (err) {
        done = false;
      }
      if (!done || this.el.value.slice(start, start + replacement.length) !== replacement) {
        // No execCommand (or it was blocked): set the value and tell the page, as typing would.
        this.el.setRangeText(replacement, start, end, 'end');
        this.el.dispatchEvent(new this.win.InputEvent('input', { bubbles: true, inputType: 'insertReplacementText', data: replacement }));
      }
      return this.el.value.slice(start, start + replacement.length) === replacement;
    }
  }

  class EditableField {
    constructor(root) {
      this.el = root;
      this.kind = 'editable';
      this.doc = root.ownerDocument;
      this.win = this.doc.defaultView;
      this.map = null;
      // TinyMCE's iframe: the <body> is the editor; its visible box is the frame.
      this.isFrameBody = root === this.doc.body && this.win !== this.win.top;
    }

    get isConnected() {
      return this.el.isConnected && (!this.isFrameBody || Boolean(this.win.frameElement && this.win.frameElement.isConnected));
    }

    readText() {
      this.map = buildTextMap(this.el);
      return this.map.text;
    }

    currentMap() {
      return this.map || (this.readText(), this.map);
    }

    rangeFor(start, end) {
      return rangeForSpan(this.currentMap(), this.doc, start, end);
    }

    offsetOf(node, offset) {
      return pointToOffset(this.currentMap(), node, offset);
    }

    clipRect() {
      if (this.isFrameBody) {
        const frame = this.win.frameElement;
        return paddingBox(frame, frame.ownerDocument.defaultView);
      }
      return paddingBox(this.el, this.win);
    }

    boxRect() {
      if (this.isFrameBody) {
        const frame = this.win.frameElement;
        return toTopRect(frame.getBoundingClientRect(), frame.ownerDocument.defaultView);
      }
      return toTopRect(this.el.getBoundingClientRect(), this.win);
    }

    focus() {
      this.el.focus({ preventScroll: true });
    }

    selectionOffsets() {
      const selection = this.doc.getSelection();
      if (!selection || selection.rangeCount === 0) return null;
      const range = selection.getRangeAt(0);
      if (!this.el.contains(range.startContainer)) return null;
      const map = buildTextMap(this.el);
      this.map = map;
      return { start: pointToOffset(map, range.startContainer, range.startOffset), end: pointToOffset(map, range.endContainer, range.endOffset) };
    }

    select(start, end) {
      this.focus();
      const range = this.rangeFor(start, end);
      const selection = this.doc.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }

    async replace(start, end, replacement) {
      const before = this.readText();
      this.select(start, end);
      // Let the editor take in the focus and the new selection first: editors close the typing
      // undo step on a selection change or blur (CKEditor's change buffer after its 50 ms focus
      // settle, Quill's history, TinyMCE's blur level), so the fix becomes an undo step of its own.
      await new Promise((resolve) => this.win.setTimeout(resolve, SETTLE_MS));
      await nextFrame(this.win);
      if (this.readText() !== before) return false;
      const range = this.rangeFor(start, end);
      const targetRange = new this.win.StaticRange({
        startContainer: range.startContainer,
        startOffset: range.startOffset,
        endContainer: range.endContainer,
        endOffset: range.endOffset,
      });
      const event = new this.win.InputEvent('beforeinput', {
        inputType: 'insertReplacementText',
        data: replacement,
        targetRanges: [targetRange],
        bubbles: true,
        cancelable: true,
        composed: true,
      });
      this.el.dispatchEvent(event);
      const expected = () => this.readText().slice(start, start + replacement.length) === replacement;
      if (event.defaultPrevented) {
        // The editor took it (CKEditor 5, Quill); some render on the next frame.
        if (expected()) return true;
        await nextFrame(this.win);
        if (expected()) return true;
        return false;
      }
      let done = false;
      try {
        done = this.doc.execCommand('insertText', false, replacement);
      } catch (err) {
        done = false;
      }
      if (done) {
        // Say what the change was, as the browser's own spell-check replacement does: editors
        // that watch input events (TinyMCE) record a replacement as its own undo level.
        this.el.dispatchEvent(new this.win.InputEvent('input', { inputType: 'insertReplacementText', data: replacement, bubbles: true }));
      }
      if (done && expected()) return true;
      await nextFrame(this.win);
      return expected();
    }
  }

  function createField(root) {
    return root.tagName === 'TEXTAREA' ? new TextareaField(root) : new EditableField(root);
  }

  ReplyLint.fields = { createField, fieldRootFor, isOptedOut, frameOffset, toTopRect, nextFrame, TextareaField, EditableField };
})();
