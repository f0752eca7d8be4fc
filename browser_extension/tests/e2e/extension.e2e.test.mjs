// End to end: the extension loaded unpacked in Debian's Chromium (headless), real editors from
// npm served from 127.0.0.1, and the real replylint API started here on a free port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import {
  EDITORS, editorNamed, openEditor, selectedText, waitForUnderline, underlineCount, textareaOffsetsUnder,
  badge, waitForBadge, hoverAndOpenCard, cardContent, clickCard, firstFixable, applySuggestion, waitForModel, median,
} from './helpers.mjs';

const DRAFT = 'Hi Ana, thanks for the photos. As I already explained, the refund takes five days.';
// Several paragraphs, an empty line and a line break: what editors disagree about most.
const LETTER = 'Hi Ana,\n\nThanks for the photos. As I already explained, the refund takes five days.\n\nBest,\nTom';
const SCREENSHOT = path.join(h.REPO_ROOT, 'docs', 'img', 'extension-card.png');

let pages;
let api;
let ext;
let browser;
let deadUrl;
let labels;

before(async () => {
  pages = await h.startPages();
  const apiPort = await h.freePort();
  deadUrl = `http://127.0.0.1:${await h.freePort()}`; // nothing listens there: "the server is down"
  ext = h.prepareExtension([pages.origin, `http://127.0.0.1:${apiPort}`, deadUrl]);
  [api, browser] = await Promise.all([h.startApi({ port: apiPort, extensionId: ext.id }), h.launchBrowser(ext.dir)]);
  assert.equal(browser.id, ext.id);
  // Configure through the options page, as an agent would.
  await h.saveServer(browser, { serverUrl: api.url, apiKey: api.apiKey });
  await h.addSite(browser, pages.origin);
  const res = await fetch(`${api.url}/v1/labels`, { headers: { Authorization: `Bearer ${api.apiKey}` } });
  labels = Object.fromEntries((await res.json()).labels.map((l) => [l.id, l]));
}, { timeout: 180000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (api) await api.stop().catch(() => {});
  if (pages) await pages.close().catch(() => {});
  if (ext) ext.cleanup();
});

async function withPage(editor, fn) {
  const page = await openEditor(browser.context, pages.origin, editor);
  // Only the service worker talks to the server: the page (and the content script in it) never does.
  const fromPage = [];
  page.on('request', (request) => {
    if (request.url().startsWith(api.url) || request.url().startsWith(deadUrl)) fromPage.push(request.url());
  });
  try {
    const result = await fn(page);
    assert.deepEqual(fromPage, [], 'requests to the API from the page');
    return result;
  } finally {
    await page.close();
  }
}

describe('typing, underlines, card and Apply in every editor', () => {
  for (const editor of EDITORS) {
    it(`${editor.name}: underline at the finding, card, Apply through the editor, undo`, { timeout: 90000 }, async () => {
      const report = await api.lint(LETTER);
      const finding = firstFixable(report);
      const suggestion = finding.suggestions[0];
      const fixed = applySuggestion(LETTER, suggestion);

      await withPage(editor, async (page) => {
        await page.keyboard.type(LETTER);
        const rects = await waitForUnderline(page, editor, finding);
        if (editor.overlay) {
          const [[left]] = await textareaOffsetsUnder(page, rects);
          assert.ok(Math.abs(left - finding.start_utf16) <= 1, `the overlay mark starts at the finding (${left} vs ${finding.start_utf16})`);
        }
        const b = await waitForBadge(page, report.verdict === 'fail' ? 'fail' : 'warn');
        assert.equal(b.text, String(report.findings.length));

        const card = await hoverAndOpenCard(page, rects);
        assert.equal(card.role, 'dialog');
        assert.equal(card.title, labels[finding.label].name);
        assert.match(card.hears, /The customer hears/);
        assert.equal(card.message, finding.message);
        assert.ok(card.actions.includes('apply') && card.actions.includes('dismiss') && card.actions.includes('disable-rule'));

        if (editor.name === 'Quill') await screenshotCard(page);

        await clickCard(page, 'apply');
        await waitForModel(page, editor, fixed);
        if (suggestion.placeholders.length) {
          assert.equal(await selectedText(page, editor), suggestion.placeholders[0], 'the first placeholder is selected for the agent to fill');
          if (editor.modelSelection) assert.equal(await editor.modelSelection(page), suggestion.placeholders[0], "the editor's own selection agrees");
        }

        // One Ctrl+Z in the editor's own history takes back exactly the fix.
        await page.keyboard.press('Control+Z');
        await waitForModel(page, editor, LETTER);
      });
    });
  }
});


