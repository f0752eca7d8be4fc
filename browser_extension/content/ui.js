/**
 * Everything the agent sees, drawn without touching the editor's DOM:
 * - underlines in contenteditable fields through the CSS Custom Highlight API (ranges registered
 *   in the field's own document, styled by a constructed stylesheet), or
 * - an overlay of marks in the top frame's shadow root (textareas always; contenteditable where
 *   the Highlight API is missing), positioned from a mirror of the textarea or from the ranges'
 *   client rects, and redrawn after scrolling, resizing and rewrapping;
 * - the badge, the card, the status panel and the rewrite diff, all in that shadow root in the
 *   top frame (a TinyMCE iframe's <body> is the editor, so nothing is attached inside it).
 */
/* global ReplyLint */
(function () {
  'use strict';

  const HIGHLIGHT_NAMES = {
    error: 'replylint-error',
    warning: 'replylint-warning',
    info: 'replylint-info',
    active: 'replylint-active',
    placeholder: 'replylint-placeholder',
  };

  const HIGHLIGHT_CSS = `
    ::highlight(replylint-error) { text-decoration: underline wavy #c5221f; text-decoration-thickness: 1.5px; text-decoration-skip-ink: none; }
    ::highlight(replylint-warning) { text-decoration: underline wavy #c26401; text-decoration-thickness: 1.5px; text-decoration-skip-ink: none; }
    ::highlight(replylint-info) { text-decoration: underline dotted #1a73e8; text-decoration-thickness: 2px; text-decoration-skip-ink: none; }
    ::highlight(replylint-active) { background-color: rgba(194, 100, 1, 0.16); }
    ::highlight(replylint-placeholder) { background-color: rgba(26, 115, 232, 0.18); }
  `;

  const UI_CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .layer { position: fixed; overflow: hidden; pointer-events: none; }
    .mark { position: absolute; pointer-events: none; }
    .mark.sev-error { background: linear-gradient(#c5221f, #c5221f) no-repeat left bottom / 100% 2px; }
    .mark.sev-warning { background: linear-gradient(#c26401, #c26401) no-repeat left bottom / 100% 2px; }
    .mark.sev-info { background: radial-gradient(circle, #1a73e8 1px, transparent 1.5px) repeat-x left bottom / 4px 3px; }
    .mark.kind-active { background-color: rgba(194, 100, 1, 0.16); }
    .mark.kind-placeholder { background: rgba(26, 115, 232, 0.18); }
    .badge {
      position: fixed; z-index: 1; pointer-events: auto; display: none; align-items: center; gap: 4px;
      min-width: 22px; height: 22px; padding: 0 7px; border-radius: 11px; border: 1px solid rgba(0,0,0,.15);
      font: 600 12px/20px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #fff; cursor: pointer;
      background: #5f6368; box-shadow: 0 1px 3px rgba(0,0,0,.25);
    }
    .badge[data-visible="true"] { display: inline-flex; }
    .badge:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
    .badge[data-state="pass"] { background: #188038; }
    .badge[data-state="warn"] { background: #c26401; }
    .badge[data-state="fail"] { background: #c5221f; }
    .badge[data-state="checking"] { background: #5f6368; }
    .badge[data-state="offline"], .badge[data-state="unauthorized"], .badge[data-state="not_configured"],
    .badge[data-state="busy"], .badge[data-state="too_long"], .badge[data-state="error"] { background: #f1f3f4; color: #3c4043; }
    .popup {
      position: fixed; z-index: 2; pointer-events: auto; width: 340px; max-width: calc(100vw - 16px);
      background: #fff; color: #202124; border: 1px solid #dadce0; border-radius: 8px;
      box-shadow: 0 4px 16px rgba(0,0,0,.2); padding: 12px 14px;
      font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    }
    .popup[hidden] { display: none; }
    .popup h2 { font-size: 14px; margin: 0 0 4px; display: flex; align-items: center; gap: 6px; }
    .popup p { margin: 4px 0; }
    .dot { width: 8px; height: 8px; border-radius: 50%; display: inline-block; background: #c26401; flex: none; }
    .dot.sev-error { background: #c5221f; } .dot.sev-info { background: #1a73e8; }
    .hears { color: #5f6368; }
    .hears q { color: #202124; font-style: italic; }
    .suggestion { border-top: 1px solid #eee; margin-top: 8px; padding-top: 8px; }
    .replacement { background: #e6f4ea; border-radius: 4px; padding: 4px 6px; }
    .desc { color: #5f6368; font-size: 12px; }
    .row { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
    button.action {
      font: 600 12px/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 6px 10px; border-radius: 4px;
      border: 1px solid #dadce0; background: #fff; color: #1a73e8; cursor: pointer;
    }
    button.action.primary { background: #1a73e8; border-color: #1a73e8; color: #fff; }
    button.action:hover { background: #f1f3f4; } button.action.primary:hover { background: #1765cc; }
    button.action:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
    .diff { max-height: 220px; overflow: auto; white-space: pre-wrap; border: 1px solid #eee; border-radius: 4px; padding: 6px; margin: 6px 0; }
    .diff del { background: #fce8e6; color: #a50e0e; }
    .diff ins { background: #e6f4ea; color: #0d652d; text-decoration: none; }
    .hint { color: #5f6368; font-size: 12px; }
    .error { color: #a50e0e; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .rewrite { width: 460px; }
  `;

  function el(doc, tag, props, children) {
    const node = doc.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key === 'hidden') node.hidden = true;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  /** Highlights of one document (ranges of every field in it), one Highlight per style. */
  class HighlightPainter {
    constructor(doc) {
      this.doc = doc;
      this.win = doc.defaultView;
      this.byField = new Map(); // fieldId -> [{kind, range}]
      this.highlights = {};
      for (const [kind, name] of Object.entries(HIGHLIGHT_NAMES)) {
        const highlight = new this.win.Highlight();
        highlight.priority = kind === 'active' || kind === 'placeholder' ? 1 : 0;
        this.highlights[kind] = highlight;
        this.win.CSS.highlights.set(name, highlight);
      }
      const sheet = new this.win.CSSStyleSheet();
      sheet.replaceSync(HIGHLIGHT_CSS);
      doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    }

    static supported(win) {
      return Boolean(win && win.CSS && win.CSS.highlights && win.Highlight && win.CSSStyleSheet && 'adoptedStyleSheets' in win.document);
    }

    /** Replace one field's ranges: items are {kind: severity | 'active' | 'placeholder', range}. */
    set(fieldId, items) {
      const old = this.byField.get(fieldId) || [];
      for (const item of old) this.highlights[item.kind] && this.highlights[item.kind].delete(item.range);
      this.byField.set(fieldId, items);
      for (const item of items) this.highlights[item.kind] && this.highlights[item.kind].add(item.range);
    }

    clear(fieldId) {
      this.set(fieldId, []);
      this.byField.delete(fieldId);
    }
  }

  const painters = new WeakMap();
  function painterFor(doc) {
    let painter = painters.get(doc);
    if (!painter) {
      painter = new HighlightPainter(doc);
      painters.set(doc, painter);
    }
    return painter;
  }

  const MIRROR_PROPS = [
    'direction', 'boxSizing', 'borderLeftWidth', 'borderRightWidth', 'borderTopWidth', 'borderBottomWidth',
    'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'fontStyle', 'fontVariant', 'fontWeight',
    'fontStretch', 'fontSize', 'fontSizeAdjust', 'lineHeight', 'fontFamily', 'fontFeatureSettings',
    'fontKerning', 'textAlign', 'textTransform', 'textIndent', 'letterSpacing', 'wordSpacing', 'tabSize',
    'whiteSpace', 'wordBreak', 'overflowWrap', 'textRendering', 'hyphens',
  ];

  class Ui {
    constructor(doc) {
      this.doc = doc;
      this.win = doc.defaultView;
      this.layers = new Map();
      this.card = { el: null, controller: null, mark: null, via: null };
      this.onAction = () => {};
      this.host = doc.createElement('replylint-ui');
      this.host.style.setProperty('position', 'fixed', 'important');
      this.host.style.setProperty('top', '0', 'important');
      this.host.style.setProperty('left', '0', 'important');
      this.host.style.setProperty('width', '0', 'important');
      this.host.style.setProperty('height', '0', 'important');
      this.host.style.setProperty('z-index', '2147483647', 'important');
      this.host.style.setProperty('display', 'block', 'important');
      this.shadow = this.host.attachShadow({ mode: 'open' });
      const sheet = new this.win.CSSStyleSheet();
      sheet.replaceSync(UI_CSS);
      this.shadow.adoptedStyleSheets = [sheet];
      this.live = el(doc, 'div', { className: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
      this.mirror = el(doc, 'div', { 'aria-hidden': 'true' });
      this.mirror.style.cssText = 'position:absolute;visibility:hidden;left:-100000px;top:0;height:auto;overflow:hidden;pointer-events:none;';
      this.shadow.append(this.live, this.mirror);
      this.buildCard();
      this.buildPanel();
      this.buildRewrite();
      doc.documentElement.appendChild(this.host);
    }

    isInside(event) {
      return event.composedPath().includes(this.host);
    }

    announce(text) {
      this.live.textContent = '';
      // A fresh text node is announced even when it repeats the last one.
      this.win.setTimeout(() => { this.live.textContent = text; }, 30);
    }

    // ---- layers: marks and badge of one field -------------------------------------------------

    layerFor(controller) {
      let layer = this.layers.get(controller.id);
      if (layer) return layer;
      const clip = el(this.doc, 'div', { className: 'layer', 'data-field': controller.id });
      const badge = el(this.doc, 'button', { className: 'badge', type: 'button', 'data-field': controller.id, 'data-state': 'idle', 'data-visible': 'false' });
      badge.addEventListener('mousedown', (event) => event.preventDefault());
      badge.addEventListener('click', () => this.onAction('badge', controller));
      this.shadow.append(clip, badge);
      layer = { clip, badge, marks: [] };
      this.layers.set(controller.id, layer);
      return layer;
    }

    removeLayer(controller) {
      const layer = this.layers.get(controller.id);
      if (!layer) return;
      layer.clip.remove();
      layer.badge.remove();
      this.layers.delete(controller.id);
      if (this.card.controller === controller) this.closeCard();
      if (this.panel.controller === controller) this.closePanel();
    }

    /** Overlay marks: items are {id, kind, severity, rects (top-window coordinates)}. */
    drawOverlay(controller, items) {
      const layer = this.layerFor(controller);
      const clipRect = controller.field.clipRect();
      const { clip } = layer;
      clip.style.left = `${clipRect.left}px`;
      clip.style.top = `${clipRect.top}px`;
      clip.style.width = `${Math.max(0, clipRect.width)}px`;
      clip.style.height = `${Math.max(0, clipRect.height)}px`;
      const nodes = [];
      for (const item of items) {
        for (const rect of item.rects) {
          const node = el(this.doc, 'div', {
            className: `mark sev-${item.severity || 'warning'} kind-${item.kind}`,
            'data-mark': item.id,
            'data-kind': item.kind,
            'data-start': item.start,
            'data-end': item.end,
          });
          node.style.left = `${rect.left - clipRect.left}px`;
          node.style.top = `${rect.top - clipRect.top}px`;
          node.style.width = `${rect.width}px`;
          node.style.height = `${rect.height}px`;
          nodes.push(node);
        }
      }
      clip.replaceChildren(...nodes);
    }

    clearOverlay(controller) {
      const layer = this.layers.get(controller.id);
      if (layer) layer.clip.replaceChildren();
    }

    updateBadge(controller, status) {
      const { badge } = this.layerFor(controller);
      badge.dataset.state = status.state;
      badge.dataset.visible = status.visible ? 'true' : 'false';
      badge.dataset.count = String(status.count || 0);
      badge.textContent = status.short;
      badge.setAttribute('aria-label', `replylint: ${status.label}. Open details.`);
      badge.title = `replylint: ${status.label}`;
      this.positionBadge(controller);
      if (this.panel.controller === controller && !this.panel.el.hidden) this.fillPanel(controller);
    }

    positionBadge(controller) {
      const layer = this.layers.get(controller.id);
      if (!layer || layer.badge.dataset.visible !== 'true') return;
      const rect = controller.field.clipRect();
      const width = layer.badge.offsetWidth || 24;
      const height = layer.badge.offsetHeight || 22;
      const inView = rect.bottom > 0 && rect.top < this.win.innerHeight && rect.right > 0 && rect.left < this.win.innerWidth;
      layer.badge.style.visibility = inView ? 'visible' : 'hidden';
      layer.badge.style.left = `${Math.round(rect.right - width - 6)}px`;
      layer.badge.style.top = `${Math.round(rect.bottom - height - 6)}px`;
    }

    // ---- textarea geometry ---------------------------------------------------------------------

    /** Client rects (top-window coordinates) of each span of a textarea's text, via a mirror. */
    measureTextarea(field, text, spans) {
      const area = field.el;
      const style = field.win.getComputedStyle(area);
      const mirror = this.mirror;
      for (const prop of MIRROR_PROPS) mirror.style[prop] = style[prop];
      mirror.style.boxSizing = 'border-box';
      mirror.style.borderStyle = 'solid';
      mirror.style.borderColor = 'transparent';
      mirror.style.borderWidth = '0';
      mirror.style.width = `${area.clientWidth}px`;
      if (style.whiteSpace === 'normal' || style.whiteSpace === 'nowrap') mirror.style.whiteSpace = 'pre-wrap';
      if (mirror.textContent !== text) mirror.textContent = text;
      const node = mirror.firstChild;
      const origin = mirror.getBoundingClientRect();
      const clip = field.clipRect();
      const out = [];
      for (const span of spans) {
        if (!node || span.end > text.length) { out.push([]); continue; }
        const range = this.doc.createRange();
        range.setStart(node, span.start);
        range.setEnd(node, span.end);
        const rects = [];
        for (const r of range.getClientRects()) {
          if (r.width < 0.5) continue;
          const left = clip.left + (r.left - origin.left) - area.scrollLeft;
          const top = clip.top + (r.top - origin.top) - area.scrollTop;
          rects.push({ left, top, width: r.width, height: r.height, right: left + r.width, bottom: top + r.height });
        }
        out.push(rects);
      }
      return out;
    }

    // ---- the card ------------------------------------------------------------------------------

    buildCard() {
      const card = el(this.doc, 'div', { className: 'popup card', role: 'dialog', 'aria-modal': 'false', hidden: true, 'data-replylint': 'card' });
      // Clicking the card's text keeps the caret where it is; a button takes the focus, as any
      // button does (editors end their typing undo step on blur, so a fix is its own step).
      card.addEventListener('mousedown', (event) => {
        if (!event.composedPath().some((node) => node.tagName === 'BUTTON')) event.preventDefault();
      });
      card.addEventListener('keydown', (event) => this.onPopupKey(event));
      this.shadow.append(card);
      this.card.el = card;
    }

    /**
     * Open the card for `mark` next to `anchor` (a top-window rect). `info` carries the label
     * ({name, customerHears}) and whether the whole-draft rewrite is available.
     */
    openCard(controller, mark, anchor, info, via) {
      const card = this.card.el;
      const doc = this.doc;
      const titleId = 'rl-card-title';
      const bodyId = 'rl-card-body';
      const label = info.label || { name: mark.label.replace(/_/g, ' '), customerHears: '' };
      const children = [
        el(doc, 'h2', { id: titleId }, [el(doc, 'span', { className: `dot sev-${mark.severity}`, 'aria-hidden': 'true' }), doc.createTextNode(label.name)]),
      ];
      if (label.customerHears) {
        children.push(el(doc, 'p', { className: 'hears' }, [doc.createTextNode('The customer hears: '), el(doc, 'q', { text: label.customerHears.replace(/^["“]|["”.]+$/g, '') })]));
      }
      children.push(el(doc, 'p', { id: bodyId, className: 'message', text: mark.message }));
      mark.suggestions.forEach((suggestion, index) => {
        children.push(
          el(doc, 'div', { className: 'suggestion' }, [
            el(doc, 'div', { className: 'replacement', text: suggestion.replacement || '(remove)' }),
            suggestion.description ? el(doc, 'div', { className: 'desc', text: suggestion.description }) : null,
            el(doc, 'div', { className: 'row' }, [
              el(doc, 'button', { type: 'button', className: 'action primary', 'data-action': 'apply', 'data-index': index, text: mark.suggestions.length > 1 ? `Apply ${index + 1}` : 'Apply' }),
            ]),
          ]),
        );
      });
      const actions = el(doc, 'div', { className: 'row' }, [
        el(doc, 'button', { type: 'button', className: 'action', 'data-action': 'dismiss', text: 'Dismiss' }),
        el(doc, 'button', { type: 'button', className: 'action', 'data-action': 'disable-rule', text: 'Turn off this rule' }),
        info.rewrite ? el(doc, 'button', { type: 'button', className: 'action', 'data-action': 'rewrite', text: 'Rewrite whole reply' }) : null,
      ]);
      children.push(actions);
      children.push(el(doc, 'p', { className: 'hint', text: via === 'focus' ? 'Esc returns to the reply.' : 'Alt+Enter from the reply box opens these actions.' }));
      card.replaceChildren(...children);
      card.setAttribute('aria-labelledby', titleId);
      card.setAttribute('aria-describedby', bodyId);
      card.dataset.mark = mark.id;
      card.dataset.field = controller.id;
      for (const button of card.querySelectorAll('button[data-action]')) {
        button.addEventListener('click', () => {
          const index = button.dataset.index !== undefined ? Number(button.dataset.index) : undefined;
          this.onAction(button.dataset.action, controller, mark, index);
        });
      }
      card.hidden = false;
      this.card.controller = controller;
      this.card.mark = mark;
      this.card.via = via;
      this.placePopup(card, anchor);
      if (via !== 'hover') {
        this.announce(`replylint: ${label.name}. ${label.customerHears ? `The customer hears: ${label.customerHears} ` : ''}${mark.message} Press Alt+Enter for actions.`);
      }
    }

    placePopup(popup, anchor) {
      const width = popup.offsetWidth || 340;
      const height = popup.offsetHeight || 160;
      let left = Math.min(anchor.left, this.win.innerWidth - width - 8);
      left = Math.max(8, left);
      let top = anchor.bottom + 6;
      if (top + height > this.win.innerHeight - 8 && anchor.top - height - 6 > 8) top = anchor.top - height - 6;
      popup.style.left = `${Math.round(left)}px`;
      popup.style.top = `${Math.round(Math.max(8, top))}px`;
    }

    closeCard() {
      this.card.el.hidden = true;
      this.card.controller = null;
      this.card.mark = null;
      this.card.via = null;
    }

    get cardOpen() {
      return !this.card.el.hidden;
    }

    focusCard() {
      const first = this.card.el.querySelector('button');
      if (first) {
        this.card.via = 'focus';
        first.focus();
      }
    }

    onPopupKey(event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.onAction('escape', this.card.controller || this.panel.controller || this.rewrite.controller);
      }
    }

    // ---- the badge's panel: state, why, where to fix it -----------------------------------------

    buildPanel() {
      const panel = el(this.doc, 'div', { className: 'popup panel', role: 'dialog', 'aria-modal': 'false', 'aria-label': 'replylint status', hidden: true, 'data-replylint': 'panel' });
      panel.addEventListener('keydown', (event) => this.onPopupKey(event));
      this.shadow.append(panel);
      this.panel = { el: panel, controller: null };
    }

    openPanel(controller) {
      this.panel.controller = controller;
      this.fillPanel(controller);
      this.panel.el.hidden = false;
      const badge = this.layerFor(controller).badge.getBoundingClientRect();
      this.placePopup(this.panel.el, { left: badge.right - 340, right: badge.right, top: badge.top, bottom: badge.bottom });
      const first = this.panel.el.querySelector('button');
      if (first) first.focus();
    }

    fillPanel(controller) {
      const doc = this.doc;
      const status = controller.status();
      const children = [
        el(doc, 'h2', { text: `replylint: ${status.label}` }),
        el(doc, 'p', { className: 'state', 'data-state': status.state, text: status.message }),
      ];
      if (status.action) children.push(el(doc, 'p', { className: 'hint', text: status.action }));
      const row = el(doc, 'div', { className: 'row' });
      if (status.rewrite) row.append(el(doc, 'button', { type: 'button', className: 'action primary', 'data-action': 'rewrite', text: 'Rewrite whole reply' }));
      row.append(el(doc, 'button', { type: 'button', className: 'action', 'data-action': 'open-options', text: 'Open replylint options' }));
      children.push(row);
      this.panel.el.replaceChildren(...children);
      for (const button of this.panel.el.querySelectorAll('button[data-action]')) {
        button.addEventListener('click', () => this.onAction(button.dataset.action, controller));
      }
    }

    closePanel() {
      this.panel.el.hidden = true;
      this.panel.controller = null;
    }

    // ---- the whole-draft rewrite as a diff ----------------------------------------------------

    buildRewrite() {
      const panel = el(this.doc, 'div', { className: 'popup rewrite', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'rl-rewrite-title', hidden: true, 'data-replylint': 'rewrite' });
      panel.addEventListener('keydown', (event) => this.onPopupKey(event));
      panel.addEventListener('mousedown', (event) => {
        if (!event.composedPath().some((node) => node.tagName === 'BUTTON' || (node.classList && node.classList.contains('diff')))) event.preventDefault();
      });
      this.shadow.append(panel);
      this.rewrite = { el: panel, controller: null };
    }

    /** Show `segments` ({kind, text}) with Apply/Cancel; `note` replaces the diff (loading, errors). */
    openRewrite(controller, segments, note) {
      const doc = this.doc;
      const panel = this.rewrite.el;
      this.rewrite.controller = controller;
      const children = [el(doc, 'h2', { id: 'rl-rewrite-title', text: 'Rewrite whole reply' })];
      if (note) {
        children.push(el(doc, 'p', { className: note.error ? 'error' : 'hint', role: note.error ? 'alert' : null, text: note.text }));
      } else {
        const diff = el(doc, 'div', { className: 'diff', tabindex: '0', 'aria-label': 'Proposed changes' });
        for (const segment of segments) {
          if (segment.kind === 'same') diff.append(doc.createTextNode(segment.text));
          else {
            const tag = segment.kind === 'del' ? 'del' : 'ins';
            diff.append(el(doc, tag, { title: segment.reason || null }, [el(doc, 'span', { className: 'sr-only', text: segment.kind === 'del' ? ' removed: ' : ' added: ' }), doc.createTextNode(segment.text)]));
          }
        }
        children.push(diff);
        children.push(el(doc, 'p', { className: 'hint', text: 'Applying replaces the changed parts in one step and selects the first [placeholder] for you to fill.' }));
      }
      const row = el(doc, 'div', { className: 'row' }, [
        note ? null : el(doc, 'button', { type: 'button', className: 'action primary', 'data-action': 'rewrite-apply', text: 'Apply rewrite' }),
        el(doc, 'button', { type: 'button', className: 'action', 'data-action': 'rewrite-cancel', text: note && note.error ? 'Close' : 'Cancel' }),
      ]);
      children.push(row);
      panel.replaceChildren(...children);
      for (const button of panel.querySelectorAll('button[data-action]')) {
        button.addEventListener('click', () => this.onAction(button.dataset.action, controller));
      }
      panel.hidden = false;
      const box = controller.field.boxRect();
      this.placePopup(panel, { left: box.left, right: box.right, top: box.top, bottom: Math.min(box.bottom, this.win.innerHeight - 200) });
      const first = panel.querySelector('button.primary') || panel.querySelector('button');
      if (first) first.focus();
    }

    closeRewrite() {
      this.rewrite.el.hidden = true;
      this.rewrite.controller = null;
    }

    destroy() {
      this.host.remove();
    }
  }

  ReplyLint.ui = { Ui, HighlightPainter, painterFor, HIGHLIGHT_NAMES };
})();
