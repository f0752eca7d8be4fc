// Admins preset the server URL, the API key and extra sites through Chrome's managed storage
// (policy "3rdparty" -> "extensions" -> <extension id>). Chromium on Linux reads policies from
// /etc/chromium/policies/managed/, so this test writes one file there for this run's extension id
// only (a fresh id per run; the file is removed afterwards) and is skipped where /etc is not
// writable (not root).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import { editorNamed, openEditor, waitForUnderline, firstFixable } from './helpers.mjs';

const POLICY_DIR = '/etc/chromium/policies/managed';
const DRAFT = 'Hi Ana, thanks for the photos. As I already explained, the refund takes five days.';

function policyDirWritable() {
  try {
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    fs.accessSync(POLICY_DIR, fs.constants.W_OK);
    return true;
  } catch (err) {
    return false;
  }
}

const writable = policyDirWritable();

describe('managed storage policy', { skip: writable ? false : `${POLICY_DIR} is not writable (run as root to test admin policy)` }, () => {
  let pages;
  let api;
  let ext;
  let browser;
  let policyFile;

  before(async () => {
    pages = await h.startPages();
    const apiPort = await h.freePort();
    ext = h.prepareExtension([pages.origin, `http://127.0.0.1:${apiPort}`]);
    api = await h.startApi({ port: apiPort, extensionId: ext.id });
    policyFile = path.join(POLICY_DIR, `replylint-e2e-${ext.id}.json`);
    const policy = { '3rdparty': { extensions: { [ext.id]: { serverUrl: api.url, apiKey: api.apiKey, sites: [`${pages.origin}/*`] } } } };
    fs.writeFileSync(policyFile, JSON.stringify(policy, null, 2));
    browser = await h.launchBrowser(ext.dir);
  }, { timeout: 180000 });

  after(async () => {
    if (policyFile) fs.rmSync(policyFile, { force: true });
    if (browser) await browser.close().catch(() => {});
    if (api) await api.stop().catch(() => {});
    if (pages) await pages.close().catch(() => {});
    if (ext) ext.cleanup();
  });

  it('options show the admin values locked; the key is not displayed', { timeout: 60000 }, async () => {
    const page = await h.openOptions(browser);
    try {
      const view = await page.evaluate(() => ({
        url: document.getElementById('server-url').value,
        urlDisabled: document.getElementById('server-url').disabled,
        key: document.getElementById('api-key').value,
        keyDisabled: document.getElementById('api-key').disabled,
        keyPlaceholder: document.getElementById('api-key').placeholder,
        note: !document.getElementById('managed-note').hidden,
        sites: document.getElementById('added-sites').textContent,
      }));
      assert.deepEqual(
        { ...view, sites: undefined },
        { url: api.url, urlDisabled: true, key: '', keyDisabled: true, keyPlaceholder: 'Set by your administrator', note: true, sites: undefined },
      );
      assert.match(view.sites, new RegExp(`${pages.origin.replace(/[.:/]/g, '\\$&')}/\\*\\s*set by your administrator`));
    } finally {
      await page.close();
    }
  });

  it('with nothing set by the agent, the policy server, key and site are used', { timeout: 60000 }, async () => {
    const editor = editorNamed('textarea');
    const finding = firstFixable(await api.lint(DRAFT));
    const page = await openEditor(browser.context, pages.origin, editor);
    try {
      await page.keyboard.type(DRAFT);
      await waitForUnderline(page, editor, finding);
    } finally {
      await page.close();
    }
  });
});