const { until } = h;

/** Run `fn` in the options page (an extension page: it may use chrome.* APIs). */
async function inOptions(fn, arg) {
  const page = await h.openOptions(browser);
  try {
    return await page.evaluate(fn, arg);
  } finally {
    await page.close();
  }
}

async function resetPreferences() {
  await inOptions(() => chrome.storage.sync.set({ disabledRules: [], labels: null, debounceMs: 500 }));
}

describe('keyboard and screen readers', () => {
  it('caret in an underline announces the card; Alt+Enter focuses it; Enter applies; typing fills the placeholder', { timeout: 90000 }, async () => {
    const editor = editorNamed('contenteditable');
    const report = await api.lint(DRAFT);
    const finding = firstFixable(report);
    const suggestion = finding.suggestions[0];
    await withPage(editor, async (page) => {
      await page.keyboard.type(DRAFT);
      await waitForUnderline(page, editor, finding);
      await page.mouse.move(1, 1);
      await page.keyboard.press('Control+Home');
      for (let i = 0; i < finding.start_utf16 + 2; i += 1) await page.keyboard.press('ArrowRight');
      await page.waitForSelector('replylint-ui .card:not([hidden])', { timeout: 10000 });
      const announced = await until('the live region to announce the card', () => page.evaluate(() => {
        const live = document.querySelector('replylint-ui').shadowRoot.querySelector('[role="status"][aria-live="polite"]');
        return live && live.textContent;
      }));
      assert.match(announced, new RegExp(labels[finding.label].name));
      assert.match(announced, /The customer hears/);
      assert.match(announced, /Alt\+Enter/);
      const card = await cardContent(page);
      assert.equal(card.role, 'dialog');

      await page.keyboard.press('Alt+Enter');
      const focused = await until('focus to move into the card', () => page.evaluate(() => {
        const active = document.querySelector('replylint-ui').shadowRoot.activeElement;
        return active && active.dataset.action;
      }));
      assert.equal(focused, 'apply');
      await page.keyboard.press('Enter');
      await waitForModel(page, editor, applySuggestion(DRAFT, suggestion));
      if (suggestion.placeholders.length) {
        assert.equal(await selectedText(page, editor), suggestion.placeholders[0]);
        await page.keyboard.type('the refund takes five days');
        const filled = applySuggestion(DRAFT, { ...suggestion, replacement: suggestion.replacement.replace(suggestion.placeholders[0], 'the refund takes five days') });
        await waitForModel(page, editor, filled);
      }
    });
  });

  it('Tab with a placeholder selected moves to the next placeholder', { timeout: 60000 }, async () => {
    const editor = editorNamed('textarea');
    const text = 'Hi Ana. This mailbox is not monitored.';
    const report = await api.lint(text);
    const finding = report.findings.find((f) => f.suggestions.some((s) => s.placeholders.length >= 2));
    assert.ok(finding, `need a suggestion with two placeholders: ${JSON.stringify(report.findings)}`);
    const index = finding.suggestions.findIndex((s) => s.placeholders.length >= 2);
    const suggestion = finding.suggestions[index];
    await withPage(editor, async (page) => {
      await page.keyboard.type(text);
      await hoverAndOpenCard(page, await waitForUnderline(page, editor, finding));
      await page.locator('replylint-ui .card:not([hidden]) button[data-action="apply"]').nth(index).click();
      await waitForModel(page, editor, applySuggestion(text, suggestion));
      assert.equal(await selectedText(page, editor), suggestion.placeholders[0]);
      await page.keyboard.press('Tab');
      assert.equal(await selectedText(page, editor), suggestion.placeholders[1]);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'reply', 'Tab stayed in the reply box');
    });
  });

  it('Escape closes the card and returns to the reply', { timeout: 60000 }, async () => {
    const editor = editorNamed('textarea');
    const finding = firstFixable(await api.lint(DRAFT));
    await withPage(editor, async (page) => {
      await page.keyboard.type(DRAFT);
      const rects = await waitForUnderline(page, editor, finding);
      await hoverAndOpenCard(page, rects);
      await page.keyboard.press('Escape');
      await page.waitForSelector('replylint-ui .card[hidden]', { state: 'attached', timeout: 5000 });
      assert.equal(await page.evaluate(() => document.activeElement.id), 'reply');
    });
  });
});

