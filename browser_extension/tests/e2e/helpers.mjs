// Helpers for the e2e tests: the editor setups, reading what the extension drew, and reading
// each editor's own model through the editor's API.
import { until } from './harness.mjs';

const HTML_TO_TEXT = (html) => {
  const box = document.createElement('div');
  box.innerHTML = html;
  const blocks = [...box.querySelectorAll('p, div, li')];
  const text = blocks.length ? blocks.map((b) => b.textContent).join('\n') : box.textContent;
  return text.replace(/\u00a0/g, ' ');
};

async function frameOf(page, selector) {
  const handle = await page.waitForSelector(selector, { timeout: 20000 });
  const frame = await handle.contentFrame();
  await frame.waitForLoadState('load');
  return frame;
}

/** The editor setups every editing test runs against. */
export const EDITORS = [
  {
    name: 'textarea',
    page: 'textarea.html',
    overlay: true,
    frame: async (page) => page.mainFrame(),
    focus: (page) => page.click('#reply'),
    model: (page) => page.$eval('#reply', (el) => el.value),
    selection: (page) => page.$eval('#reply', (el) => el.value.slice(el.selectionStart, el.selectionEnd)),
  },
  {
    name: 'contenteditable',
    page: 'contenteditable.html',
    frame: async (page) => page.mainFrame(),
    focus: (page) => page.click('#reply'),
    model: (page) => page.$eval('#reply', (el) => el.innerText.replace(/\u00a0/g, ' ').replace(/\n$/, '')),
  },
  {
    name: 'Quill',
    page: 'quill.html',
    ready: (page) => page.waitForFunction(() => window.editorReady),
    frame: async (page) => page.mainFrame(),
    focus: (page) => page.click('.ql-editor'),
    model: (page) => page.evaluate(() => window.quill.getText().replace(/\n$/, '')),
    modelSelection: (page) => page.evaluate(() => {
      const range = window.quill.getSelection();
      return range ? window.quill.getText(range.index, range.length) : null;
    }),
  },
  {
    name: 'CKEditor 5',
    page: 'ckeditor.html',
    ready: (page) => page.waitForFunction(() => window.editorReady || window.editorError).then(async () => {
      const error = await page.evaluate(() => window.editorError);
      if (error) throw new Error(`CKEditor failed to start: ${error}`);
    }),
    frame: async (page) => page.mainFrame(),
    focus: (page) => page.click('.ck-editor__editable'),
    model: async (page) => page.evaluate(HTML_TO_TEXT, await page.evaluate(() => window.editor.getData())),
  },
  {
    name: 'TinyMCE (iframe)',
    page: 'tinymce.html?mode=iframe',
    ready: (page) => page.waitForFunction(() => window.editorReady || window.editorError),
    frame: (page) => frameOf(page, 'iframe.tox-edit-area__iframe'),
    focus: async (page) => (await frameOf(page, 'iframe.tox-edit-area__iframe')).click('body'),
    model: async (page) => page.evaluate(HTML_TO_TEXT, await page.evaluate(() => window.editor.getContent())),
  },
  {
    name: 'TinyMCE (inline)',
    page: 'tinymce.html?mode=inline',
    ready: (page) => page.waitForFunction(() => window.editorReady || window.editorError),
    frame: async (page) => page.mainFrame(),
    focus: (page) => page.click('#editor'),
    model: async (page) => page.evaluate(HTML_TO_TEXT, await page.evaluate(() => window.editor.getContent())),
  },
  {
    name: 'same-origin iframe',
    page: 'iframe.html',
    frame: (page) => frameOf(page, '#composer'),
    focus: async (page) => (await frameOf(page, '#composer')).click('#reply'),
    model: async (page) => (await frameOf(page, '#composer')).$eval('#reply', (el) => el.innerText.replace(/\u00a0/g, ' ').replace(/\n$/, '')),
  },
];

export function editorNamed(name) {
  return EDITORS.find((e) => e.name === name);
}

export async function openEditor(context, origin, editor) {
  const page = await context.newPage();
  await page.goto(`${origin}/pages/${editor.page}`);
  if (editor.ready) await editor.ready(page);
  await editor.focus(page);
  return page;
}

/** What the field's selection holds, read from the editor's document. */
export async function selectedText(page, editor) {
  if (editor.selection) return editor.selection(page);
  const frame = await editor.frame(page);
  return frame.evaluate(() => String(getSelection()));
}

async function frameOffset(page, frame) {
  if (frame === page.mainFrame()) return { x: 0, y: 0 };
  const element = await frame.frameElement();
  return element.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + el.clientLeft, y: r.top + el.clientTop };
  });
}

/**
 * Wait until the finding is underlined, and return its rectangles in page coordinates:
 * overlay marks (textarea) carry the finding's offsets; Highlight API ranges (contenteditable)
 * must slice the editor's DOM to exactly the finding's text.
 */
