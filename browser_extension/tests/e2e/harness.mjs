// The end-to-end harness: a real replylint API server, a static server for the test pages and
// the editors installed from npm (both on free ports of 127.0.0.1), and Debian's Chromium with
// the extension loaded unpacked, driven by playwright-core. Nothing here fakes the API.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const EXTENSION_ROOT = path.resolve(HERE, '../..');
export const REPO_ROOT = path.resolve(EXTENSION_ROOT, '..');
const PAGES = path.join(HERE, 'pages');
const MODULES = path.join(EXTENSION_ROOT, 'node_modules');
const SHIPPED = ['manifest.json', 'managed_schema.json', 'shared', 'content', 'service_worker', 'options', 'icons'];

export const CHROMIUM = process.env.CHROMIUM_PATH || ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => fs.existsSync(p));

/** A port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function until(what, check, { timeout = 15000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ---- the API server -----------------------------------------------------------------------------

function serverCommand() {
  if (process.env.REPLYLINT_SERVE) return process.env.REPLYLINT_SERVE.split(' ');
  const bin = path.join(REPO_ROOT, '.venv', 'bin', 'replylint');
  if (fs.existsSync(bin)) return [bin, 'serve'];
  return [path.join(REPO_ROOT, '.venv', 'bin', 'python'), '-m', 'linter.cli', 'serve'];
}

/**
 * Start `replylint serve` on a free port with a keys file holding one fresh key, and wait until
 * /readyz says ready (the model is loaded and self-tested).
 */
export async function startApi({ extensionId, port: wanted } = {}) {
  const port = wanted || (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replylint-api-'));
  const apiKey = `rl_e2e_${randomBytes(16).toString('hex')}`;
  const keysFile = path.join(dir, 'keys.txt');
  fs.writeFileSync(keysFile, `e2e sha256:${createHash('sha256').update(apiKey).digest('hex')}\n`, { mode: 0o600 });
  const [command, ...args] = serverCommand();
  const env = {
    ...process.env,
    REPLYLINT_API_KEYS_FILE: keysFile,
    REPLYLINT_ACCESS_LOG: 'false',
    REPLYLINT_LOG_LEVEL: 'warning',
  };
  if (extensionId) env.REPLYLINT_EXTENSION_IDS = extensionId;
  const child = spawn(command, [...args, '--host', '127.0.0.1', '--port', String(port)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output = (output + d).slice(-4000); });
  child.stderr.on('data', (d) => { output = (output + d).slice(-4000); });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('the API server to be ready', async () => {
      if (exited) throw new Error(`replylint serve exited (${JSON.stringify(exited)}):\n${output}`);
      const res = await fetch(`${url}/readyz`).catch(() => null);
      return res && res.status === 200;
    }, { timeout: 120000, interval: 200 });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- server output ---\n${output}`);
  }
  return {
    url,
    port,
    apiKey,
    output: () => output,
    async lint(text) {
      const res = await fetch(`${url}/v1/lint`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ text }) });
      if (!res.ok) throw new Error(`lint answered ${res.status}: ${await res.text()}`);
      return res.json();
    },
    async status(pathname, body) {
      const res = await fetch(`${url}${pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body) });
      return res.status;
    },
    async stop() {
      if (exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await done;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- pages and editors --------------------------------------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff': 'font/woff', '.woff2': 'font/woff2' };
const ROUTES = [
  ['/pages/', PAGES],
  ['/vendor/quill/', path.join(MODULES, 'quill', 'dist')],
  ['/vendor/ckeditor5/', path.join(MODULES, 'ckeditor5', 'dist', 'browser')],
  ['/vendor/tinymce/', path.join(MODULES, 'tinymce')],
];

/** Serve the test pages and the npm editors from 127.0.0.1 (offline, no CDN). */
export async function startPages() {
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    for (const [prefix, dir] of ROUTES) {
      if (!pathname.startsWith(prefix)) continue;
      const file = path.resolve(dir, decodeURIComponent(pathname.slice(prefix.length)));
      if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) break;
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
      fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

// ---- the extension and the browser --------------------------------------------------------------

/** Chrome's id for an unpacked extension: sha256 of its path, first 32 hex digits as a-p. */
export function unpackedExtensionId(dir) {
  const hex = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

/**
 * Copy the shipped extension to a temp folder and add the test origins to host_permissions.
 * That stands in for the agent accepting Chrome's permission prompt (for the test site and the
 * server), which headless Chromium cannot show; nothing else differs from what ships.
 */
export function prepareExtension(origins) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replylint-ext-'));
  for (const item of SHIPPED) fs.cpSync(path.join(EXTENSION_ROOT, item), path.join(dir, item), { recursive: true });
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.host_permissions = [...manifest.host_permissions, ...origins.map((o) => `${o}/*`)];
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return { dir, id: unpackedExtensionId(dir), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function launchBrowser(extensionDir) {
  if (!CHROMIUM) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'replylint-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new below: the old headless mode has no extensions
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 1100, height: 760 },
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-default-apps', '--hide-scrollbars', '--force-color-profile=srgb',
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`,
    ],
    timeout: 60000,
  });
  const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 30000 }));
  const id = new URL(worker.url()).host;
  return {
    context,
    id,
    worker,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---- the options page, driven like an agent would ------------------------------------------------

export async function openOptions(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.id}/options/options.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return page;
}

export async function saveServer(browser, { serverUrl, apiKey }) {
  const page = await openOptions(browser);
  await page.fill('#server-url', serverUrl);
  await page.fill('#api-key', apiKey);
  await page.click('#save-server');
  await page.waitForFunction(() => /^Saved\./.test(document.getElementById('server-status').textContent), null, { timeout: 20000 });
  await page.close();
}

export async function addSite(browser, site) {
  const page = await openOptions(browser);
  await page.fill('#new-site', site);
  await page.click('#add-site');
  await page.waitForFunction(() => /^Added /.test(document.getElementById('sites-status').textContent), null, { timeout: 20000 });
  await page.close();
}