describe('dismiss and turn off a rule', () => {
  it('Dismiss hides one occurrence; Turn off this rule hides the rule until it is turned back on in options', { timeout: 90000 }, async () => {
    const editor = editorNamed('textarea');
    const text = 'Hi Ana. As I already explained, the refund takes five days. This mailbox is not monitored.';
    const report = await api.lint(text);
    const rules = [...new Set(report.findings.map((f) => f.rule_id))];
    assert.ok(rules.length >= 2, `need two rules in ${JSON.stringify(report.findings.map((f) => f.rule_id))}`);
    const [first, second] = rules.map((rule) => report.findings.find((f) => f.rule_id === rule));
    try {
      await withPage(editor, async (page) => {
        await page.keyboard.type(text);
        const firstRects = await waitForUnderline(page, editor, first);
        await waitForUnderline(page, editor, second);
        const before = await underlineCount(page, editor);

        await hoverAndOpenCard(page, firstRects);
        await clickCard(page, 'dismiss');
        await until('the dismissed underline to go', async () => (await underlineCount(page, editor)) === before - 1);
        assert.equal((await badge(page)).text, String(report.findings.length - 1));

        // The dismissal holds for that occurrence when the draft is checked again.
        const lints = () => page.evaluate(() => performance.getEntriesByName('replylint:underlines').length);
        const checked = await lints();
        await page.keyboard.type(' Thanks!');
        await until('the draft to be checked again', async () => (await lints()) > checked);
        const secondRects = await waitForUnderline(page, editor, second);
        assert.equal(await underlineCount(page, editor), before - 1);

        await hoverAndOpenCard(page, secondRects);
        await clickCard(page, 'disable-rule');
        const remaining = report.findings.filter((f) => f.rule_id !== second.rule_id && f !== first).length;
        await until('the rule to be turned off', async () => (await underlineCount(page, editor)) === remaining);
      });
      const options = await h.openOptions(browser);
      try {
        await options.waitForSelector(`#disabled-rules button[aria-label="Turn ${second.rule_id} back on"]`);
        await options.click(`#disabled-rules button[aria-label="Turn ${second.rule_id} back on"]`);
        await options.waitForFunction(() => /is on again/.test(document.getElementById('checking-status').textContent));
        assert.deepEqual(await options.evaluate(() => chrome.storage.sync.get('disabledRules')), { disabledRules: [] });
      } finally {
        await options.close();
      }
    } finally {
      await resetPreferences();
    }
  });
});

