'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const api = require('../../shared/api.js');

const CASES = [
  [{ networkError: true }, 'offline', 'network'],
  [{ timedOut: true }, 'offline', 'timeout'],
  [{ status: 401, body: { error: { code: 'E450', message: 'An API key is required.' } } }, 'unauthorized', 'E450'],
  [{ status: 403 }, 'unauthorized', 'wrong_key'],
  [{ status: 413 }, 'too_long', 'too_long'],
  [{ status: 429, retryAfter: '7' }, 'busy', 'rate_limited'],
  [{ status: 503, retryAfter: '1' }, 'busy', 'overloaded'],
  [{ status: 404 }, 'error', 'not_found'],
  [{ status: 500 }, 'error', 'http_500'],
];
for (const [input, state, code] of CASES) {
  test(`test_api_classify_${input.status || Object.keys(input)[0]}`, () => {
    const failure = api.classifyFailure(input);
    assert.equal(failure.state, state);
    assert.equal(failure.code, code);
    assert.ok(failure.message.length > 5);
  });
}

test('test_api_classify_keeps_server_message', () => {
  const failure = api.classifyFailure({ status: 403, body: { error: { code: 'E451', message: 'That API key is not valid.' }, request_id: 'x' } });
  assert.equal(failure.message, 'That API key is not valid.');
});

test('test_api_retry_after', () => {
  assert.equal(api.retryAfterSeconds('3'), 3);
  assert.equal(api.retryAfterSeconds(null), null);
  assert.equal(api.retryAfterSeconds('9999'), 300);
  assert.equal(api.classifyFailure({ status: 429, retryAfter: '7' }).retryAfter, 7);
});

test('test_api_json_request', () => {
  const init = api.jsonRequest('rl_key', { text: 'hi' });
  assert.equal(init.method, 'POST');
  assert.equal(init.headers.Authorization, 'Bearer rl_key');
  assert.equal(init.credentials, 'omit');
  assert.equal(JSON.parse(init.body).text, 'hi');
  const get = api.jsonRequest('', undefined);
  assert.equal(get.method, 'GET');
  assert.equal(get.headers.Authorization, undefined);
  assert.equal(api.endpoint('http://127.0.0.1:8000/', api.PATHS.lint), 'http://127.0.0.1:8000/v1/lint');
});

test('test_api_index_labels_accepts_list_or_envelope', () => {
  const item = { id: 'condescending', name: 'Condescending', description: 'Talks down.', customer_hears: 'You are slow.' };
  for (const body of [[item], { labels: [item] }]) {
    assert.deepEqual(api.indexLabels(body).condescending, { id: 'condescending', name: 'Condescending', description: 'Talks down.', customerHears: 'You are slow.' });
  }
  assert.deepEqual(api.indexLabels(null), {});
});
