// The connect page: links an account with a connect session token, or (edit mode) replaces one account's
// credentials. Everything shown from the server or the provider goes through textContent, never HTML.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const START_AGAIN = 'Go back to the application you came from and start again.';
  const UNREACHABLE = 'This page cannot reach the server. Check your connection and try again.';
  const START_AGAIN_LOWER = START_AGAIN.charAt(0).toLowerCase() + START_AGAIN.slice(1);
  // What an end user can do about each session failure; the API's own wording is for developers.
  const SESSION_PROBLEMS = {
    session_expired: 'This link has expired. ' + START_AGAIN,
    session_used: 'This link has already been used. ' + START_AGAIN,
    session_revoked: 'This link is no longer valid. ' + START_AGAIN,
    invalid_session_token: 'This link is not valid. Check that you opened the whole link, or ' + START_AGAIN_LOWER,
    session_not_allowed: 'This link cannot be used for that. ' + START_AGAIN,
    session_edit_mode: 'This link can only update an existing account. ' + START_AGAIN,
    session_not_for_account: 'This link is for a different account. ' + START_AGAIN
  };

  const USED_AFTER_LOST_ANSWER = 'This link has been used: your earlier attempt probably updated the account, but '
    + 'its answer was lost on the way. Check the account in the application you came from.';

  // One page can serve several sessions in turn (the application may reuse the tab): every answer is checked
  // against the session it was asked for, and one for an older session is ignored.
  let session = null;

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  // Setup guides name web pages: http(s) addresses become links, built as DOM nodes (never parsed as HTML).
  function linkified(text) {
    const nodes = [];
    const pattern = /https?:\/\/[^\s<>"']+/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      let url = match[0];
      const trailing = /[.,;:!?)\]]+$/.exec(url);
      if (trailing) url = url.slice(0, -trailing[0].length);
      let safe = null;
      try {
        const parsed = new URL(url);
        if (parsed.protocol === 'https:' || parsed.protocol === 'http:') safe = parsed.href;
      } catch (e) {
        safe = null;
      }
      if (!safe) continue;
      nodes.push(document.createTextNode(text.slice(last, match.index)));
      nodes.push(el('a', url, { href: safe, target: '_blank', rel: 'noopener noreferrer' }));
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  function status(text, isError) {
    // Never hidden: a live region that leaves the accessibility tree would not announce the next message.
    $('status').textContent = text;
    $('status').classList.toggle('error', Boolean(isError));
  }

  function readLink() {
    // The fragment only: browsers never send it, while a query would put the token in every log on the way.
    const fragment = new URLSearchParams(location.hash.slice(1));
    return {
      token: fragment.get('session'),
      accountId: fragment.get('account')
    };
  }

  async function api(s, method, path, body) {
    const response = await fetch(path, {
      method,
      headers: Object.assign({ 'Authorization': 'Bearer ' + s.token },
        body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    return { status: response.status, json, retryAfter: response.headers.get('Retry-After') };
  }

  function providerName() {
    return session && session.connector ? session.connector.display_name : 'The service';
  }

  function sessionProblem(result) {
    const code = result.json && result.json.code;
    if (code === 'session_used' && session && session.answerLost) return USED_AFTER_LOST_ANSWER;
    if (SESSION_PROBLEMS[code]) return SESSION_PROBLEMS[code];
    if (result.status === 401) return SESSION_PROBLEMS.invalid_session_token;
    return null;
  }

  // ---- Rendering ------------------------------------------------------------------------------------------

  function resetPage() {
    status('Loading…');
    ['pick', 'form', 'done', 'editing', 'methods', 'workspaces', 'retry'].forEach((id) => { $(id).hidden = true; });
    ['connector', 'method-options', 'guide', 'notes', 'fields', 'workspace-options', 'form-error', 'done-label',
      'done-warnings'].forEach((id) => $(id).replaceChildren());
    $('connector-name').textContent = '';
    $('connector-description').textContent = '';
    $('form').removeAttribute('aria-busy');
    setFormEnabled(true);
    clearErrors();
    $('submit').textContent = 'Connect';
  }

  function setFormEnabled(enabled) {
    document.querySelectorAll('#form input, #form button, #connector').forEach((node) => {
      node.disabled = !enabled;
    });
  }

  function renderConnector() {
    const s = session;
    const c = s.connector;
    $('connector-name').textContent = c.display_name;
    $('connector-description').textContent = c.description;
    if (s.accountId) {
      // Edit mode: say which account the new credentials go to.
      const name = s.accountLabel ? '“' + s.accountLabel + '” (' + s.accountId + ')' : s.accountId;
      $('editing').textContent = 'You are replacing the credentials of your ' + c.display_name + ' account '
        + name + '. Its settings and history stay as they are.';
      $('editing').hidden = false;
    }
    const options = $('method-options');
    options.replaceChildren();
    c.auth_methods.forEach((m) => {
      const id = 'method-' + m.id;
      const radio = el('input', null, { type: 'radio', name: 'method', value: m.id, id });
      radio.checked = m.id === s.method.id;
      // Errors were about the other method's attempt; what was typed there stays for a switch back.
      radio.addEventListener('change', () => { s.method = m; clearErrors(); renderMethod(); });
      const label = el('label', null, { class: 'choice', for: id });
      label.append(radio, document.createTextNode(' ' + m.label));
      options.append(label);
    });
    $('methods').hidden = c.auth_methods.length < 2;
    renderMethod();
  }

  function renderMethod() {
    const s = session;
    const m = s.method;
    $('guide').replaceChildren(...m.setup_guide.map((step) => {
      const item = el('li');
      item.append(...linkified(step));
      return item;
    }));
    $('notes').replaceChildren(...m.permission_notes.map((note) => {
      const item = el('li');
      item.append(...linkified(note));
      return item;
    }));
    const fields = $('fields');
    fields.replaceChildren();
    // Typed values live only in this page's memory, per service and method, and go with the session: two
    // services may name a method and its fields alike, and one's token must never fill in the other's form.
    const slot = s.connector.id + '/' + m.id;
    const typed = s.values[slot] || (s.values[slot] = {});
    m.fields.forEach((f) => {
      const type = f.type === 'secret' || f.type === 'password' ? 'password' : f.type === 'email' ? 'email' : 'text';
      const input = el('input', null, { id: 'field-' + f.key, name: f.key, type, autocomplete: 'off',
        spellcheck: 'false', 'aria-describedby': 'help-' + f.key + ' error-' + f.key });
      if (f.example) input.setAttribute('placeholder', f.example);
      if (f.required) input.setAttribute('aria-required', 'true');
      if (typed[f.key] !== undefined) input.value = typed[f.key];
      input.addEventListener('input', () => {
        typed[f.key] = input.value;
        // New credentials may reach other workspaces: a choice made for the old ones no longer holds.
        resetWorkspace();
      });
      fields.append(el('label', f.label, { for: 'field-' + f.key }), input,
        el('p', f.help, { id: 'help-' + f.key, class: 'help' }),
        el('p', '', { id: 'error-' + f.key, class: 'error', 'aria-live': 'polite' }));
    });
    resetWorkspace();
  }

  function resetWorkspace() {
    session.workspaceId = null;
    $('workspaces').hidden = true;
    $('workspace-options').replaceChildren();
    $('error-workspace_id').replaceChildren();
  }

  function showWorkspaces(options) {
    const box = $('workspace-options');
    box.replaceChildren();
    options.forEach((w, i) => {
      const id = 'workspace-' + i;
      const radio = el('input', null, { type: 'radio', name: 'workspace', value: w.id, id,
        'aria-describedby': 'error-workspace_id' });
      radio.addEventListener('change', () => { session.workspaceId = w.id; });
      const label = el('label', null, { class: 'choice', for: id });
      label.append(radio, document.createTextNode(' ' + w.name + ' (' + w.role + ')'));
      (w.notices || []).forEach((n) => label.append(el('span', ' — ' + n.message, { class: 'help warning' })));
      box.append(label);
    });
    $('workspaces').hidden = false;
  }

  // ---- Errors ---------------------------------------------------------------------------------------------

  function clearErrors() {
    document.querySelectorAll('#form .error').forEach((node) => node.replaceChildren());
    document.querySelectorAll('#form [aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
  }

  // Where an error on `field` is shown: its input(s) and message slot, when the page shows that field now.
  function fieldTarget(field) {
    const s = session;
    if (field.startsWith('credentials.')) {
      const key = field.slice('credentials.'.length);
      if (s.method.fields.some((f) => f.key === key) && $('field-' + key)) {
        return { message: $('error-' + key), inputs: [$('field-' + key)] };
      }
    } else if (field === 'workspace_id' && !$('workspaces').hidden) {
      return { message: $('error-workspace_id'), inputs: [...document.querySelectorAll('input[name=workspace]')] };
    } else if (field === 'auth_method' && !$('methods').hidden) {
      return { message: $('error-auth_method'), inputs: [...document.querySelectorAll('input[name=method]')] };
    }
    return null;
  }

  function message(main, detail) {
    const node = el('span', main);
    if (detail && detail !== main) node.append(el('span', 'Details: ' + detail, { class: 'detail' }));
    return node;
  }

  // Friendly wording for what the end user can act on; the server's detail stays, as secondary text.
  function friendly(result) {
    const p = result.json || {};
    const name = providerName();
    const sessionText = sessionProblem(result);
    if (sessionText) return { text: sessionText, closes: true };
    if (p.code === 'invalid_credentials') {
      return { text: name + ' did not accept these credentials. Check them and try again.', detail: p.detail };
    }
    if (result.status === 429) {
      const wait = Number(p.retry_after_seconds || result.retryAfter);
      const when = wait > 0 && wait <= 90 ? 'in ' + Math.ceil(wait) + ' seconds'
        : wait > 90 ? 'in about ' + Math.ceil(wait / 60) + ' minutes' : 'in a few minutes';
      return { text: name + ' is limiting how often it can be asked right now. Try again ' + when + '.',
        detail: p.detail };
    }
    if (result.status === 502 || result.status === 504 || /^provider_(unavailable|timeout|unreachable)$/.test(p.code)) {
      return { text: name + ' cannot be reached right now. Try again in a few minutes.', detail: p.detail };
    }
    if (result.status === 403 && p.source === 'provider') {
      return { text: name + ' says this account lacks the permissions needed.', detail: p.detail };
    }
    if (p.code === 'duplicate_account') {
      return { text: 'This account is already connected.', detail: p.detail };
    }
    if (p.code === 'session_busy') {
      // Another attempt with this link (another tab, or an earlier answer lost) is still being checked: the link
      // is not used up, so the form stays open.
      const wait = Number(p.retry_after_seconds || result.retryAfter);
      return { text: 'An earlier attempt with this link is still being checked by ' + name + '. Wait '
        + (wait > 0 && wait <= 90 ? Math.ceil(wait) + ' seconds' : 'a moment') + ' and try again.', detail: p.detail };
    }
    if (result.status === 409) {
      // A version race or a provider's own conflict: nothing here says the account exists.
      return { text: 'This could not be saved right now. Try again, or ' + START_AGAIN_LOWER, detail: p.detail };
    }
    if (result.status >= 500) {
      return { text: 'Something went wrong on our side. Try again in a few minutes.', detail: null };
    }
    return null;
  }

  // Errors on the credentials as a whole that an end user can act on; the server's words are for developers.
  function friendlyFieldError(e) {
    const s = session;
    const name = s.connector.display_name;
    if (e.code === 'identity_mismatch') {
      // The server names the account by its internal id, which means nothing to the end user.
      const detail = s.accountId ? e.message.split('account ' + s.accountId).join('this account')
        .split(s.accountId).join('this account') : e.message;
      return { text: 'These credentials belong to a different ' + name + ' user than the account you are updating. '
        + 'Enter the credentials of that account\'s own ' + name + ' user. To connect this other user instead, '
        + START_AGAIN_LOWER, detail };
    }
    if (e.code === 'workspace_unreachable') {
      return { text: 'These credentials no longer reach the ' + name + ' workspace this account is connected to. '
        + 'Use credentials of a ' + name + ' user who is still a member of it.', detail: e.message };
    }
    return null;
  }

  // Shows every error of a failed answer: field errors beside their field, the rest (and errors on fields this
  // page does not show now) as the general error. Focus goes to the first invalid field, else to the message.
  function showErrors(result) {
    clearErrors();
    const p = result.json || {};
    const general = [];
    const known = friendly(result);
    let first = null;
    (p.errors || []).forEach((e) => {
      const target = e.field ? fieldTarget(e.field) : null;
      let text = e.message;
      let detail = null;
      const own = friendlyFieldError(e);
      if (p.code === 'workspace_required' && e.field === 'workspace_id') {
        text = 'These credentials reach several workspaces: choose one.';
      } else if (own) {
        text = own.text;
        detail = own.detail;
      } else if (known && e.code === p.code) {
        text = known.text;
        detail = e.message;
      }
      if (!target) {
        general.push(message(text, detail));
        return;
      }
      target.message.append(message(text, detail));
      target.inputs.forEach((input) => input.setAttribute('aria-invalid', 'true'));
      if (!first) first = target.inputs[0];
    });
    if (!(p.errors || []).length) {
      if (known) general.push(message(known.text, known.detail));
      else general.push(el('span', p.detail || 'The request failed (' + result.status + '). Try again.'));
      (p.notices || []).forEach((n) => general.push(el('span', n.message, { class: 'detail' })));
    }
    $('form-error').replaceChildren(...general.flatMap((node, i) => i ? [document.createTextNode(' '), node] : [node]));
    if (known && known.closes) closeSession();
    (first || $('form-error')).focus();
  }

  // The session cannot be used any more: nothing on the form can succeed.
  function closeSession() {
    session.closed = true;
    setFormEnabled(false);
  }

  // ---- Flow -----------------------------------------------------------------------------------------------

  async function submit(event) {
    event.preventDefault();
    const s = session;
    if (!s || s.closed || s.busy) return;
    const credentials = {};
    s.method.fields.forEach((f) => {
      const value = $('field-' + f.key).value;
      if (value !== '') credentials[f.key] = value;
    });
    const body = { auth_method: s.method.id, credentials };
    s.busy = true;
    status('');
    const button = $('submit');
    const idle = button.textContent;
    button.disabled = true;
    button.textContent = 'Connecting…';
    $('form').setAttribute('aria-busy', 'true');
    let result;
    try {
      if (s.accountId) {
        result = await api(s, 'PUT', '/v1/accounts/' + encodeURIComponent(s.accountId) + '/credentials', body);
      } else {
        body.connector_id = s.connector.id;
        if (s.workspaceId) body.workspace_id = s.workspaceId;
        result = await api(s, 'POST', '/v1/accounts', body);
      }
    } catch (e) {
      result = null;
    }
    if (s !== session) return;
    s.busy = false;
    $('form').removeAttribute('aria-busy');
    button.textContent = idle;
    button.disabled = Boolean(s.closed);
    if (result === null) {
      // The change may have been made with its answer lost on the way back: an edit link then reads as used.
      if (s.accountId) s.answerLost = true;
      showErrors({ status: 0, json: { detail: UNREACHABLE } });
      return;
    }
    if ((result.status === 200 || result.status === 201) && result.json && result.json.account) {
      showDone(result.json);
      return;
    }
    if (result.status === 422 && result.json && result.json.code === 'workspace_required') {
      showWorkspaces(result.json.workspaces || []);
    }
    showErrors(result);
  }

  function showDone(answer) {
    session.closed = true;
    $('form').hidden = true;
    $('pick').hidden = true;
    $('done').hidden = false;
    const account = answer.account;
    $('done-title').textContent = session.accountId ? 'Credentials updated' : 'Connected';
    $('done-label').textContent = account.secret_hint ? account.label + ' (…' + account.secret_hint + ')'
      : account.label;
    $('done-warnings').replaceChildren(...(answer.warnings || []).map((w) => el('li', w.message)));
    session.values = {};
    $('done-title').focus();
  }

  function choose(id) {
    const s = session;
    s.connector = s.connectors.find((c) => c.id === id);
    s.method = s.connector.auth_methods.find((m) => m.id === s.connector.default_auth_method)
      || s.connector.auth_methods[0];
    clearErrors();
    $('form').hidden = false;
    renderConnector();
  }

  // A load that failed on the way (network, server trouble) can be tried again: the token is kept in memory,
  // as it already left the address bar and a reload could not find it.
  function loadFailed(s, text) {
    if (s !== session) return;
    status(text, true);
    $('retry').hidden = false;
    // A retry pressed before hid its own button: focus comes back to it rather than to the top of the page.
    if (!document.activeElement || document.activeElement === document.body) $('retry').focus();
  }

  async function start(s, restart) {
    resetPage();
    if (!s.token) {
      status('This link is incomplete. ' + START_AGAIN, true);
      return;
    }
    let listed;
    try {
      listed = await api(s, 'GET', '/v1/connectors');
    } catch (e) {
      loadFailed(s, UNREACHABLE);
      return;
    }
    if (s !== session) return;
    if (listed.status >= 500 || listed.status === 429) {
      loadFailed(s, 'This page could not load (error ' + listed.status + '). Try again in a moment.');
      return;
    }
    if (listed.status !== 200 || !listed.json || !Array.isArray(listed.json.data)) {
      status(sessionProblem(listed) || 'This page could not load (error ' + listed.status + '). ' + START_AGAIN, true);
      return;
    }
    s.connectors = listed.json.data;
    if (!s.connectors.length) {
      status('No service can be connected with this link. ' + START_AGAIN, true);
      return;
    }
    $('connector').replaceChildren(...s.connectors.map((c) => el('option', c.display_name, { value: c.id })));
    $('pick').hidden = s.connectors.length < 2;
    if (s.accountId) {
      $('submit').textContent = 'Replace credentials';
      // The account's name, when the session may read it; the page still works with the id alone.
      try {
        const account = await api(s, 'GET', '/v1/accounts/' + encodeURIComponent(s.accountId));
        if (s !== session) return;
        if (account.status === 200 && account.json) s.accountLabel = account.json.label;
      } catch (e) { /* named by its id */ }
    }
    status('');
    choose(s.connectors[0].id);
    if (restart) {
      // The page changed under the user (a new link in this tab, or a retry): say so, and put focus on the form
      // rather than leave it on the body where the removed field was.
      const name = s.connector.display_name;
      status(s.accountId ? 'Ready: replace the credentials of your ' + name + ' account.'
        : 'Ready: connect your ' + name + ' account.');
      $('connector-name').focus();
    }
  }

  function run(link, restart) {
    const s = { token: link.token, accountId: link.accountId, accountLabel: null, connectors: [], connector: null,
      method: null, workspaceId: null, values: {}, closed: false, busy: false, answerLost: false };
    session = s;
    start(s, restart).catch(() => {
      loadFailed(s, 'Something went wrong while loading this page. Try again, or ' + START_AGAIN_LOWER);
    });
  }

  // Read once: the token must not linger in the address bar, this tab's history or a copied link. The browser's
  // own saved history keeps the address it was opened with; a session ends when it expires (at most 30 min).
  function takeLink() {
    const link = readLink();
    if (link.token) history.replaceState(null, '', location.pathname);
    return link;
  }

  $('connector').addEventListener('change', () => choose($('connector').value));
  $('form').addEventListener('submit', (event) => {
    submit(event).catch(() => {
      $('form-error').replaceChildren(el('span', 'Something went wrong. Try again.'));
      $('form-error').focus();
    });
  });
  // The application may send this tab to another session: start over with it rather than keep the old one.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('session')) run(takeLink(), true);
  });
  $('retry').addEventListener('click', () => {
    const s = session;
    if (s && s.token) run({ token: s.token, accountId: s.accountId }, true);
  });
  run(takeLink(), false);
}());