describe('where it runs', () => {
  it('skips data-replylint="off" and data-gramm="false" fields', { timeout: 60000 }, async () => {
    const editor = editorNamed('textarea');
    const finding = firstFixable(await api.lint(DRAFT));
    await withPage(editor, async (page) => {
      await page.click('#note');
      await page.keyboard.type(DRAFT);
      await page.click('#private');
      await page.keyboard.type(DRAFT);
      await page.click('#reply');
      await page.keyboard.type(DRAFT);
      await waitForUnderline(page, editor, finding); // the control: the reply box is checked
      const seen = await page.evaluate(() => {
        const root = document.querySelector('replylint-ui').shadowRoot;
        const ranges = ['replylint-error', 'replylint-warning', 'replylint-info'].flatMap((n) => (CSS.highlights.get(n) ? [...CSS.highlights.get(n)] : []));
        return { layers: root.querySelectorAll('.layer').length, badges: root.querySelectorAll('.badge').length, ranges: ranges.length };
      });
      assert.deepEqual(seen, { layers: 1, badges: 1, ranges: 0 });
    });
  });

  it('runs only on enabled sites: not on another host of the same server', { timeout: 60000 }, async () => {
    const registered = await inOptions(() => chrome.scripting.getRegisteredContentScripts());
    assert.equal(registered.length, 1);
    assert.ok(registered[0].matches.includes(`${pages.origin}/*`));
    assert.ok(!registered[0].matches.some((m) => m.includes('localhost')));
    assert.equal(registered[0].allFrames, false);
    const page = await browser.context.newPage();
    try {
      await page.goto(`http://localhost:${pages.port}/pages/textarea.html`);
      await page.click('#reply');
      await page.keyboard.type(DRAFT);
      // Negative check: give a debounce and a lint their time (bounded), then look.
      await page.waitForTimeout(2000);
      assert.equal(await page.evaluate(() => document.querySelector('replylint-ui')), null);
    } finally {
      await page.close();
    }
  });
});

describe('underlines stay on the right characters', () => {
  const line = (i) => `Line ${i}: olá José, naïve café ☕ 👋🏽 — ok.`;
  const BEFORE = Array.from({ length: 8 }, (_, i) => line(i + 1)).join('\n');
  const AFTER = Array.from({ length: 8 }, (_, i) => line(i + 10)).join('\n');
  const PHRASE = 'As I already explained, the refund takes five days.';
  const LONG = `${BEFORE}\n${PHRASE}\n${AFTER}`;

  /** Scroll the textarea so the mark sits `from` px below the textarea's top edge. */
  async function scrollMarkTo(page, finding, from) {
    const top = (await waitForUnderline(page, editorNamed('textarea'), finding))[0].top;
    await page.evaluate(({ top: markTopNow, from: offset }) => {
      const el = document.getElementById('reply');
      el.scrollTop += markTopNow - (el.getBoundingClientRect().top + offset);
    }, { top, from });
  }

  /** Wait until the mark is fully in view, then check the characters under its ends. */
  async function checkOffsets(page, finding) {
    const editor = editorNamed('textarea');
    const visible = await until('the underline to be in view', async () => {
      const rects = await waitForUnderline(page, editor, finding);
      const inView = await page.evaluate((list) => {
        const r = document.getElementById('reply').getBoundingClientRect();
        return list.filter((m) => m.top >= r.top && m.top + m.height <= r.bottom && m.left >= r.left && m.left + m.width <= r.right);
      }, rects);
      return inView.length ? inView : null;
    });
    const offsets = (await textareaOffsetsUnder(page, visible)).flat();
    for (const offset of offsets) {
      assert.ok(offset !== null && offset >= finding.start_utf16 && offset <= finding.end_utf16, `offset ${offset} under the mark is outside [${finding.start_utf16}, ${finding.end_utf16}]`);
    }
    return visible;
  }

  const markTop = async (page, finding) => (await waitForUnderline(page, editorNamed('textarea'), finding))[0].top;

  it('textarea: emoji and accents before the finding (UTF-16 offsets), after scrolling, resizing and rewrapping', { timeout: 90000 }, async () => {
    const editor = editorNamed('textarea');
    const report = await api.lint(LONG);
    const finding = report.findings.find((f) => f.text.startsWith('As I already explained'));
    assert.ok(finding, JSON.stringify(report.findings));
    assert.notEqual(finding.start, finding.start_utf16, 'the draft has characters outside the BMP before the finding');
    await withPage(editor, async (page) => {
      await page.keyboard.insertText(`${BEFORE}\n`);
      await page.keyboard.type(PHRASE);
      await page.keyboard.insertText(`\n${AFTER}`);
      await waitForUnderline(page, editor, finding);
      await scrollMarkTo(page, finding, 70);
      const [placed] = await checkOffsets(page, finding);

      // Scroll the textarea: the mark moves with the text.
      await page.evaluate(() => { document.getElementById('reply').scrollTop -= 30; });
      await until('the mark to follow the textarea scroll', async () => Math.abs((await markTop(page, finding)) - (placed.top + 30)) < 2);
      await checkOffsets(page, finding);

      // Scroll the page: the mark moves with the textarea.
      const before = await markTop(page, finding);
      await page.evaluate(() => { document.body.style.height = '3000px'; window.scrollTo(0, 40); });
      await until('the mark to follow the page scroll', async () => Math.abs((await markTop(page, finding)) - (before - 40)) < 2);
      await checkOffsets(page, finding);

      // Narrow the textarea: the text rewraps, and the mark with it.
      const unwrapped = await markTop(page, finding);
      await page.evaluate(() => { document.getElementById('reply').style.width = '140px'; });
      await until('the mark to follow the rewrap', async () => Math.abs((await markTop(page, finding)) - unwrapped) > 20);
      await scrollMarkTo(page, finding, 30);
      const wrapped = await checkOffsets(page, finding);
      assert.ok(wrapped.length > 1, 'the finding now wraps over two lines, one mark per line');
    });
  });

  it('contenteditable: emoji and accents before the finding', { timeout: 60000 }, async () => {
    const editor = editorNamed('contenteditable');
    const text = 'Olá José 👋🏽, naïve café ☕. As I already explained, the refund takes five days.';
    const report = await api.lint(text);
    const finding = report.findings.find((f) => f.text.startsWith('As I already explained'));
    assert.notEqual(finding.start, finding.start_utf16);
    await withPage(editor, async (page) => {
      await page.keyboard.type(text);
      await waitForUnderline(page, editor, finding); // the range slices the DOM to exactly the finding's text
    });
  });
});

