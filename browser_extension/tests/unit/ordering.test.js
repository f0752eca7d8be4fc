'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createRequestOrder } = require('../../shared/ordering.js');

test('test_ordering_accepts_newest_reply', () => {
  const order = createRequestOrder();
  const t1 = order.issue('Hello');
  assert.equal(order.accept(t1, 'Hello'), true);
  assert.equal(order.applied, 1);
});

test('test_ordering_drops_reply_that_arrives_after_a_newer_request', () => {
  const order = createRequestOrder();
  const t1 = order.issue('Hello');
  const t2 = order.issue('Hello there');
  assert.equal(order.accept(t1, 'Hello there'), false, 'an older request is stale once a newer one is out');
  assert.equal(order.accept(t2, 'Hello there'), true);
});

test('test_ordering_late_old_reply_never_overwrites_newer', () => {
  const order = createRequestOrder();
  const t1 = order.issue('a');
  const t2 = order.issue('ab');
  assert.equal(order.accept(t2, 'ab'), true);
  assert.equal(order.accept(t1, 'ab'), false);
  assert.equal(order.accept(t2, 'ab'), false, 'a reply is applied once');
});

test('test_ordering_drops_reply_when_text_changed_since_sending', () => {
  const order = createRequestOrder();
  const t1 = order.issue('Hello');
  assert.equal(order.accept(t1, 'Hello!'), false);
});

test('test_ordering_invalidate_drops_everything_in_flight', () => {
  const order = createRequestOrder();
  const t1 = order.issue('x');
  order.invalidate();
  assert.equal(order.isStale(t1), true);
  assert.equal(order.accept(t1, 'x'), false);
});

test('test_ordering_interleavings', () => {
  // Every arrival order of three replies: only the newest one is drawn, and only once.
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const perm of perms) {
    const order = createRequestOrder();
    const tickets = ['a', 'ab', 'abc'].map((t) => order.issue(t));
    const accepted = perm.filter((i) => order.accept(tickets[i], 'abc'));
    assert.deepEqual(accepted, [2], `order ${perm}`);
  }
});
