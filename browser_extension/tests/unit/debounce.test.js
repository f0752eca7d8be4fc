'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createDebouncer, clampDelay } = require('../../shared/debounce.js');

/** Manual timers: advance(ms) fires what is due, in order. */
function fakeTimers() {
  let now = 0;
  let nextHandle = 1;
  const pending = new Map();
  return {
    setTimeout(fn, ms) {
      const handle = nextHandle++;
      pending.set(handle, { fn, at: now + ms });
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
    get size() {
      return pending.size;
    },
  };
}

test('test_debounce_fires_once_after_quiet', () => {
  const timers = fakeTimers();
  const calls = [];
  const d = createDebouncer((x) => calls.push(x), 500, timers);
  d.schedule('a');
  timers.advance(300);
  d.schedule('b');
  timers.advance(300);
  d.schedule('c');
  assert.deepEqual(calls, []);
  timers.advance(499);
  assert.deepEqual(calls, []);
  timers.advance(1);
  assert.deepEqual(calls, ['c']);
  assert.equal(timers.size, 0);
  assert.equal(d.pending, false);
});

test('test_debounce_keeps_one_timer_per_keystroke_path', () => {
  const timers = fakeTimers();
  const d = createDebouncer(() => {}, 500, timers);
  for (let i = 0; i < 50; i += 1) d.schedule();
  assert.equal(timers.size, 1);
});

test('test_debounce_cancel_and_flush', () => {
  const timers = fakeTimers();
  const calls = [];
  const d = createDebouncer(() => calls.push('run'), 500, timers);
  d.schedule();
  d.cancel();
  timers.advance(1000);
  assert.deepEqual(calls, []);
  assert.equal(d.flush(), false);
  d.schedule();
  assert.equal(d.flush(), true);
  assert.deepEqual(calls, ['run']);
  timers.advance(1000);
  assert.deepEqual(calls, ['run']);
});

test('test_debounce_set_delay_applies_to_next_schedule', () => {
  const timers = fakeTimers();
  const calls = [];
  const d = createDebouncer(() => calls.push(1), 500, timers);
  d.setDelay(200);
  assert.equal(d.delay, 200);
  d.schedule();
  timers.advance(200);
  assert.equal(calls.length, 1);
  d.setDelay('junk');
  assert.equal(d.delay, 200);
});

test('test_debounce_calls_timers_unbound', () => {
  // Chrome throws "Illegal invocation" when setTimeout runs as a method of another object.
  const timers = fakeTimers();
  const seenThis = [];
  const guarded = {
    setTimeout: function (fn, ms) {
      seenThis.push(this);
      return timers.setTimeout(fn, ms);
    },
    clearTimeout: function (h) {
      seenThis.push(this);
      return timers.clearTimeout(h);
    },
  };
  const d = createDebouncer(() => {}, 100, guarded);
  d.schedule();
  d.schedule();
  assert.ok(seenThis.every((t) => t !== guarded), 'timer functions must not be called as methods of the options object');
});

test('test_debounce_uses_real_timers_by_default', async () => {
  let ran = 0;
  const d = createDebouncer(() => { ran += 1; }, 10);
  d.schedule();
  d.schedule();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(ran, 1);
});

for (const [input, expected] of [[500, 500], [-5, 0], [99999, 10000], ['300', 300], [NaN, 7]]) {
  test(`test_debounce_clamp_delay_${String(input)}`, () => {
    assert.equal(clampDelay(input, 7), expected);
  });
}