describe('what the API skips stays unmarked', () => {
  it('quoted customer text and the signature are sent whole and handled as the API handles them', { timeout: 60000 }, async () => {
    const editor = editorNamed('textarea');
    const text = 'Hi Ana, as I already explained, the refund takes five days.\n\nOn Monday, Ana wrote:\n> This mailbox is not monitored, you said. As I already explained, I want my money.\n\n--\nTom\nThis mailbox is not monitored.';
    const report = await api.lint(text);
    assert.ok(report.findings.length >= 1);
    assert.ok(report.findings.every((f) => f.end_utf16 <= text.indexOf('On Monday')), 'the API marks nothing in the quote or the signature');
    await withPage(editor, async (page) => {
      await page.keyboard.insertText(text);
      for (const finding of report.findings) await waitForUnderline(page, editor, finding);
      assert.equal(await page.evaluate(() => {
        const root = document.querySelector('replylint-ui').shadowRoot;
        return new Set([...root.querySelectorAll('.mark.kind-finding')].map((m) => m.dataset.start)).size;
      }), report.findings.length);
    });
  });
});

describe('the overlay, where the Highlight API is not used', () => {
  for (const name of ['contenteditable', 'TinyMCE (iframe)']) {
    it(`${name}: overlay marks in the shadow root sit on the finding's text`, { timeout: 60000 }, async () => {
      const editor = editorNamed(name);
      const finding = firstFixable(await api.lint(DRAFT));
      await inOptions(() => chrome.storage.sync.set({ forceOverlay: true }));
      try {
        await withPage(editor, async (page) => {
          await page.keyboard.type(DRAFT);
          const marks = await waitForUnderline(page, { ...editor, overlay: true }, finding);
          const frame = await editor.frame(page);
          const expected = await frame.evaluate((phrase) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const at = node.data.replace(/\u00a0/g, ' ').indexOf(phrase);
              if (at === -1) continue;
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + phrase.length);
              return [...range.getClientRects()].filter((r) => r.width > 0).map((r) => ({ left: r.left, top: r.top, width: r.width, height: r.height }));
            }
            return null;
          }, finding.text);
          assert.ok(expected, 'the phrase is in the editor');
          let offset = { x: 0, y: 0 };
          if (frame !== page.mainFrame()) {
            offset = await (await frame.frameElement()).evaluate((el) => {
              const r = el.getBoundingClientRect();
              return { x: r.left + el.clientLeft, y: r.top + el.clientTop };
            });
          }
          assert.equal(marks.length, expected.length);
          marks.forEach((mark, i) => {
            assert.ok(Math.abs(mark.left - (expected[i].left + offset.x)) < 1.5, `left ${mark.left} vs ${expected[i].left + offset.x}`);
            assert.ok(Math.abs(mark.top - (expected[i].top + offset.y)) < 1.5, `top ${mark.top} vs ${expected[i].top + offset.y}`);
            assert.ok(Math.abs(mark.width - expected[i].width) < 1.5, `width ${mark.width} vs ${expected[i].width}`);
          });
          const frameHighlights = await frame.evaluate(() => ['replylint-warning', 'replylint-error'].reduce((n, k) => n + (CSS.highlights.get(k) ? CSS.highlights.get(k).size : 0), 0));
          assert.equal(frameHighlights, 0, 'nothing drawn through the Highlight API in overlay mode');
        });
      } finally {
        await inOptions(() => chrome.storage.sync.remove('forceOverlay'));
      }
    });
  }
});

