'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { JSDOM } = require('jsdom');
const settings = require('../../shared/settings.js');

const SITES = [
  ['acme.zendesk.com', 'https://acme.zendesk.com/*'],
  ['https://acme.zendesk.com/agent/tickets/1', 'https://acme.zendesk.com/*'],
  ['*.acme.com', 'https://*.acme.com/*'],
  ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/*'],
  ['  Support.Example.com  ', 'https://support.example.com/*'],
  ['localhost:3000', 'https://localhost:3000/*'],
];
for (const [input, pattern] of SITES) {
  test(`test_settings_site_pattern_${input.trim()}`, () => {
    assert.equal(settings.sitePattern(input).pattern, pattern);
  });
}

for (const [input, message] of [
  ['', /Type a host/],
  ['ftp://files.example.com', /Only http and https/],
  ['*', /not a host name/],
  ['exa mple.com', /not a host name/],
  ['https://user@example.com', /user name/],
  ['example.com:99999', /out of range/],
]) {
  test(`test_settings_site_pattern_rejects_${input || 'empty'}`, () => {
    assert.throws(() => settings.sitePattern(input), message);
  });
}

test('test_settings_normalize_server_url', () => {
  assert.equal(settings.normalizeServerUrl('https://lint.example.com/'), 'https://lint.example.com');
  assert.equal(settings.normalizeServerUrl(' http://127.0.0.1:8000/api/ '), 'http://127.0.0.1:8000/api');
  assert.equal(settings.normalizeServerUrl(''), '');
  assert.throws(() => settings.normalizeServerUrl('lint.example.com'), /not a URL/);
  assert.throws(() => settings.normalizeServerUrl('ftp://x.example'), /https/);
  assert.throws(() => settings.normalizeServerUrl('https://k:secret@x.example'), /API key/);
  assert.equal(settings.serverOriginPattern('http://127.0.0.1:8000/api'), 'http://127.0.0.1:8000/*');
});

test('test_settings_managed_policy_wins', () => {
  const server = settings.effectiveServer({ serverUrl: 'https://corp.example.com/', apiKey: 'corp' }, { serverUrl: 'http://127.0.0.1:1' }, { apiKey: 'mine' });
  assert.deepEqual(server, { serverUrl: 'https://corp.example.com', apiKey: 'corp', serverLocked: true, keyLocked: true });
  const own = settings.effectiveServer({}, { serverUrl: 'http://127.0.0.1:1' }, { apiKey: 'mine' });
  assert.deepEqual(own, { serverUrl: 'http://127.0.0.1:1', apiKey: 'mine', serverLocked: false, keyLocked: false });
  assert.equal(settings.effectiveServer({}, { serverUrl: 'not a url' }, {}).serverUrl, '');
});

test('test_settings_enabled_sites', () => {
  const sites = settings.enabledSites(
    { disabledDefaultSites: ['https://mail.google.com/*'], addedSites: ['https://help.example.com/*'] },
    { sites: ['https://desk.corp.example/*', 'https://help.example.com/*'] },
  );
  assert.ok(!sites.includes('https://mail.google.com/*'));
  assert.ok(sites.includes('https://*.zendesk.com/*'));
  assert.equal(sites.filter((s) => s === 'https://help.example.com/*').length, 1);
  assert.ok(sites.includes('https://desk.corp.example/*'));
});

test('test_settings_content_prefs_clamp_and_default', () => {
  assert.deepEqual(settings.contentPrefs({}), { debounceMs: 500, labels: null, disabledRules: [], forceOverlay: false });
  assert.equal(settings.contentPrefs({ debounceMs: 5 }).debounceMs, 150);
  assert.equal(settings.contentPrefs({ debounceMs: 1e9 }).debounceMs, 5000);
  assert.deepEqual(settings.contentPrefs({ labels: ['condescending'] }).labels, ['condescending']);
});

test('test_settings_opt_out_selector', () => {
  const dom = new JSDOM(`<body>
    <textarea id="a"></textarea>
    <textarea id="b" data-replylint="off"></textarea>
    <div data-gramm="false"><div id="c" contenteditable="true"></div></div>
    <div id="d" contenteditable="true" data-gramm="true"></div>
  </body>`);
  const doc = dom.window.document;
  const off = (id) => Boolean(doc.getElementById(id).closest(settings.OPT_OUT_SELECTOR));
  assert.deepEqual(['a', 'b', 'c', 'd'].map(off), [false, true, true, false]);
});

test('test_settings_label_ids_match_the_taxonomy', () => {
  assert.deepEqual(Object.keys(settings.LABEL_NAMES), settings.LABEL_IDS.slice());
  assert.equal(settings.LABEL_IDS.length, 8);
});
