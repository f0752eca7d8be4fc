/**
 * The API contract as the service worker uses it: request building and a classification of
 * every failure into a state the badge can show (offline, unauthorized, busy, too long, error).
 * No fetch here, so it is tested in Node.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.api = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const PATHS = Object.freeze({ lint: '/v1/lint', labels: '/v1/labels', rewrite: '/v1/rewrite' });

  /** Badge states; `message` is what the agent reads, `action` what fixes it. */
  const STATES = Object.freeze({
    checking: { message: 'Checking the draft…' },
    pass: { message: 'No problems found.' },
    warn: { message: 'Some wording may fail the customer.' },
    fail: { message: 'This draft fails the customer.' },
    offline: { message: "Can't reach the replylint server.", action: 'Check the server URL in options, or try again later.' },
    unauthorized: { message: 'The server rejected the API key.', action: 'Set a valid API key in options.' },
    not_configured: { message: 'No replylint server is set.', action: 'Set the server URL and API key in options.' },
    busy: { message: 'The server is busy; replylint will try again.', action: '' },
    too_long: { message: 'This draft is too long to check.', action: '' },
    error: { message: 'The server could not check this draft.', action: 'Check the server URL in options.' },
  });

  function endpoint(serverUrl, path) {
    return `${serverUrl.replace(/\/+$/, '')}${path}`;
  }

  function jsonRequest(apiKey, body) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
    const init = { method: body === undefined ? 'GET' : 'POST', headers, credentials: 'omit', cache: 'no-store', redirect: 'error' };
    if (body !== undefined) init.body = JSON.stringify(body);
    return init;
  }

  function retryAfterSeconds(value) {
    if (value === null || value === undefined || value === '') return null;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 300);
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, Math.min(300, Math.round((date - Date.now()) / 1000)));
    return null;
  }

  /**
   * A failed call as {state, code, message, status, retryAfter}.
   * @param {{status?: number, body?: any, retryAfter?: string|null, networkError?: boolean, timedOut?: boolean}} failure
   */
  function classifyFailure(failure) {
    const status = failure.status || 0;
    const serverError = failure.body && typeof failure.body === 'object' && failure.body.error ? failure.body.error : null;
    const detail = serverError && serverError.message ? String(serverError.message) : '';
    const out = (state, code) => ({
      state,
      code: (serverError && serverError.code) || code,
      message: detail || STATES[state].message,
      status,
      retryAfter: retryAfterSeconds(failure.retryAfter),
    });
    if (failure.timedOut) return { ...out('offline', 'timeout'), message: 'The replylint server did not answer in time.' };
    if (failure.networkError || !status) return { ...out('offline', 'network'), message: STATES.offline.message };
    if (status === 401 || status === 403) return out('unauthorized', status === 401 ? 'missing_key' : 'wrong_key');
    if (status === 413) return out('too_long', 'too_long');
    if (status === 429 || status === 503) return out('busy', status === 429 ? 'rate_limited' : 'overloaded');
    if (status === 404) return { ...out('error', 'not_found'), message: 'The server has no replylint API at this URL.' };
    return out('error', `http_${status}`);
  }

  /** Labels from GET /v1/labels, whatever envelope it uses, as {id: {id, name, description, customerHears}}. */
  function indexLabels(body) {
    const list = Array.isArray(body) ? body : body && (body.labels || body.items || body.data);
    const index = {};
    for (const item of Array.isArray(list) ? list : []) {
      if (!item || typeof item.id !== 'string') continue;
      index[item.id] = {
        id: item.id,
        name: item.name || item.id,
        description: item.description || '',
        customerHears: item.customer_hears || item.customerHears || '',
      };
    }
    return index;
  }

  return { PATHS, STATES, endpoint, jsonRequest, classifyFailure, retryAfterSeconds, indexLabels };
});