describe('failure is quiet and honest', () => {
  it('API down: typing is never blocked, old underlines are cleared, the badge says offline and links to options', { timeout: 90000 }, async () => {
    const editor = editorNamed('textarea');
    const finding = firstFixable(await api.lint(DRAFT));
    try {
      await withPage(editor, async (page) => {
        await page.keyboard.type(DRAFT);
        await waitForUnderline(page, editor, finding);
        await h.saveServer(browser, { serverUrl: deadUrl, apiKey: api.apiKey });
        await page.bringToFront();
        await page.click('#reply');
        await page.keyboard.press('End');
        await page.keyboard.type(' Thanks, Tom');
        assert.equal(await editor.model(page), `${DRAFT} Thanks, Tom`, 'every keystroke landed');
        const b = await waitForBadge(page, 'offline');
        assert.match(b.label, /offline/);
        assert.equal(await underlineCount(page, editor), 0, 'underlines from the old draft are cleared');

        await page.click('replylint-ui .badge[data-visible="true"]');
        await page.waitForSelector('replylint-ui .panel:not([hidden])');
        assert.match(await page.locator('replylint-ui .panel .state').textContent(), /reach/);
        const [options] = await Promise.all([
          browser.context.waitForEvent('page', { timeout: 10000 }),
          page.click('replylint-ui .panel button[data-action="open-options"]'),
        ]);
        assert.equal(new URL(options.url()).pathname, '/options/options.html');
        await options.close();
      });
    } finally {
      await h.saveServer(browser, { serverUrl: api.url, apiKey: api.apiKey });
    }
  });

  it('wrong key: the badge says unauthorized and nothing is underlined', { timeout: 90000 }, async () => {
    const editor = editorNamed('contenteditable');
    try {
      await h.saveServer(browser, { serverUrl: api.url, apiKey: 'rl_not_a_real_key' });
      await withPage(editor, async (page) => {
        await page.keyboard.type(DRAFT);
        const b = await waitForBadge(page, 'unauthorized');
        assert.match(b.label, /unauthorized/);
        assert.equal(await underlineCount(page, editor), 0);
        assert.equal(await editor.model(page), DRAFT);
        await page.click('replylint-ui .badge[data-visible="true"]');
        await page.waitForSelector('replylint-ui .panel:not([hidden]) button[data-action="open-options"]');
        assert.match(await page.locator('replylint-ui .panel').textContent(), /key/i);
      });
    } finally {
      await h.saveServer(browser, { serverUrl: api.url, apiKey: api.apiKey });
    }
  });
});

