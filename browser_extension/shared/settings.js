/**
 * Settings: what the agent sets in options (chrome.storage.sync, the API key in
 * chrome.storage.local), what an admin presets by policy (chrome.storage.managed), the default
 * helpdesk sites, and the rules that turn them into match patterns and a server to call.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.settings = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  /** Helpdesk and webmail hosts enabled out of the box (also the manifest's host_permissions). */
  const DEFAULT_SITES = Object.freeze([
    'https://*.zendesk.com/*',
    'https://*.freshdesk.com/*',
    'https://app.intercom.com/*',
    'https://secure.helpscout.net/*',
    'https://app.frontapp.com/*',
    'https://*.gorgias.com/*',
    'https://desk.zoho.com/*',
    'https://desk.zoho.eu/*',
    'https://app.hubspot.com/*',
    'https://*.lightning.force.com/*',
    'https://mail.google.com/*',
    'https://outlook.office.com/*',
    'https://outlook.live.com/*',
  ]);

  const LABEL_IDS = Object.freeze([
    'deflects_ownership',
    'process_over_customer',
    'closes_the_door',
    'blames_customer',
    'shifts_burden',
    'dismisses_problem',
    'condescending',
    'vague_commitment',
  ]);

  /** Names for the options page when the server's GET /v1/labels can't be reached. */
  const LABEL_NAMES = Object.freeze({
    deflects_ownership: 'Deflects ownership',
    process_over_customer: 'Process over customer',
    closes_the_door: 'Closes the door',
    blames_customer: 'Blames the customer',
    shifts_burden: 'Shifts the burden',
    dismisses_problem: 'Dismisses the problem',
    condescending: 'Condescending',
    vague_commitment: 'Vague commitment',
  });

  const DEBOUNCE_DEFAULT = 500;
  const DEBOUNCE_MIN = 150;
  const DEBOUNCE_MAX = 5000;

  /** chrome.storage.sync: everything but the key. Content scripts read these. */
  const SYNC_DEFAULTS = Object.freeze({
    serverUrl: '',
    debounceMs: DEBOUNCE_DEFAULT,
    labels: null, // null: every label; else the label ids to show
    disabledRules: [],
    addedSites: [], // match patterns the agent added (and granted)
    disabledDefaultSites: [], // default patterns the agent switched off
  });

  /** chrome.storage.local (trusted contexts only): the key. */
  const LOCAL_DEFAULTS = Object.freeze({ apiKey: '' });

  /** Marks a field the extension must leave alone: ours and the common Grammarly conventions. */
  const OPT_OUT_SELECTOR = [
    '[data-replylint="off"]',
    '[data-replylint="false"]',
    '[data-gramm="false"]',
    '[data-gramm_editor="false"]',
    '[data-enable-grammarly="false"]',
  ].join(',');

  const HOST = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:]+\]$/i;

  /**
   * A site the agent typed ("acme.zendesk.com", "https://*.acme.com", "http://127.0.0.1:8080")
   * as a match pattern for the whole origin: {pattern, origin}. Throws Error with a message that
   * says what to type instead.
   */
  function sitePattern(input) {
    let value = String(input || '').trim();
    if (!value) throw new Error('Type a host such as acme.zendesk.com.');
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]+)(.*)$/i.exec(value);
    if (!match) throw new Error(`"${input}" is not a host; type something like acme.zendesk.com.`);
    const scheme = match[1].toLowerCase();
    if (scheme !== 'https' && scheme !== 'http') throw new Error(`Only http and https sites can be enabled, not ${scheme}.`);
    let hostPort = match[2].toLowerCase();
    if (hostPort.includes('@')) throw new Error('Leave the user name out of the site.');
    let port = '';
    const portMatch = /^(.*?)(?::(\d{1,5}|\*))?$/.exec(hostPort);
    if (portMatch && portMatch[2] !== undefined && !hostPort.endsWith(']')) {
      hostPort = portMatch[1];
      port = portMatch[2] === '*' ? '' : portMatch[2];
      if (port && Number(port) > 65535) throw new Error(`Port ${port} is out of range.`);
    }
    const host = hostPort;
    if (!HOST.test(host) || host === '*') throw new Error(`"${host}" is not a host name; use a name like acme.zendesk.com or *.acme.com.`);
    const origin = `${scheme}://${host}${port ? `:${port}` : ''}`;
    return { pattern: `${origin}/*`, origin };
  }

  /** The server URL as scheme://host[:port][/path] with no trailing slash; throws on junk. */
  function normalizeServerUrl(input) {
    const value = String(input || '').trim();
    if (!value) return '';
    let url;
    try {
      url = new URL(value);
    } catch (err) {
      throw new Error(`"${value}" is not a URL; type the server's address, e.g. https://replylint.example.com.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The server URL must start with https:// (or http:// for a server on this computer).');
    if (url.username || url.password) throw new Error('Put the API key in its own field, not in the URL.');
    if (url.search || url.hash) throw new Error('Leave the query and fragment out of the server URL.');
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }

  /** The match pattern covering the server's origin (what the worker needs host access to). */
  function serverOriginPattern(serverUrl) {
    return `${new URL(serverUrl).origin}/*`;
  }

  function clampDebounce(value) {
    const number = Number(value);
    if (!Number.isFinite(number)) return DEBOUNCE_DEFAULT;
    return Math.min(DEBOUNCE_MAX, Math.max(DEBOUNCE_MIN, Math.round(number)));
  }

  function asPatternList(value) {
    return Array.isArray(value) ? value.filter((item) => typeof item === 'string' && item) : [];
  }

  /** Every site the extension should run on: defaults still on, the agent's, the admin's. */
  function enabledSites(sync, managed) {
    const off = new Set(asPatternList(sync && sync.disabledDefaultSites));
    const sites = DEFAULT_SITES.filter((pattern) => !off.has(pattern));
    for (const pattern of [...asPatternList(sync && sync.addedSites), ...asPatternList(managed && managed.sites)]) {
      if (!sites.includes(pattern)) sites.push(pattern);
    }
    return sites;
  }

  /** Server URL and key in force: the admin's policy wins over the agent's options. */
  function effectiveServer(managed, sync, local) {
    const m = managed || {};
    const managedUrl = typeof m.serverUrl === 'string' && m.serverUrl ? m.serverUrl : '';
    const managedKey = typeof m.apiKey === 'string' && m.apiKey ? m.apiKey : '';
    let serverUrl = managedUrl || (sync && sync.serverUrl) || '';
    try {
      serverUrl = normalizeServerUrl(serverUrl);
    } catch (err) {
      serverUrl = '';
    }
    return {
      serverUrl,
      apiKey: managedKey || (local && local.apiKey) || '',
      serverLocked: Boolean(managedUrl),
      keyLocked: Boolean(managedKey),
    };
  }

  /** What the content script needs (nothing secret). */
  function contentPrefs(sync) {
    const s = { ...SYNC_DEFAULTS, ...(sync || {}) };
    return {
      debounceMs: clampDebounce(s.debounceMs),
      labels: Array.isArray(s.labels) ? s.labels.filter((id) => typeof id === 'string') : null,
      disabledRules: asPatternList(s.disabledRules),
      forceOverlay: Boolean(s.forceOverlay),
    };
  }

  return {
    DEFAULT_SITES,
    LABEL_IDS,
    LABEL_NAMES,
    SYNC_DEFAULTS,
    LOCAL_DEFAULTS,
    OPT_OUT_SELECTOR,
    DEBOUNCE_DEFAULT,
    DEBOUNCE_MIN,
    DEBOUNCE_MAX,
    sitePattern,
    normalizeServerUrl,
    serverOriginPattern,
    clampDebounce,
    enabledSites,
    effectiveServer,
    contentPrefs,
  };
});
