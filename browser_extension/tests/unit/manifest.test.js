'use strict';
// Least privilege and "no remote code", checked on the files we ship.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const settings = require('../../shared/settings.js');

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const shipped = (dir) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.js')).map((f) => `${dir}/${f}`);

test('test_manifest_is_mv3_with_minimal_permissions', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.permissions.slice().sort(), ['scripting', 'storage']);
  assert.deepEqual(manifest.host_permissions, settings.DEFAULT_SITES.slice());
  assert.deepEqual(manifest.optional_host_permissions, ['https://*/*', 'http://*/*']);
  assert.equal(manifest.content_scripts, undefined, 'content scripts are registered per enabled site');
  assert.equal(manifest.web_accessible_resources, undefined);
  assert.equal(manifest.externally_connectable, undefined);
  assert.equal(manifest.content_security_policy, undefined, 'keep the MV3 default CSP (script-src self)');
});

test('test_manifest_files_exist', () => {
  for (const rel of [manifest.background.service_worker, manifest.options_ui.page, manifest.storage.managed_schema, ...Object.values(manifest.icons)]) {
    assert.ok(fs.existsSync(path.join(ROOT, rel)), rel);
  }
  JSON.parse(read(manifest.storage.managed_schema));
});

test('test_service_worker_registers_every_content_file', () => {
  const sw = read('service_worker/service_worker.js');
  const listed = [...sw.matchAll(/'((?:shared|content)\/[a-z_]+\.js)'/g)].map((m) => m[1]);
  const contentFiles = listed.filter((f) => !['shared/api.js'].includes(f));
  for (const rel of contentFiles) assert.ok(fs.existsSync(path.join(ROOT, rel)), rel);
  for (const rel of shipped('content')) assert.ok(listed.includes(rel), `${rel} is not injected`);
});

test('test_only_the_service_worker_uses_the_network', () => {
  const network = /\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts)\s*\(/;
  for (const rel of [...shipped('content'), ...shipped('shared'), ...shipped('options')]) {
    assert.doesNotMatch(read(rel), network, rel);
  }
  assert.match(read('service_worker/service_worker.js'), /\bfetch\(/);
});

test('test_no_remote_or_dynamic_code', () => {
  const files = [...shipped('content'), ...shipped('shared'), ...shipped('options'), ...shipped('service_worker')];
  for (const rel of files) {
    const source = read(rel);
    assert.doesNotMatch(source, /\beval\s*\(|new Function\s*\(|\bimport\s*\(/, rel);
    assert.doesNotMatch(source, /\.innerHTML\s*=|insertAdjacentHTML|document\.write/, `${rel}: build DOM with textContent`);
  }
  const html = read('options/options.html');
  for (const [, src] of html.matchAll(/<script[^>]*src="([^"]+)"/g)) assert.ok(!/^(https?:)?\/\//.test(src), src);
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'no inline scripts');
});

test('test_content_scripts_never_read_the_key', () => {
  for (const rel of shipped('content')) {
    const source = read(rel);
    assert.doesNotMatch(source, /apiKey|storage\.local|storage\.managed/, rel);
  }
  assert.match(read('service_worker/service_worker.js'), /setAccessLevel\(\{ accessLevel: 'TRUSTED_CONTEXTS' \}\)/);
});