describe('speed', () => {
  // An 80-word reply; `n` goes into every sentence so each sample is new to the server's
  // per-sentence model cache (a cold draft, as when a reply is pasted or a macro inserted).
  const reply = (n) => `Hi Ana, thanks for getting back to us about order ${n} so quickly and for the photos of the damaged parcel. `
    + `I checked the tracking history for parcel ${n} and the box was scanned at our depot on Monday and again on Tuesday morning. `
    + `As I already explained, the refund for order ${n} takes five days once the return is logged, and I logged it for you today. `
    + `You get an email about case ${n} within the hour. Best, Tom`;

  for (const name of ['textarea', 'contenteditable']) {
    it(`${name}: underlines appear soon after the debounce fires for an 80-word draft`, { timeout: 120000 }, async () => {
      const words = reply(1000).split(/\s+/).length;
      assert.equal(words, 80);
      const editor = editorNamed(name);
      await withPage(editor, async (page) => {
        const measures = () => page.evaluate(() => performance.getEntriesByName('replylint:underlines').map((e) => ({ ms: e.duration, words: e.detail.words, marks: e.detail.marks })));
        const cold = [];
        for (let i = 0; i < 5; i += 1) {
          await page.keyboard.press('Control+A');
          await page.keyboard.press('Backspace');
          await page.keyboard.insertText(reply(`${Date.now() % 100000}${i}`));
          await until(`cold measurement ${i + 1}`, async () => (await measures()).length >= i + 1);
          const last = (await measures())[i];
          assert.equal(last.words, 80);
          assert.ok(last.marks >= 1, 'the draft has an underline');
          cold.push(last.ms);
        }
        // Warm: the agent types on; only the sentence being written is new to the server.
        const warm = [];
        for (let i = 0; i < 5; i += 1) {
          await page.keyboard.type(` ok${i}`);
          await until(`warm measurement ${i + 1}`, async () => (await measures()).length >= cold.length + i + 1);
          warm.push((await measures())[cold.length + i].ms);
        }
        const coldMid = Math.round(median(cold));
        const warmMid = Math.round(median(warm));
        console.log(`replylint e2e (${name}): underlines appear within ${coldMid} ms after the debounce fires for an 80-word draft `
          + `(new draft, median of ${cold.length}, max ${Math.round(Math.max(...cold))} ms; typing on: median ${warmMid} ms; API on 127.0.0.1; target 150 ms)`);
        assert.ok(coldMid < 1000 && warmMid < 1000, `medians ${coldMid} / ${warmMid} ms`);
      });
    });
  }
});

