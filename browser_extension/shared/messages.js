/**
 * Message types between the content scripts, the options page and the service worker.
 *
 * Every message is `{type: MSG.X, ...}`; every reply is `{ok: true, ...}` or
 * `{ok: false, error: {code, message}}`. The service worker answers an unknown type with
 * ERR.UNKNOWN_MESSAGE rather than staying silent, so a caller never waits on a typo.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.messages = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const MSG = Object.freeze({
    LINT: 'replylint/lint', // content -> worker: {text} -> {ok, report, features}
    REWRITE: 'replylint/rewrite', // content -> worker: {text} -> {ok, rewrite}
    LABELS: 'replylint/labels', // content|options -> worker: {} -> {ok, labels}
    DISABLE_RULE: 'replylint/disable-rule', // content -> worker: {ruleId}
    OPEN_OPTIONS: 'replylint/open-options', // content -> worker: {}
    TEST_CONNECTION: 'replylint/test-connection', // options -> worker: {} -> {ok, ...}
    SYNC_SITES: 'replylint/sync-sites', // options -> worker: {} -> {ok, sites}
  });

  /** Messages only extension pages (options) may send; content scripts get ERR.FORBIDDEN. */
  const PAGE_ONLY = Object.freeze([MSG.TEST_CONNECTION, MSG.SYNC_SITES]);

  const ERR = Object.freeze({
    UNKNOWN_MESSAGE: 'unknown_message',
    BAD_MESSAGE: 'bad_message',
    FORBIDDEN: 'forbidden',
    INTERNAL: 'internal',
  });

  const KNOWN = new Set(Object.values(MSG));

  function isKnownType(type) {
    return KNOWN.has(type);
  }

  function errorReply(code, message) {
    return { ok: false, error: { code, message } };
  }

  function unknownTypeReply(type) {
    const shown = typeof type === 'string' ? `"${type}"` : String(type);
    return errorReply(
      ERR.UNKNOWN_MESSAGE,
      `Unknown message type ${shown}; expected one of: ${[...KNOWN].join(', ')}.`,
    );
  }

  return { MSG, ERR, PAGE_ONLY, isKnownType, errorReply, unknownTypeReply };
});
