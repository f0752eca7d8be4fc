/**
 * The options page: server URL and API key, the sites replylint runs on, the debounce and the
 * problems to show. Values an admin set through managed storage are shown locked. Host access
 * for a new site (or for the server) is requested here, while the agent's click still counts
 * as a user gesture. Network calls go through the service worker.
 */
/* global ReplyLint, chrome */
(function () {
  'use strict';

  const { MSG } = ReplyLint.messages;
  const settings = ReplyLint.settings;
  const $ = (id) => document.getElementById(id);

  let managed = {};
  let sync = { ...settings.SYNC_DEFAULTS };
  let siteState = { granted: [], missing: [] };

  function setStatus(id, text, kind) {
    const node = $(id);
    node.textContent = text;
    node.className = `status${kind ? ` ${kind}` : ''}`;
  }

  function send(message) {
    return chrome.runtime.sendMessage(message).catch((err) => ({ ok: false, error: { code: 'extension', message: String(err.message || err) } }));
  }

  function failureText(reply) {
    const failure = reply.failure || reply.error || {};
    return [failure.message, reply.failure && settingsHint(reply.failure.state)].filter(Boolean).join(' ');
  }

  function settingsHint(state) {
    if (state === 'unauthorized') return 'Check the API key.';
    if (state === 'offline') return 'Check the server URL and that the server is running.';
    if (state === 'not_configured') return 'Enter the server URL and save.';
    return '';
  }

  async function load() {
    try {
      managed = (await chrome.storage.managed.get(null)) || {};
    } catch (err) {
      managed = {};
    }
    sync = { ...settings.SYNC_DEFAULTS, ...(await chrome.storage.sync.get(null)) };
    const local = await chrome.storage.local.get(settings.LOCAL_DEFAULTS);
    const server = settings.effectiveServer(managed, sync, local);

    $('server-url').value = server.serverLocked ? managed.serverUrl : sync.serverUrl || '';
    $('server-url').disabled = server.serverLocked;
    $('api-key').value = server.keyLocked ? '' : local.apiKey || '';
    $('api-key').disabled = server.keyLocked;
    $('api-key').placeholder = server.keyLocked ? 'Set by your administrator' : '';
    $('toggle-key').disabled = server.keyLocked;
    $('save-server').disabled = server.serverLocked && server.keyLocked;
    $('managed-note').hidden = !(server.serverLocked || server.keyLocked || (managed.sites && managed.sites.length));
    $('debounce').value = settings.clampDebounce(sync.debounceMs);
    await refreshSites();
    await renderLabels();
    renderDisabledRules();
  }

  // ---- server ----

  async function saveServer() {
    const input = $('server-url');
    let url = '';
    if (!input.disabled) {
      try {
        url = settings.normalizeServerUrl(input.value);
        input.removeAttribute('aria-invalid');
      } catch (err) {
        input.setAttribute('aria-invalid', 'true');
        setStatus('server-status', err.message, 'error');
        input.focus();
        return;
      }
    }
    let note = '';
    const effectiveUrl = input.disabled ? managed.serverUrl : url;
    if (effectiveUrl) {
      // Host access lets the service worker reach the server without CORS or private-network blocks.
      const origin = settings.serverOriginPattern(settings.normalizeServerUrl(effectiveUrl));
      let granted = await chrome.permissions.contains({ origins: [origin] });
      if (!granted) {
        try {
          granted = await chrome.permissions.request({ origins: [origin] });
        } catch (err) {
          granted = false;
        }
      }
      if (!granted) note = ` Without access to ${origin}, the server must allow this extension through CORS.`;
    }
    const writes = [];
    if (!input.disabled) writes.push(chrome.storage.sync.set({ serverUrl: url }));
    if (!$('api-key').disabled) writes.push(chrome.storage.local.set({ apiKey: $('api-key').value.trim() }));
    await Promise.all(writes);
    sync.serverUrl = url;
    setStatus('server-status', `Saved.${note}`, note ? 'error' : 'ok');
    renderLabels();
  }

  async function testConnection() {
    setStatus('server-status', 'Testing…');
    const reply = await send({ type: MSG.TEST_CONNECTION });
    if (reply.ok) setStatus('server-status', `Connected to ${reply.server}. The key works.`, 'ok');
    else setStatus('server-status', failureText(reply), 'error');
  }

  function toggleKey() {
    const input = $('api-key');
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    $('toggle-key').textContent = show ? 'Hide' : 'Show';
    $('toggle-key').setAttribute('aria-pressed', String(show));
  }

  // ---- sites ----

  async function refreshSites() {
    const reply = await send({ type: MSG.SYNC_SITES });
    if (reply.ok) siteState = reply.sites;
    renderSites();
  }

  function siteRow(pattern, { checkbox, removable, locked }) {
    const li = document.createElement('li');
    const missing = siteState.missing && siteState.missing.includes(pattern);
    const id = `site-${pattern.replace(/[^a-z0-9]/gi, '-')}`;
    const name = document.createElement('span');
    name.className = 'pattern';
    name.textContent = pattern;
    if (checkbox) {
      const label = document.createElement('label');
      label.className = 'check';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = id;
      box.checked = !(sync.disabledDefaultSites || []).includes(pattern);
      box.addEventListener('change', () => toggleDefaultSite(pattern, box.checked));
      label.append(box, name);
      li.append(label);
    } else {
      li.append(name);
    }
    const right = document.createElement('span');
    if (locked) {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'set by your administrator';
      right.append(tag);
    }
    const enabled = !checkbox || !(sync.disabledDefaultSites || []).includes(pattern);
    if (missing && enabled) {
      const tag = document.createElement('span');
      tag.className = 'tag warn';
      tag.textContent = 'needs access ';
      const grant = document.createElement('button');
      grant.type = 'button';
      grant.textContent = 'Allow';
      grant.setAttribute('aria-label', `Allow replylint on ${pattern}`);
      grant.addEventListener('click', () => grantSite(pattern));
      right.append(tag, grant);
    }
    if (removable) {
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${pattern}`);
      remove.addEventListener('click', () => removeSite(pattern));
      right.append(remove);
    }
    li.append(right);
    return li;
  }

  function renderSites() {
    $('default-sites').replaceChildren(...settings.DEFAULT_SITES.map((pattern) => siteRow(pattern, { checkbox: true })));
    const rows = [];
    for (const pattern of sync.addedSites || []) rows.push(siteRow(pattern, { removable: true }));
    for (const pattern of managed.sites || []) rows.push(siteRow(pattern, { locked: true }));
    if (!rows.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'None yet.';
      rows.push(li);
    }
    $('added-sites').replaceChildren(...rows);
  }

  async function grantSite(pattern) {
    let granted = false;
    try {
      granted = await chrome.permissions.request({ origins: [pattern] });
    } catch (err) {
      granted = false;
    }
    setStatus('sites-status', granted ? `replylint now runs on ${pattern}. Reload open tabs of that site.` : `Access to ${pattern} was not allowed.`, granted ? 'ok' : 'error');
    await refreshSites();
  }

  async function addSite() {
    const input = $('new-site');
    let site;
    try {
      site = settings.sitePattern(input.value);
      input.removeAttribute('aria-invalid');
    } catch (err) {
      input.setAttribute('aria-invalid', 'true');
      setStatus('sites-status', err.message, 'error');
      input.focus();
      return;
    }
    let granted = false;
    try {
      granted = await chrome.permissions.request({ origins: [site.pattern] });
    } catch (err) {
      setStatus('sites-status', err.message, 'error');
      return;
    }
    if (!granted) {
      setStatus('sites-status', `Access to ${site.origin} was not allowed, so replylint won't run there.`, 'error');
      return;
    }
    const added = sync.addedSites || [];
    if (!added.includes(site.pattern)) added.push(site.pattern);
    sync.addedSites = added;
    await chrome.storage.sync.set({ addedSites: added });
    input.value = '';
    await refreshSites();
    setStatus('sites-status', `Added ${site.pattern}. Reload open tabs of that site.`, 'ok');
  }

  async function removeSite(pattern) {
    sync.addedSites = (sync.addedSites || []).filter((p) => p !== pattern);
    await chrome.storage.sync.set({ addedSites: sync.addedSites });
    const keep = [...settings.DEFAULT_SITES, ...(managed.sites || [])];
    const server = sync.serverUrl ? settings.serverOriginPattern(sync.serverUrl) : null;
    if (!keep.includes(pattern) && pattern !== server) {
      try {
        await chrome.permissions.remove({ origins: [pattern] });
      } catch (err) {
        /* the permission may be required or already gone */
      }
    }
    await refreshSites();
    setStatus('sites-status', `Removed ${pattern}.`, 'ok');
    $('new-site').focus();
  }

  async function toggleDefaultSite(pattern, on) {
    const off = new Set(sync.disabledDefaultSites || []);
    if (on) off.delete(pattern);
    else off.add(pattern);
    sync.disabledDefaultSites = [...off];
    await chrome.storage.sync.set({ disabledDefaultSites: sync.disabledDefaultSites });
    await refreshSites();
    setStatus('sites-status', on ? `replylint runs on ${pattern}.` : `replylint no longer runs on ${pattern}.`, 'ok');
  }

  // ---- checking ----

  async function saveDebounce() {
    const input = $('debounce');
    const value = Number(input.value);
    if (!Number.isFinite(value) || value < settings.DEBOUNCE_MIN || value > settings.DEBOUNCE_MAX) {
      input.setAttribute('aria-invalid', 'true');
      setStatus('checking-status', `Use a pause between ${settings.DEBOUNCE_MIN} and ${settings.DEBOUNCE_MAX} ms.`, 'error');
      return;
    }
    input.removeAttribute('aria-invalid');
    const debounceMs = settings.clampDebounce(value);
    await chrome.storage.sync.set({ debounceMs });
    setStatus('checking-status', `Checks start ${debounceMs} ms after you stop typing.`, 'ok');
  }

  async function renderLabels() {
    const reply = await send({ type: MSG.LABELS });
    const fromServer = reply.ok ? reply.labels : {};
    const ids = [...new Set([...settings.LABEL_IDS, ...Object.keys(fromServer)])];
    const shown = Array.isArray(sync.labels) ? new Set(sync.labels) : null;
    $('labels').replaceChildren(
      ...ids.map((id) => {
        const li = document.createElement('li');
        const label = document.createElement('label');
        label.className = 'check';
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.value = id;
        box.checked = !shown || shown.has(id);
        box.addEventListener('change', saveLabels);
        const info = fromServer[id];
        const text = document.createElement('span');
        text.textContent = (info && info.name) || settings.LABEL_NAMES[id] || id;
        if (info && info.description) label.title = info.description;
        label.append(box, text);
        li.append(label);
        return li;
      }),
    );
  }

  async function saveLabels() {
    const boxes = [...$('labels').querySelectorAll('input[type="checkbox"]')];
    const checked = boxes.filter((b) => b.checked).map((b) => b.value);
    const labels = checked.length === boxes.length ? null : checked;
    sync.labels = labels;
    await chrome.storage.sync.set({ labels });
    setStatus('checking-status', labels ? `Showing ${checked.length} of ${boxes.length} kinds of problem.` : 'Showing every kind of problem.', 'ok');
  }

  function renderDisabledRules() {
    const rules = sync.disabledRules || [];
    if (!rules.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'None.';
      $('disabled-rules').replaceChildren(li);
      return;
    }
    $('disabled-rules').replaceChildren(
      ...rules.map((rule) => {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'pattern';
        name.textContent = rule;
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = 'Turn back on';
        button.setAttribute('aria-label', `Turn ${rule} back on`);
        button.addEventListener('click', async () => {
          sync.disabledRules = (sync.disabledRules || []).filter((r) => r !== rule);
          await chrome.storage.sync.set({ disabledRules: sync.disabledRules });
          renderDisabledRules();
          setStatus('checking-status', `${rule} is on again.`, 'ok');
          $('debounce').focus();
        });
        li.append(name, button);
        return li;
      }),
    );
  }

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && changes.disabledRules) {
      sync.disabledRules = changes.disabledRules.newValue || [];
      renderDisabledRules();
    }
  });

  $('save-server').addEventListener('click', saveServer);
  $('test-connection').addEventListener('click', testConnection);
  $('toggle-key').addEventListener('click', toggleKey);
  $('add-site').addEventListener('click', addSite);
  $('new-site').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') addSite();
  });
  $('debounce').addEventListener('change', saveDebounce);
  document.body.dataset.ready = 'loading';
  load().then(() => {
    document.body.dataset.ready = 'true';
  });
})();