describe('rewrite whole reply', () => {
  it('the action is hidden when the server has no /v1/rewrite', { timeout: 60000 }, async (t) => {
    const status = await api.status('/v1/rewrite', { text: DRAFT });
    if (status !== 404) {
      t.skip(`the server has POST /v1/rewrite (answered ${status})`);
      return;
    }
    const editor = editorNamed('textarea');
    const finding = firstFixable(await api.lint(DRAFT));
    await withPage(editor, async (page) => {
      await page.keyboard.type(DRAFT);
      const card = await hoverAndOpenCard(page, await waitForUnderline(page, editor, finding));
      assert.ok(!card.actions.includes('rewrite'), JSON.stringify(card.actions));
      await page.mouse.move(1, 1);
      await page.click('replylint-ui .badge[data-visible="true"]');
      await page.waitForSelector('replylint-ui .panel:not([hidden])');
      assert.equal(await page.locator('replylint-ui .panel button[data-action="rewrite"]').count(), 0);
    });
  });

  for (const name of ['textarea', 'CKEditor 5']) {
    it(`${name}: shows the rewrite as a diff, applies it in one step, selects the first placeholder`, { timeout: 90000 }, async (t) => {
      const res = await fetch(`${api.url}/v1/rewrite`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${api.apiKey}` }, body: JSON.stringify({ text: DRAFT }) });
      if (res.status === 404) {
        t.skip('POST /v1/rewrite answers 404 on this server: the endpoint is another issue, so the action is hidden (tested above)');
        return;
      }
      assert.equal(res.status, 200);
      const rewrite = await res.json();
      const editor = editorNamed(name);
      const finding = firstFixable(await api.lint(DRAFT));
      await withPage(editor, async (page) => {
        await page.keyboard.type(DRAFT);
        await hoverAndOpenCard(page, await waitForUnderline(page, editor, finding));
        await clickCard(page, 'rewrite');
        await page.waitForSelector('replylint-ui .rewrite:not([hidden]) .diff', { timeout: 20000 });
        const diff = await page.evaluate(() => {
          const panel = document.querySelector('replylint-ui').shadowRoot.querySelector('.rewrite');
          return { del: panel.querySelectorAll('del').length, ins: panel.querySelectorAll('ins').length };
        });
        assert.ok(diff.del + diff.ins >= 1);
        await page.click('replylint-ui .rewrite button[data-action="rewrite-apply"]');
        await waitForModel(page, editor, rewrite.text);
        if (rewrite.placeholders && rewrite.placeholders.length) {
          assert.equal(await selectedText(page, editor), rewrite.placeholders[0].text);
        }
      });
    });
  }
});

describe('messages and options', () => {
  it('the service worker answers an unknown message type with an explicit error', { timeout: 30000 }, async () => {
    const reply = await inOptions(() => chrome.runtime.sendMessage({ type: 'replylint/no-such-thing' }));
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, 'unknown_message');
    assert.match(reply.error.message, /replylint\/no-such-thing/);
  });

  it('options: every control is labelled and reachable by keyboard; Test connection works from the keyboard', { timeout: 60000 }, async () => {
    const page = await h.openOptions(browser);
    try {
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, button')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
        .map((el) => el.id || el.outerHTML.slice(0, 60)));
      assert.deepEqual(unlabelled, []);
      const order = [];
      for (let i = 0; i < 60 && !order.includes('debounce'); i += 1) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
      }
      const wanted = ['server-url', 'api-key', 'toggle-key', 'save-server', 'test-connection', 'new-site', 'add-site', 'debounce'];
      const positions = wanted.map((id) => order.indexOf(id));
      assert.ok(positions.every((p) => p >= 0), `tab order: ${order.join(' ')}`);
      assert.deepEqual([...positions].sort((a, b) => a - b), positions, `tab order: ${order.join(' ')}`);
      await page.focus('#test-connection');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /Connected to/.test(document.getElementById('server-status').textContent), null, { timeout: 20000 });
      assert.equal(await page.getAttribute('#server-status', 'role'), 'status');
    } finally {
      await page.close();
    }
  });
});

async function screenshotCard(page) {
  const box = await page.evaluate(() => {
    const card = document.querySelector('replylint-ui').shadowRoot.querySelector('.card').getBoundingClientRect();
    const editor = document.querySelector('.ql-toolbar').getBoundingClientRect();
    const container = document.querySelector('.ql-container').getBoundingClientRect();
    const left = Math.min(card.left, editor.left) - 12;
    const top = Math.min(card.top, editor.top) - 12;
    const right = Math.max(card.right, container.right) + 12;
    const bottom = Math.max(card.bottom, container.bottom) + 12;
    return { x: Math.max(0, left), y: Math.max(0, top), width: right - Math.max(0, left), height: bottom - Math.max(0, top) };
  });
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, clip: box });
}
