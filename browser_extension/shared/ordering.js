/**
 * Response ordering: a reply may only be drawn if it answers the newest request for that field
 * and the field still holds the text that was sent. An older reply that arrives late (or a reply
 * for text the agent has since changed) is dropped, so a stale result never overwrites a newer one.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.ordering = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  function createRequestOrder() {
    let issued = 0;
    let applied = 0;

    return {
      /** A ticket for a request about to be sent for `text`. */
      issue(text) {
        issued += 1;
        return Object.freeze({ seq: issued, text });
      },
      /**
       * Whether the reply to `ticket` may be drawn now; `currentText` is what the field holds
       * when the reply arrives. Accepting marks the ticket applied.
       */
      accept(ticket, currentText) {
        if (!ticket || ticket.seq !== issued || ticket.seq <= applied) return false;
        if (currentText !== undefined && currentText !== ticket.text) return false;
        applied = ticket.seq;
        return true;
      },
      /** Whether a newer request was issued after `ticket` (its reply is stale whatever it says). */
      isStale(ticket) {
        return !ticket || ticket.seq !== issued;
      },
      /** Forget every request in flight (the field was cleared or detached). */
      invalidate() {
        issued += 1;
      },
      get latest() {
        return issued;
      },
      get applied() {
        return applied;
      },
    };
  }

  return { createRequestOrder };
});
