/**
 * The service worker: the only part of the extension that talks to the network, and only to the
 * configured replylint server. It holds the API key (chrome.storage.local, closed to content
 * scripts), answers the content scripts' messages, and registers the content script on the
 * sites the agent enabled and granted.
 */
/* global importScripts, ReplyLint */
importScripts('../shared/messages.js', '../shared/settings.js', '../shared/api.js');

const { MSG, ERR, PAGE_ONLY, isKnownType, errorReply, unknownTypeReply } = ReplyLint.messages;
const settings = ReplyLint.settings;
const apiContract = ReplyLint.api;

const REQUEST_TIMEOUT_MS = 10000;
const LABELS_TTL_MS = 10 * 60 * 1000;
const REWRITE_PROBE_TTL_MS = 10 * 60 * 1000;
const CONTENT_SCRIPT_ID = 'replylint-content';
const CONTENT_FILES = [
  'shared/messages.js',
  'shared/debounce.js',
  'shared/ordering.js',
  'shared/textmap.js',
  'shared/spans.js',
  'shared/settings.js',
  'content/fields.js',
  'content/ui.js',
  'content/content.js',
];

// Keep the key and the admin's policy out of content scripts (they run inside web pages).
for (const area of [chrome.storage.local, chrome.storage.managed]) {
  try {
    if (area && area.setAccessLevel) area.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => {});
  } catch (err) {
    // An older Chrome that only restricts storage.session: content scripts still never ask for the key.
  }
}

// ---- settings -------------------------------------------------------------------------------

async function readManaged() {
  try {
    return (await chrome.storage.managed.get(null)) || {};
  } catch (err) {
    return {}; // no policy on this machine
  }
}

async function readServer() {
  const [managed, sync, local] = await Promise.all([
    readManaged(),
    chrome.storage.sync.get({ serverUrl: '' }),
    chrome.storage.local.get(settings.LOCAL_DEFAULTS),
  ]);
  return settings.effectiveServer(managed, sync, local);
}

// ---- the API --------------------------------------------------------------------------------

/** Call the server: {ok: true, status, body} or {ok: false, failure: classifyFailure(...)}. */
async function callApi(path, body) {
  const server = await readServer();
  if (!server.serverUrl) {
    return { ok: false, failure: { state: 'not_configured', code: 'not_configured', message: apiContract.STATES.not_configured.message, status: 0 } };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(apiContract.endpoint(server.serverUrl, path), {
      ...apiContract.jsonRequest(server.apiKey, body),
      signal: controller.signal,
    });
  } catch (err) {
    clearTimeout(timer);
    const timedOut = err && err.name === 'AbortError';
    return { ok: false, server, failure: apiContract.classifyFailure({ networkError: !timedOut, timedOut }) };
  }
  let parsed = null;
  try {
    parsed = await response.json();
  } catch (err) {
    parsed = null;
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || parsed === null) {
    const failure = apiContract.classifyFailure({
      status: response.ok ? 502 : response.status,
      body: parsed,
      retryAfter: response.headers.get('Retry-After'),
    });
    return { ok: false, server, status: response.status, failure };
  }
  return { ok: true, server, status: response.status, body: parsed };
}

let labelsCache = { server: '', at: 0, labels: null };

async function labels() {
  const server = await readServer();
  if (labelsCache.labels && labelsCache.server === server.serverUrl && Date.now() - labelsCache.at < LABELS_TTL_MS) {
    return { ok: true, labels: labelsCache.labels };
  }
  const result = await callApi(apiContract.PATHS.labels);
  if (!result.ok) return { ok: false, failure: result.failure };
  const index = apiContract.indexLabels(result.body);
  labelsCache = { server: server.serverUrl, at: Date.now(), labels: index };
  return { ok: true, labels: index };
}

// Whether the server has POST /v1/rewrite: one probe per server, answered 404 -> hidden.
let rewriteProbe = { server: '', at: 0, available: false, pending: null };

async function rewriteAvailable() {
  const server = await readServer();
  if (rewriteProbe.server === server.serverUrl && Date.now() - rewriteProbe.at < REWRITE_PROBE_TTL_MS) return rewriteProbe.available;
  if (rewriteProbe.pending && rewriteProbe.server === server.serverUrl) return rewriteProbe.pending;
  rewriteProbe = { server: server.serverUrl, at: 0, available: false, pending: null };
  rewriteProbe.pending = (async () => {
    const result = await callApi(apiContract.PATHS.rewrite, { text: 'Thanks.' });
    // 404 means no such route; a network failure says nothing, so don't cache it.
    const known = result.ok || (result.failure && result.failure.state !== 'offline');
    const available = result.ok || (result.failure && result.failure.status !== 404 && result.failure.state !== 'offline');
    rewriteProbe = { server: server.serverUrl, at: known ? Date.now() : 0, available: Boolean(available), pending: null };
    return rewriteProbe.available;
  })();
  return rewriteProbe.pending;
}

// ---- content scripts on enabled sites --------------------------------------------------------

