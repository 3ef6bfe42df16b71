// The connect page: links an account with a connect session token, or (edit mode) replaces one account's
// credentials. Everything shown from the server or the provider goes through textContent, never HTML.
(function () {
  'use strict';

  const params = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const token = params.get('session') || query.get('session');
  const accountId = params.get('account') || query.get('account');
  if (query.has('session')) {
    // A token in the query string travels to servers and logs; keep it only in memory from here on.
    history.replaceState(null, '', location.pathname + (location.hash || ''));
  }

  const $ = (id) => document.getElementById(id);
  const state = { connectors: [], connector: null, method: null, workspaceId: null };

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  function status(text) {
    $('status').textContent = text;
    $('status').hidden = !text;
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: Object.assign({ 'Authorization': 'Bearer ' + token },
        body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    return { status: response.status, json };
  }

  function renderConnector() {
    const c = state.connector;
    $('connector-name').textContent = c.display_name;
    $('connector-description').textContent = c.description;
    const methods = $('methods');
    methods.replaceChildren();
    if (c.auth_methods.length > 1) {
      c.auth_methods.forEach((m) => {
        const label = el('label', null, { class: 'workspace' });
        const radio = el('input', null, { type: 'radio', name: 'method', value: m.id });
        radio.checked = m.id === state.method.id;
        radio.addEventListener('change', () => { state.method = m; renderMethod(); });
        label.append(radio, document.createTextNode(' ' + m.label));
        methods.append(label);
      });
    }
    renderMethod();
  }

  function renderMethod() {
    const m = state.method;
    $('guide').replaceChildren(...m.setup_guide.map((step) => el('li', step)));
    $('notes').replaceChildren(...m.permission_notes.map((note) => el('li', note)));
    const fields = $('fields');
    fields.replaceChildren();
    m.fields.forEach((f) => {
      const type = f.type === 'secret' || f.type === 'password' ? 'password' : f.type === 'email' ? 'email' : 'text';
      const input = el('input', null, { id: 'field-' + f.key, name: f.key, type, autocomplete: 'off',
        spellcheck: 'false' });
      if (f.example) input.setAttribute('placeholder', f.example);
      if (f.required) input.setAttribute('aria-required', 'true');
      fields.append(el('label', f.label, { for: 'field-' + f.key }), input, el('p', f.help, { class: 'help' }),
        el('p', '', { id: 'error-' + f.key, class: 'error' }));
    });
    $('workspaces').hidden = true;
    state.workspaceId = null;
  }

  function showErrors(problem) {
    document.querySelectorAll('.error').forEach((node) => { node.textContent = ''; });
    const general = [];
    (problem && problem.errors || []).forEach((e) => {
      const key = e.field.startsWith('credentials.') ? e.field.slice('credentials.'.length) : null;
      const target = key && $('error-' + key);
      if (target) target.textContent = e.message; else if (e.field !== 'workspace_id') general.push(e.message);
    });
    if (!general.length && problem && !(problem.errors || []).length) general.push(problem.detail);
    $('form-error').textContent = general.join(' ');
  }

  function showWorkspaces(options) {
    const box = $('workspace-options');
    box.replaceChildren();
    options.forEach((w) => {
      const label = el('label', null, { class: 'workspace' });
      const radio = el('input', null, { type: 'radio', name: 'workspace', value: w.id });
      radio.addEventListener('change', () => { state.workspaceId = w.id; });
      label.append(radio, document.createTextNode(' ' + w.name + ' (' + w.role + ')'));
      (w.notices || []).forEach((n) => label.append(el('span', ' — ' + n.message, { class: 'help warning' })));
      box.append(label);
    });
    $('workspaces').hidden = false;
    $('form-error').textContent = 'These credentials reach several workspaces: choose one.';
  }

  async function submit(event) {
    event.preventDefault();
    const credentials = {};
    state.method.fields.forEach((f) => {
      const value = $('field-' + f.key).value;
      if (value !== '') credentials[f.key] = value;
    });
    const body = { auth_method: state.method.id, credentials };
    $('submit').disabled = true;
    let result;
    try {
      if (accountId) {
        result = await api('PUT', '/v1/accounts/' + encodeURIComponent(accountId) + '/credentials', body);
      } else {
        body.connector_id = state.connector.id;
        if (state.workspaceId) body.workspace_id = state.workspaceId;
        result = await api('POST', '/v1/accounts', body);
      }
    } catch (e) {
      $('form-error').textContent = 'Patchbay cannot be reached; try again.';
      return;
    } finally {
      $('submit').disabled = false;
    }
    if (result.status === 200 || result.status === 201) {
      $('form').hidden = true;
      $('pick').hidden = true;
      $('done').hidden = false;
      const account = result.json.account;
      $('done-label').textContent = account.secret_hint ? account.label + ' (…' + account.secret_hint + ')'
          : account.label;
      $('done-warnings').replaceChildren(...result.json.warnings.map((w) => el('li', w.message)));
      return;
    }
    if (result.status === 422 && result.json && result.json.code === 'workspace_required') {
      showErrors(result.json);
      showWorkspaces(result.json.workspaces);
      return;
    }
    showErrors(result.json || { detail: 'The request failed (' + result.status + ').' });
  }

  async function start() {
    if (!token) {
      status('This link has no connect session. Ask the application for a new link.');
      return;
    }
    const listed = await api('GET', '/v1/connectors');
    if (listed.status !== 200) {
      status(listed.json && listed.json.detail ? listed.json.detail : 'This link cannot be used (' + listed.status + ').');
      return;
    }
    state.connectors = listed.json.data;
    const select = $('connector');
    select.replaceChildren(...state.connectors.map((c) => el('option', c.display_name, { value: c.id })));
    select.addEventListener('change', () => choose(select.value));
    $('pick').hidden = state.connectors.length < 2;
    $('form').addEventListener('submit', submit);
    if (accountId) $('submit').textContent = 'Replace credentials';
    status('');
    choose(state.connectors[0].id);
  }

  function choose(id) {
    state.connector = state.connectors.find((c) => c.id === id);
    state.method = state.connector.auth_methods.find((m) => m.id === state.connector.default_auth_method)
      || state.connector.auth_methods[0];
    $('form').hidden = false;
    renderConnector();
  }

  start();
}());
