/**
 * The content script's controller. Runs in the top frame of a site the agent enabled and
 * handles reply boxes there and in same-origin frames. Per field: debounce the agent's typing,
 * ask the service worker to lint (no network calls here), drop stale replies, draw the marks,
 * keep the badge honest, and apply fixes through the editor's own input path.
 *
 * The keystroke path only restarts a timer and asks for one animation frame.
 */
/* global ReplyLint, chrome */
(function () {
  'use strict';

  if (globalThis.__replylintContentLoaded) return;
  globalThis.__replylintContentLoaded = true;

  const { MSG } = ReplyLint.messages;
  const { createDebouncer } = ReplyLint.debounce;
  const { createRequestOrder } = ReplyLint.ordering;
  const spans = ReplyLint.spans;
  const settings = ReplyLint.settings;
  const { createField, fieldRootFor, isOptedOut, toTopRect, nextFrame } = ReplyLint.fields;
  const { Ui, HighlightPainter, painterFor } = ReplyLint.ui;

  const topWin = window;
  const perf = topWin.performance;
  const FAILURE_STATES = new Set(['offline', 'unauthorized', 'not_configured', 'busy', 'too_long', 'error']);
  const NAV_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);
  const SHORT = {
    idle: '', empty: '', checking: '…', pass: '✓', offline: 'offline', unauthorized: 'key rejected',
    not_configured: 'set up', busy: 'busy', too_long: 'too long', error: 'error',
  };

  let prefs = settings.contentPrefs({});
  let labels = null;
  let labelsPending = null;
  const dismissed = new Set();
  const controllers = new Map(); // field root element -> FieldController
  let nextId = 1;
  let ui = null;

  function getUi() {
    if (!ui || !ui.host.isConnected) {
      ui = new Ui(document);
      ui.onAction = onAction;
    }
    return ui;
  }

  /** Ask the service worker; a dead extension context becomes an ordinary failure. */
  async function send(message) {
    try {
      const reply = await chrome.runtime.sendMessage(message);
      return reply || { ok: false, failure: { state: 'error', message: 'The extension did not answer.' } };
    } catch (err) {
      return { ok: false, failure: { state: 'error', code: 'extension', message: 'replylint was updated or stopped; reload this page.' } };
    }
  }

  async function loadLabels() {
    if (labels) return labels;
    if (!labelsPending) {
      labelsPending = send({ type: MSG.LABELS }).then((reply) => {
        labelsPending = null;
        if (reply.ok) labels = reply.labels;
        return labels;
      });
    }
    return labelsPending;
  }

  // ---- one reply box ----------------------------------------------------------------------------

  class FieldController {
    constructor(root) {
      this.id = `rl${nextId++}`;
      this.root = root;
      this.field = createField(root);
      this.order = createRequestOrder();
      this.debouncer = createDebouncer(() => { this.lint(); }, prefs.debounceMs);
      this.marks = [];
      this.report = null;
      this.reportText = null;
      this.lastText = this.field.readText();
      this.state = 'idle';
      this.failure = null;
      this.features = { rewrite: false };
      this.placeholderTexts = [];
      this.placeholders = [];
      this.activeMark = null;
      this.dirty = false;
      this.rectCache = new Map();
      this.retryTimer = null;
      this.pendingRewrite = null;

      this.onInput = () => {
        this.debouncer.schedule();
        this.dirty = true;
        if (ui && ui.card.controller === this && ui.card.via !== 'focus') ui.closeCard();
        scheduleFrame();
      };
      this.field.el.addEventListener('input', this.onInput);
      if (this.field.kind === 'editable') {
        // Editors also change text without an input event (templates, macros, setContents).
        this.observer = new this.field.win.MutationObserver(this.onInput);
        this.observer.observe(this.field.el, { characterData: true, childList: true, subtree: true });
      }
      this.resizeObserver = new this.field.win.ResizeObserver(() => scheduleFrame());
      this.resizeObserver.observe(this.field.isFrameBody ? this.field.win.frameElement : this.field.el);
    }

    get usesHighlights() {
      return this.field.kind === 'editable' && !prefs.forceOverlay && HighlightPainter.supported(this.field.win);
    }

    onFocus() {
      if (this.state === 'idle' || FAILURE_STATES.has(this.state)) {
        if (this.field.readText().trim()) this.debouncer.schedule();
      }
    }

    /** Debounce fired: send the draft, draw the reply if it is still the newest. */
    async lint() {
      if (!this.field.isConnected) return this.dispose();
      const firedAt = perf.now();
      perf.mark('replylint:debounce-fired');
      const text = this.field.readText();
      this.lastText = text;
      this.dirty = false;
      if (!text.trim()) {
        this.order.invalidate();
        this.report = null;
        this.reportText = text;
        this.setMarks([]);
        this.setState('empty');
        return;
      }
      if (text === this.reportText && (this.state === 'pass' || this.state === 'warn' || this.state === 'fail')) return;
      clearTimeout(this.retryTimer);
      const ticket = this.order.issue(text);
      const checking = topWin.setTimeout(() => {
        if (!this.order.isStale(ticket) && this.order.applied < ticket.seq) this.setState('checking');
      }, 400);
      const reply = await send({ type: MSG.LINT, text });
      topWin.clearTimeout(checking);
      if (!this.field.isConnected) return this.dispose();
      const current = this.field.readText();
      if (!this.order.accept(ticket, current)) {
        // Text changed without an event we saw: make sure a newer lint is on its way.
        if (!this.order.isStale(ticket) && current !== ticket.text && !this.debouncer.pending) this.debouncer.schedule();
        return;
      }
      if (!reply.ok) {
        this.fail(reply);
        return;
      }
      this.failure = null;
      this.features = reply.features || { rewrite: false };
      this.report = reply.report;
      this.reportText = text;
      this.lastText = text;
      this.applyReport();
      await nextFrame(topWin);
      const words = (text.match(/\S+/g) || []).length;
      perf.measure('replylint:underlines', {
        start: firedAt,
        end: perf.now(),
        detail: { field: this.field.kind, chars: text.length, words, marks: this.marks.length, serverMs: reply.elapsedMs },
      });
      if (!labels) loadLabels();
    }

    fail(reply) {
      const failure = reply.failure || { state: 'error', message: (reply.error && reply.error.message) || 'Unknown error.' };
      this.failure = failure;
      this.report = null;
      this.reportText = null;
      this.setMarks([]); // underlines from an older draft would be wrong now
      this.setState(FAILURE_STATES.has(failure.state) ? failure.state : 'error');
      if (failure.state === 'busy') {
        const wait = Math.max(1, failure.retryAfter || 2) * 1000;
        this.retryTimer = topWin.setTimeout(() => this.lint(), wait);
      }
    }

    /** (Re)build the marks from the last report with the agent's current filters. */
    applyReport() {
      if (!this.report || this.reportText === null) return;
      const text = this.field.readText();
      if (text !== this.reportText) {
        this.debouncer.schedule();
        return;
      }
      const marks = spans.toMarks(this.report, text, prefs, dismissed);
      if (this.field.kind === 'editable') for (const mark of marks) mark.range = this.field.rangeFor(mark.start, mark.end);
      this.setMarks(marks);
      this.setState(spans.overallState(marks));
    }

    setMarks(marks) {
      this.marks = marks;
      if (this.activeMark && !marks.includes(this.activeMark)) this.activeMark = null;
      if (ui && ui.card.controller === this && !marks.includes(ui.card.mark)) ui.closeCard();
      this.paint();
    }

    setState(state) {
      this.state = state;
      getUi().updateBadge(this, this.status());
    }

    status() {
      const count = this.marks.length;
      let label;
      let message;
      let action = '';
      switch (this.state) {
        case 'pass': label = 'no problems found'; message = 'No problems found.'; break;
        case 'warn':
        case 'fail': label = `${count} ${count === 1 ? 'problem' : 'problems'}`; message = this.state === 'fail' ? 'This draft fails the customer. Hover an underline for a fix.' : 'Some wording may fail the customer. Hover an underline for a fix.'; break;
        case 'checking': label = 'checking'; message = 'Checking the draft…'; break;
        case 'offline': label = "offline: can't reach the server"; message = this.failure && this.failure.message ? this.failure.message : "Can't reach the replylint server."; action = 'Check the server URL in options; replylint tries again when you type.'; break;
        case 'unauthorized': label = 'unauthorized: the server rejected the API key'; message = this.failure && this.failure.message ? this.failure.message : 'The server rejected the API key.'; action = 'Set a valid API key in options.'; break;
        case 'not_configured': label = 'not set up'; message = 'No replylint server is set.'; action = 'Set the server URL and API key in options.'; break;
        case 'busy': label = 'server busy'; message = 'The server is busy; replylint will try again.'; break;
        case 'too_long': label = 'draft too long'; message = 'This draft is too long to check.'; break;
        case 'error': label = 'error'; message = (this.failure && this.failure.message) || 'The server could not check this draft.'; action = 'Check the server URL in options.'; break;
        default: label = 'ready'; message = '';
      }
      return {
        state: this.state,
        count,
        short: this.state === 'warn' || this.state === 'fail' ? String(count) : SHORT[this.state] || '',
        label,
        message,
        action,
        visible: this.state !== 'idle' && this.state !== 'empty',
        rewrite: Boolean(this.features.rewrite) && (this.state === 'warn' || this.state === 'fail'),
      };
    }

    // ---- drawing ----

    /** Placeholders still in the text (after a fix), as spans. */
    findPlaceholders(text) {
      if (!this.placeholderTexts.length) return [];
      const found = spans.placeholderSpans(text, 0, text.length, this.placeholderTexts);
      if (!found.length) this.placeholderTexts = [];
      return found;
    }

    paint() {
      this.rectCache.clear();
      const text = this.field.readText();
      this.placeholders = this.findPlaceholders(text);
      if (this.usesHighlights) {
        const items = this.marks.filter((m) => m.range).map((m) => ({ kind: m.severity, range: m.range }));
        if (this.activeMark && this.activeMark.range) items.push({ kind: 'active', range: this.activeMark.range });
        for (const p of this.placeholders) items.push({ kind: 'placeholder', range: this.field.rangeFor(p.start, p.end) });
        painterFor(this.field.doc).set(this.id, items);
        getUi().clearOverlay(this);
      } else {
        const list = this.marks.map((m) => ({ id: m.id, kind: 'finding', severity: m.severity, start: m.start, end: m.end, rects: this.rectsFor(m) }));
        if (this.activeMark) list.push({ id: `${this.activeMark.id}-active`, kind: 'active', severity: this.activeMark.severity, start: this.activeMark.start, end: this.activeMark.end, rects: this.rectsFor(this.activeMark) });
        for (const p of this.placeholders) list.push({ id: `p${p.start}`, kind: 'placeholder', severity: 'info', start: p.start, end: p.end, rects: this.rectsFor(p) });
        getUi().drawOverlay(this, list);
      }
      if (ui) ui.positionBadge(this);
    }

    /** Client rects of a mark (or span) in top-window coordinates. */
    rectsFor(mark) {
      const key = mark.id || `${mark.start}:${mark.end}`;
      if (this.rectCache.has(key)) return this.rectCache.get(key);
      let rects;
      if (this.field.kind === 'textarea') {
        [rects] = getUi().measureTextarea(this.field, this.field.readText(), [mark]);
      } else {
        const range = mark.range || this.field.rangeFor(mark.start, mark.end);
        rects = Array.from(range.getClientRects())
          .filter((r) => r.width >= 0.5)
          .map((r) => toTopRect(r, this.field.win));
      }
      this.rectCache.set(key, rects);
      return rects;
    }

    /** After typing: keep marks on their words until the next reply (textarea offsets shift). */
    track() {
      this.dirty = false;
      if (this.field.kind === 'textarea') {
        const now = this.field.readText();
        if (now !== this.lastText) {
          this.marks = spans.shiftMarks(this.marks, this.lastText, now);
          if (this.activeMark && !this.marks.some((m) => m.id === this.activeMark.id)) this.activeMark = null;
          this.lastText = now;
        }
      } else {
        const kept = this.marks.filter((m) => !m.range || !m.range.collapsed);
        if (kept.length !== this.marks.length) this.marks = kept;
      }
    }

    reposition() {
      if (this.dirty) this.track();
      if (!this.usesHighlights) this.paint();
      else {
        this.rectCache.clear();
        if (ui) ui.positionBadge(this);
      }
      if (ui && ui.card.controller === this && ui.card.mark) {
        const rects = this.rectsFor(ui.card.mark);
        if (rects.length) ui.placePopup(ui.card.el, rects[0]);
      }
    }

    /** Current text offsets of a mark (live ranges follow edits in contenteditable). */
    locate(mark) {
      if (this.field.kind === 'editable' && mark.range) {
        this.field.readText();
        const start = this.field.offsetOf(mark.range.startContainer, mark.range.startOffset);
        return { start, end: start + (mark.end - mark.start), delta: start - mark.start };
      }
      if (this.dirty) this.track();
      return { start: mark.start, end: mark.end, delta: 0 };
    }

    /** The mark under the caret, if any. */
    caretMark() {
      if (!this.marks.length) return null;
      if (this.field.kind === 'editable') {
        const selection = this.field.doc.getSelection();
        if (!selection || selection.rangeCount === 0) return null;
        const range = selection.getRangeAt(0);
        if (!this.field.el.contains(range.startContainer)) return null;
        return this.marks.find((m) => m.range && m.range.isPointInRange(range.startContainer, range.startOffset)) || null;
      }
      if (this.dirty) this.track();
      const { start } = this.field.selectionOffsets();
      return spans.markAt(this.marks, start);
    }

    markAtPoint(x, y) {
      for (const mark of this.marks) {
        for (const r of this.rectsFor(mark)) {
          if (x >= r.left - 1 && x <= r.left + r.width + 1 && y >= r.top - 2 && y <= r.top + r.height + 3) return { mark, rect: r };
        }
      }
      return null;
    }

    setActive(mark) {
      if (this.activeMark === mark) return;
      this.activeMark = mark;
      this.paint();
    }

    // ---- fixes ----

    async applySuggestion(mark, index) {
      const suggestion = mark.suggestions[index || 0];
      if (!suggestion) return;
      const where = this.locate(mark);
      const text = this.field.readText();
      const start = suggestion.start + where.delta;
      const end = suggestion.end + where.delta;
      getUi().closeCard();
      if (text.slice(start, end) !== suggestion.text) {
        getUi().announce('The draft changed since it was checked; checking again.');
        this.debouncer.schedule();
        return;
      }
      this.order.invalidate();
      this.debouncer.cancel();
      const ok = await this.field.replace(start, end, suggestion.replacement);
      const after = this.field.readText();
      this.afterEdit(text, after, start, start + suggestion.replacement.length, suggestion.placeholders);
      getUi().announce(ok ? this.appliedMessage() : 'The editor did not accept the change; edit the text by hand.');
    }

    appliedMessage() {
      if (!this.placeholders.length) return 'Fix applied.';
      return `Fix applied. Fill in ${this.placeholders.map((p) => p.text).join(', ')}.`;
    }

    /** After a fix or a rewrite: drop marks it touched, select the first placeholder, re-check. */
    afterEdit(before, after, insertedFrom, insertedTo, placeholderTexts) {
      const region = spans.diffRegion(before, after);
      if (this.field.kind === 'textarea') this.marks = spans.shiftMarks(this.marks, before, after);
      else if (region) {
        this.marks = this.marks.filter((m) => m.range && !m.range.collapsed && m.range.toString() === m.text);
      }
      this.lastText = after;
      this.activeMark = null;
      this.placeholderTexts = [...new Set([...(placeholderTexts || []), ...this.placeholderTexts])];
      this.paint();
      const first = spans.placeholderSpans(after, insertedFrom, insertedTo, placeholderTexts)[0] || this.placeholders[0];
      if (first) this.field.select(first.start, first.end);
      else this.field.select(insertedTo, insertedTo);
      this.setState(this.marks.length ? spans.overallState(this.marks) : 'checking');
      this.debouncer.schedule();
    }

    /** Tab with a placeholder selected moves to the next one; returns whether it did. */
    nextPlaceholder() {
      if (!this.placeholders.length) return false;
      const selection = this.field.selectionOffsets();
      if (!selection) return false;
      const index = this.placeholders.findIndex((p) => p.start === selection.start && p.end === selection.end);
      if (index === -1) return false;
      const next = this.placeholders[(index + 1) % this.placeholders.length];
      if (next === this.placeholders[index]) return false;
      this.field.select(next.start, next.end);
      return true;
    }

    async startRewrite() {
      const text = this.field.readText();
      const view = getUi();
      view.closeCard();
      view.closePanel();
      this.setActive(null);
      view.openRewrite(this, [], { text: 'Rewriting the reply…' });
      const reply = await send({ type: MSG.REWRITE, text });
      if (view.rewrite.controller !== this) return;
      if (!reply.ok) {
        const failure = reply.failure || {};
        if (failure.status === 404) this.features.rewrite = false;
        view.openRewrite(this, [], { error: true, text: failure.message || 'The rewrite failed.' });
        return;
      }
      if (this.field.readText() !== text) {
        view.openRewrite(this, [], { error: true, text: 'The draft changed while it was rewritten; try again.' });
        return;
      }
      let edits = reply.rewrite.edits || [];
      if (!edits.length && typeof reply.rewrite.text === 'string' && reply.rewrite.text !== text) {
        edits = [{ start_utf16: 0, end_utf16: text.length, old: text, new: reply.rewrite.text }];
      }
      let segments;
      try {
        segments = spans.diffSegments(text, edits);
      } catch (err) {
        view.openRewrite(this, [], { error: true, text: `The rewrite did not match the draft (${err.message}).` });
        return;
      }
      if (!edits.length) {
        view.openRewrite(this, [], { text: 'Nothing to rewrite: the reply reads well as it is.' });
        return;
      }
      this.pendingRewrite = { original: text, edits, rewrite: reply.rewrite };
      view.openRewrite(this, segments);
    }

    async applyRewrite() {
      const view = getUi();
      const pending = this.pendingRewrite;
      this.pendingRewrite = null;
      if (!pending) return;
      const before = this.field.readText();
      if (before !== pending.original) {
        view.openRewrite(this, [], { error: true, text: 'The draft changed since the rewrite was made; try again.' });
        return;
      }
      view.closeRewrite();
      this.order.invalidate();
      this.debouncer.cancel();
      const edits = spans.normalizeEdits(before, pending.edits);
      let ok = true;
      for (const edit of edits.slice().reverse()) {
        ok = (await this.field.replace(edit.start, edit.end, edit.text)) && ok;
      }
      const after = this.field.readText();
      const placeholders = (pending.rewrite.placeholders || []).map((p) => p.text).filter(Boolean);
      const region = spans.diffRegion(before, after) || { start: 0, newEnd: 0 };
      this.afterEdit(before, after, region.start, region.newEnd, placeholders);
      view.announce(ok ? `Rewrite applied. ${this.placeholders.length ? `Fill in ${this.placeholders.map((p) => p.text).join(', ')}.` : ''}` : 'Part of the rewrite could not be applied; check the reply.');
    }

    dispose() {
      this.debouncer.cancel();
      this.order.invalidate();
      clearTimeout(this.retryTimer);
      this.field.el.removeEventListener('input', this.onInput);
      if (this.observer) this.observer.disconnect();
      this.resizeObserver.disconnect();
      if (this.usesHighlights) {
        try {
          painterFor(this.field.doc).clear(this.id);
        } catch (err) {
          /* the frame is gone */
        }
      }
      if (ui) ui.removeLayer(this);
      controllers.delete(this.root);
    }
  }

  // ---- documents, frames and fields -------------------------------------------------------------

  const attachedDocs = new WeakSet();

  function controllerFor(root) {
    let controller = controllers.get(root);
    if (!controller) {
      controller = new FieldController(root);
      controllers.set(root, controller);
    }
    return controller;
  }

  function handleFocus(target) {
    const root = fieldRootFor(target);
    if (!root || isOptedOut(root)) return null;
    const controller = controllerFor(root);
    controller.onFocus();
    return controller;
  }

  function focusedController() {
    let doc = document;
    let active = doc.activeElement;
    // Walk into same-origin frames that hold the focus.
    while (active && (active.tagName === 'IFRAME' || active.tagName === 'FRAME')) {
      let inner = null;
      try {
        inner = active.contentDocument;
      } catch (err) {
        inner = null;
      }
      if (!inner) return null;
      doc = inner;
      active = doc.activeElement;
    }
    const root = fieldRootFor(active);
    return root ? controllers.get(root) || null : null;
  }

  function attachFrame(frame) {
    let doc = null;
    try {
      doc = frame.contentDocument;
    } catch (err) {
      return; // cross-origin: not ours to read
    }
    if (doc && doc.defaultView) attachDocument(doc);
  }

  function attachDocument(doc) {
    if (!doc || attachedDocs.has(doc)) return;
    attachedDocs.add(doc);
    const win = doc.defaultView;
    doc.addEventListener('focusin', (event) => handleFocus(event.composedPath()[0]), true);
    doc.addEventListener('mousemove', onPointerMove, { capture: true, passive: true });
    doc.addEventListener('keydown', onKeyDown, true);
    doc.addEventListener('keyup', onKeyUp, true);
    doc.addEventListener('mouseup', onMouseUp, true);
    doc.addEventListener('mousedown', onMouseDown, true);
    doc.addEventListener('scroll', scheduleFrame, { capture: true, passive: true });
    doc.addEventListener('load', (event) => {
      if (event.target && (event.target.tagName === 'IFRAME' || event.target.tagName === 'FRAME')) attachFrame(event.target);
    }, true);
    win.addEventListener('resize', scheduleFrame, { passive: true });
    // Focus moving into a child frame blurs this window: attach to the frame then.
    win.addEventListener('blur', () => topWin.setTimeout(() => {
      const active = doc.activeElement;
      if (active && (active.tagName === 'IFRAME' || active.tagName === 'FRAME')) {
        attachFrame(active);
        try {
          const inner = active.contentDocument;
          if (inner && inner.hasFocus()) handleFocus(inner.activeElement);
        } catch (err) {
          /* cross-origin */
        }
      }
    }, 0));
    for (const frame of doc.querySelectorAll('iframe, frame')) attachFrame(frame);
    if (doc.hasFocus() && doc.activeElement) handleFocus(doc.activeElement);
  }

  // ---- one animation frame for everything that moves -------------------------------------------

  let frameRequested = false;

  function scheduleFrame() {
    if (frameRequested) return;
    frameRequested = true;
    topWin.requestAnimationFrame(() => {
      frameRequested = false;
      for (const controller of [...controllers.values()]) {
        if (!controller.field.isConnected) controller.dispose();
        else controller.reposition();
      }
      if (ui && ui.panel.controller && !ui.panel.el.hidden) {
        const badge = ui.layerFor(ui.panel.controller).badge.getBoundingClientRect();
        ui.placePopup(ui.panel.el, { left: badge.right - 340, right: badge.right, top: badge.top, bottom: badge.bottom });
      }
    });
  }

  // ---- the card: hover, caret, keyboard ---------------------------------------------------------

  let pointer = null;
  let pointerRequested = false;
  let closeTimer = null;

  function onPointerMove(event) {
    const win = event.view || topWin;
    const offset = ReplyLint.fields.frameOffset(win);
    pointer = { x: event.clientX + offset.x, y: event.clientY + offset.y, overUi: Boolean(ui) && win === topWin && ui.isInside(event) };
    if (pointerRequested) return;
    pointerRequested = true;
    topWin.requestAnimationFrame(handlePointer);
  }

  function handlePointer() {
    pointerRequested = false;
    if (!pointer || !ui) {
      if (pointer) findHover();
      return;
    }
    if (pointer.overUi) {
      clearTimeout(closeTimer);
      return;
    }
    findHover();
  }

  function findHover() {
    for (const controller of controllers.values()) {
      if (!controller.marks.length) continue;
      const box = controller.field.clipRect();
      if (pointer.x < box.left || pointer.x > box.right || pointer.y < box.top || pointer.y > box.bottom) continue;
      const hit = controller.markAtPoint(pointer.x, pointer.y);
      if (hit) {
        clearTimeout(closeTimer);
        openCard(controller, hit.mark, 'hover', hit.rect);
        return;
      }
    }
    if (ui && ui.cardOpen && ui.card.via === 'hover') {
      clearTimeout(closeTimer);
      closeTimer = topWin.setTimeout(() => {
        if (ui.card.via === 'hover') closeCard();
      }, 350);
    }
  }

  async function openCard(controller, mark, via, anchor) {
    const view = getUi();
    if (view.cardOpen && view.card.mark === mark && view.card.controller === controller) {
      if (via === 'focus') view.focusCard();
      return;
    }
    const rect = anchor || controller.rectsFor(mark)[0] || controller.field.boxRect();
    const index = labels || (await loadLabels()) || {};
    if (!controller.marks.includes(mark)) return;
    view.openCard(controller, mark, rect, { label: index[mark.label], rewrite: controller.features.rewrite }, via);
    controller.setActive(mark);
    if (via === 'focus') view.focusCard();
  }

  function closeCard() {
    if (!ui) return;
    const controller = ui.card.controller;
    ui.closeCard();
    if (controller) controller.setActive(null);
  }

  function checkCaret() {
    const controller = focusedController();
    if (!controller) return;
    const mark = controller.caretMark();
    if (mark) openCard(controller, mark, 'caret');
    else if (ui && ui.cardOpen && ui.card.via === 'caret') closeCard();
  }

  function onKeyDown(event) {
    if (event.key === 'Enter' && event.altKey) {
      const controller = focusedController();
      if (!controller) return;
      const mark = controller.caretMark() || (ui && ui.card.controller === controller ? ui.card.mark : null);
      if (!mark) return;
      event.preventDefault();
      event.stopPropagation();
      openCard(controller, mark, 'focus');
      return;
    }
    if (event.key === 'Tab' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      const controller = focusedController();
      if (controller && controller.nextPlaceholder()) {
        event.preventDefault();
        event.stopPropagation();
      }
      return;
    }
    if (event.key === 'Escape' && ui && (ui.cardOpen || !ui.panel.el.hidden)) {
      closeCard();
      ui.closePanel();
    }
  }

  function onKeyUp(event) {
    if (NAV_KEYS.has(event.key)) topWin.requestAnimationFrame(checkCaret);
  }

  function onMouseUp() {
    topWin.requestAnimationFrame(checkCaret);
  }

  function onMouseDown(event) {
    if (!ui) return;
    if (event.view === topWin && ui.isInside(event)) return;
    if (!ui.panel.el.hidden) ui.closePanel();
    if (ui.cardOpen && ui.card.via !== 'hover') closeCard();
  }

  async function onAction(action, controller, mark, index) {
    const view = getUi();
    switch (action) {
      case 'apply':
        controller.setActive(null);
        await controller.applySuggestion(mark, index);
        break;
      case 'dismiss':
        dismissed.add(spans.dismissKey(mark));
        closeCard();
        controller.applyReport();
        controller.field.focus();
        view.announce('Dismissed.');
        break;
      case 'disable-rule':
        closeCard();
        prefs = { ...prefs, disabledRules: [...prefs.disabledRules, mark.ruleId] };
        for (const each of controllers.values()) each.applyReport();
        await send({ type: MSG.DISABLE_RULE, ruleId: mark.ruleId });
        controller.field.focus();
        view.announce('Rule turned off. Turn it back on in replylint options.');
        break;
      case 'rewrite':
        await controller.startRewrite();
        break;
      case 'rewrite-apply':
        await controller.applyRewrite();
        break;
      case 'rewrite-cancel':
        view.closeRewrite();
        controller.pendingRewrite = null;
        controller.field.focus();
        break;
      case 'badge':
        if (!view.panel.el.hidden && view.panel.controller === controller) view.closePanel();
        else {
          closeCard();
          view.openPanel(controller);
        }
        break;
      case 'open-options':
        view.closePanel();
        await send({ type: MSG.OPEN_OPTIONS });
        break;
      case 'escape':
        closeCard();
        view.closePanel();
        view.closeRewrite();
        if (controller) controller.field.focus();
        break;
      default:
        break;
    }
  }

  // ---- preferences ------------------------------------------------------------------------------

  async function loadPrefs() {
    try {
      prefs = settings.contentPrefs(await chrome.storage.sync.get(null));
    } catch (err) {
      prefs = settings.contentPrefs({});
    }
  }

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'sync') return;
    loadPrefs().then(() => {
      for (const controller of controllers.values()) {
        controller.debouncer.setDelay(prefs.debounceMs);
        if (changes.serverUrl && controller.field.readText().trim()) {
          controller.reportText = null;
          controller.debouncer.schedule();
        } else if (controller.report) {
          controller.applyReport();
        } else if (FAILURE_STATES.has(controller.state)) {
          controller.debouncer.schedule();
        }
      }
      if (changes.serverUrl) labels = null;
    });
  });

  loadPrefs().then(() => attachDocument(document));
})();