async function grantedSites() {
  const [sync, managed] = await Promise.all([chrome.storage.sync.get(settings.SYNC_DEFAULTS), readManaged()]);
  const wanted = settings.enabledSites(sync, managed);
  const granted = [];
  const missing = [];
  for (const pattern of wanted) {
    let has = false;
    try {
      has = await chrome.permissions.contains({ origins: [pattern] });
    } catch (err) {
      has = false;
    }
    (has ? granted : missing).push(pattern);
  }
  return { wanted, granted, missing };
}

let syncing = Promise.resolve();

/** Register the content script for exactly the enabled, granted sites (serialised). */
function syncContentScripts() {
  syncing = syncing.then(async () => {
    const sites = await grantedSites();
    const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    if (sites.granted.length) {
      await chrome.scripting.registerContentScripts([
        {
          id: CONTENT_SCRIPT_ID,
          matches: sites.granted,
          js: CONTENT_FILES,
          runAt: 'document_idle',
          allFrames: false, // same-origin frames are handled from the top frame
          persistAcrossSessions: true,
        },
      ]);
    }
    return sites;
  }).catch((err) => {
    console.error('replylint: could not register the content script', err);
    return { wanted: [], granted: [], missing: [], error: String(err && err.message) };
  });
  return syncing;
}

chrome.runtime.onInstalled.addListener(() => { syncContentScripts(); });
chrome.action.onClicked.addListener(() => { chrome.runtime.openOptionsPage(); });
chrome.runtime.onStartup.addListener(() => { syncContentScripts(); });
chrome.permissions.onAdded.addListener(() => { syncContentScripts(); });
chrome.permissions.onRemoved.addListener(() => { syncContentScripts(); });
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || (area === 'sync' && (changes.addedSites || changes.disabledDefaultSites))) syncContentScripts();
  if (area === 'managed' || changes.serverUrl || changes.apiKey) {
    labelsCache = { server: '', at: 0, labels: null };
    rewriteProbe = { server: '', at: 0, available: false, pending: null };
  }
});

// ---- messages -------------------------------------------------------------------------------

/** The options page (in a tab or not); content scripts send from the web page's URL. */
function isExtensionPage(sender) {
  const base = chrome.runtime.getURL('');
  return sender.id === chrome.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(base)
    && (sender.origin === undefined || `${sender.origin}/` === base);
}

const handlers = {
  async [MSG.LINT](message) {
    if (typeof message.text !== 'string') return errorReply(ERR.BAD_MESSAGE, 'lint needs {text: string}.');
    const started = Date.now();
    // The rewrite probe runs once per server, alongside the first lint.
    const [result, rewrite] = await Promise.all([
      callApi(apiContract.PATHS.lint, { text: message.text }),
      rewriteAvailable().catch(() => false),
    ]);
    if (!result.ok) return { ok: false, failure: result.failure };
    const features = { rewrite };
    return { ok: true, report: result.body, features, elapsedMs: Date.now() - started };
  },

  async [MSG.REWRITE](message) {
    if (typeof message.text !== 'string') return errorReply(ERR.BAD_MESSAGE, 'rewrite needs {text: string}.');
    const result = await callApi(apiContract.PATHS.rewrite, { text: message.text });
    if (!result.ok) {
      if (result.failure.status === 404) rewriteProbe = { server: result.server.serverUrl, at: Date.now(), available: false, pending: null };
      return { ok: false, failure: result.failure };
    }
    return { ok: true, rewrite: result.body };
  },

  async [MSG.LABELS]() {
    return labels();
  },

  async [MSG.DISABLE_RULE](message) {
    if (typeof message.ruleId !== 'string' || !message.ruleId) return errorReply(ERR.BAD_MESSAGE, 'disable-rule needs {ruleId}.');
    const { disabledRules } = await chrome.storage.sync.get({ disabledRules: [] });
    if (!disabledRules.includes(message.ruleId)) await chrome.storage.sync.set({ disabledRules: [...disabledRules, message.ruleId] });
    return { ok: true };
  },

  async [MSG.OPEN_OPTIONS]() {
    await chrome.runtime.openOptionsPage();
    return { ok: true };
  },

  async [MSG.TEST_CONNECTION]() {
    const result = await callApi(apiContract.PATHS.lint, { text: 'Thanks for your patience.' });
    if (!result.ok) return { ok: false, failure: result.failure };
    return { ok: true, server: result.server.serverUrl, rewrite: await rewriteAvailable().catch(() => false) };
  },

  async [MSG.SYNC_SITES]() {
    const sites = await syncContentScripts();
    return { ok: true, sites };
  },
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  const type = message && message.type;
  if (!isKnownType(type)) {
    sendResponse(unknownTypeReply(type));
    return false;
  }
  if (PAGE_ONLY.includes(type) && !isExtensionPage(sender)) {
    sendResponse(errorReply(ERR.FORBIDDEN, `${type} may only be sent from the extension's own pages.`));
    return false;
  }
  Promise.resolve()
    .then(() => handlers[type](message, sender))
    .then(sendResponse, (err) => sendResponse(errorReply(ERR.INTERNAL, String((err && err.message) || err))));
  return true; // the reply comes asynchronously
});
