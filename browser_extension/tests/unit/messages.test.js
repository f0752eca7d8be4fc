'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { MSG, ERR, PAGE_ONLY, isKnownType, unknownTypeReply, errorReply } = require('../../shared/messages.js');

test('test_messages_types_are_unique_constants', () => {
  const values = Object.values(MSG);
  assert.equal(new Set(values).size, values.length);
  assert.ok(Object.isFrozen(MSG));
  for (const v of values) assert.ok(isKnownType(v));
  for (const v of PAGE_ONLY) assert.ok(isKnownType(v));
});

test('test_messages_unknown_type_gets_explicit_error', () => {
  assert.equal(isKnownType('replylint/lnt'), false);
  const reply = unknownTypeReply('replylint/lnt');
  assert.equal(reply.ok, false);
  assert.equal(reply.error.code, ERR.UNKNOWN_MESSAGE);
  assert.match(reply.error.message, /"replylint\/lnt"/);
  assert.match(reply.error.message, /replylint\/lint/);
  assert.equal(unknownTypeReply(undefined).error.code, ERR.UNKNOWN_MESSAGE);
  assert.deepEqual(errorReply('x', 'y'), { ok: false, error: { code: 'x', message: 'y' } });
});