export async function waitForUnderline(page, editor, finding, { timeout = 20000 } = {}) {
  if (editor.overlay) {
    const handle = await page.waitForFunction(({ start, end }) => {
      const root = document.querySelector('replylint-ui');
      const marks = root ? [...root.shadowRoot.querySelectorAll(`.mark.kind-finding[data-start="${start}"][data-end="${end}"]`)] : [];
      if (!marks.length) return null;
      return marks.map((m) => {
        const r = m.getBoundingClientRect();
        return { left: r.left, top: r.top, width: r.width, height: r.height };
      });
    }, { start: finding.start_utf16, end: finding.end_utf16 }, { timeout });
    return handle.jsonValue();
  }
  const frame = await editor.frame(page);
  const handle = await frame.waitForFunction(({ name, text }) => {
    const highlight = CSS.highlights.get(name);
    if (!highlight) return null;
    for (const range of highlight) {
      if (range.toString() !== text) continue;
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (rects.length) return rects.map((r) => ({ left: r.left, top: r.top, width: r.width, height: r.height }));
    }
    return null;
  }, { name: `replylint-${finding.severity}`, text: finding.text }, { timeout });
  const rects = await handle.jsonValue();
  const offset = await frameOffset(page, frame);
  return rects.map((r) => ({ ...r, left: r.left + offset.x, top: r.top + offset.y }));
}

/** How many underlines the extension shows in this editor now. */
export async function underlineCount(page, editor) {
  if (editor.overlay) {
    return page.evaluate(() => {
      const root = document.querySelector('replylint-ui');
      return root ? root.shadowRoot.querySelectorAll('.mark.kind-finding').length : 0;
    });
  }
  const frame = await editor.frame(page);
  return frame.evaluate(() => ['replylint-error', 'replylint-warning', 'replylint-info'].reduce((n, name) => n + (CSS.highlights.get(name) ? CSS.highlights.get(name).size : 0), 0));
}

/** The character offsets under the left and right ends of each overlay rect (textarea). */
export async function textareaOffsetsUnder(page, rects) {
  return page.evaluate((list) => list.map((r) => {
    const y = r.top + r.height / 2;
    const at = (x) => {
      const pos = document.caretPositionFromPoint(x, y);
      return pos && pos.offsetNode.id === 'reply' ? pos.offset : null;
    };
    return [at(r.left + 2), at(r.left + r.width - 2)];
  }), rects);
}

export async function badge(page) {
  return page.evaluate(() => {
    const root = document.querySelector('replylint-ui');
    const node = root && root.shadowRoot.querySelector('.badge[data-visible="true"]');
    return node ? { state: node.dataset.state, text: node.textContent, label: node.getAttribute('aria-label') } : null;
  });
}

export async function waitForBadge(page, state, { timeout = 20000 } = {}) {
  return until(`the badge to say ${state}`, async () => {
    const b = await badge(page);
    return b && b.state === state ? b : null;
  }, { timeout });
}

/** Hover the middle of the first rect and wait for the card. */
export async function hoverAndOpenCard(page, rects) {
  const r = rects[0];
  await page.mouse.move(2, 2);
  await page.mouse.move(r.left + Math.min(r.width / 2, 30), r.top + r.height / 2, { steps: 3 });
  await page.waitForSelector('replylint-ui .card:not([hidden])', { timeout: 10000 });
  return cardContent(page);
}

export async function cardContent(page) {
  return page.evaluate(() => {
    const card = document.querySelector('replylint-ui').shadowRoot.querySelector('.card');
    return {
      hidden: card.hidden,
      role: card.getAttribute('role'),
      title: card.querySelector('h2').textContent,
      hears: (card.querySelector('.hears') || {}).textContent || '',
      message: card.querySelector('.message').textContent,
      actions: [...card.querySelectorAll('button[data-action]')].map((b) => b.dataset.action),
    };
  });
}

export async function clickCard(page, action) {
  await page.locator(`replylint-ui .card:not([hidden]) button[data-action="${action}"]`).first().click();
}

/** The first finding of the real API's report that has a suggestion. */
export function firstFixable(report) {
  const finding = report.findings.find((f) => f.suggestions && f.suggestions.length);
  if (!finding) throw new Error(`the API reported no fixable finding: ${JSON.stringify(report)}`);
  return finding;
}

export function applySuggestion(text, suggestion) {
  return text.slice(0, suggestion.start_utf16) + suggestion.replacement + text.slice(suggestion.end_utf16);
}

/** Text as editors' models report it, compared line by line (blank lines and spacing aside). */
export function sameLines(text) {
  return text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}

export async function waitForModel(page, editor, expected, { timeout = 10000 } = {}) {
  let last;
  try {
    return await until(`the ${editor.name} model to hold the expected text`, async () => {
      last = await editor.model(page);
      return last === expected || (expected.includes('\n') && sameLines(last) === sameLines(expected));
    }, { timeout });
  } catch (err) {
    throw new Error(`${err.message}\nexpected: ${JSON.stringify(expected)}\n  actual: ${JSON.stringify(last)}`);
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
