/**
 * A trailing-edge debouncer: `schedule()` on every keystroke, `fn` runs once after `delay` ms
 * of quiet. The keystroke path only clears and sets one timer.
 *
 * Timer functions are held as plain functions and called unbound: calling `setTimeout` as a
 * method of another object throws "Illegal invocation" in Chrome (it passes in Node).
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  root.ReplyLint = root.ReplyLint || {};
  root.ReplyLint.debounce = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const MIN_DELAY = 0;
  const MAX_DELAY = 10000;

  function clampDelay(delay, fallback) {
    const value = Number(delay);
    if (!Number.isFinite(value)) return fallback;
    return Math.min(MAX_DELAY, Math.max(MIN_DELAY, Math.round(value)));
  }

  /**
   * @param {Function} fn called with the arguments of the last schedule()
   * @param {number} delay milliseconds of quiet before fn runs
   * @param {{setTimeout?: Function, clearTimeout?: Function}} [timers] injectable for tests
   */
  function createDebouncer(fn, delay, timers) {
    const set = (timers && timers.setTimeout) || globalThis.setTimeout.bind(globalThis);
    const clear = (timers && timers.clearTimeout) || globalThis.clearTimeout.bind(globalThis);
    let wait = clampDelay(delay, 500);
    let handle = null;
    let lastArgs = [];

    function fire() {
      handle = null;
      const args = lastArgs;
      lastArgs = [];
      fn(...args);
    }

    return {
      schedule(...args) {
        lastArgs = args;
        if (handle !== null) clear(handle);
        handle = set(fire, wait);
      },
      cancel() {
        if (handle !== null) clear(handle);
        handle = null;
        lastArgs = [];
      },
      /** Run now if something is pending (e.g. on blur); returns whether it ran. */
      flush() {
        if (handle === null) return false;
        clear(handle);
        fire();
        return true;
      },
      get pending() {
        return handle !== null;
      },
      get delay() {
        return wait;
      },
      setDelay(next) {
        wait = clampDelay(next, wait);
      },
    };
  }

  return { createDebouncer, clampDelay, MIN_DELAY, MAX_DELAY };
});
