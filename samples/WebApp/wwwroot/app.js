// The sample's page: sign-in form when signed out; the caller's sessions when signed in.
// Data only ever reaches the page through textContent (never innerHTML), and no inline handlers are used,
// so the strict Content-Security-Policy in index.html holds.
'use strict';

(() => {
  const byId = (id) => document.getElementById(id);
  const status = byId('status');
  const signedOut = byId('signed-out');
  const signedIn = byId('signed-in');
  const sessionRows = byId('sessions');

  const setStatus = (text) => { status.textContent = text; };

  const request = (method, path, body) => fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  /** A short "Browser on OS" name for a user agent string ("Unknown device" if there is none). */
  function deviceName(userAgent) {
    if (!userAgent) {
      return 'Unknown device';
    }
    const browser = [[/Edg\//, 'Edge'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'], [/Safari\//, 'Safari']]
      .find(([pattern]) => pattern.test(userAgent))?.[1];
    const os = [[/Android/, 'Android'], [/iPhone|iPad/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X/, 'macOS'], [/Linux/, 'Linux']]
      .find(([pattern]) => pattern.test(userAgent))?.[1];
    return browser && os ? `${browser} on ${os}` : browser ?? os ?? 'Other device';
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function timeCell(iso) {
    const cell = element('td');
    const time = element('time', new Date(iso).toLocaleString());
    time.dateTime = iso;
    cell.append(time);
    return cell;
  }

  function sessionRow(session, index) {
    const metadata = session.metadata ?? {};
    const row = element('tr');
    if (session.current) {
      row.className = 'current';
    }

    const device = element('td');
    device.id = `session-${index}`;
    device.append(element('span', deviceName(metadata.userAgent), 'device'));
    if (session.current) {
      device.append(' ', element('span', 'This device', 'badge'));
    }
    if (session.binding === 'DeviceBound') {
      device.append(' ', element('span', 'Device-bound', 'badge device-bound'));
    }
    if (metadata.userAgent) {
      device.append(element('small', metadata.userAgent, 'user-agent'));
    }
    row.append(device, element('td', metadata.ip ?? 'unknown'), timeCell(session.createdAt), timeCell(session.lastSeenAt));

    const actions = element('td');
    if (!session.current) {
      const revoke = element('button', 'Revoke');
      revoke.type = 'button';
      revoke.setAttribute('aria-describedby', device.id);
      revoke.addEventListener('click', () => act('DELETE', `/api/sessions/${encodeURIComponent(session.id)}`, 'Session revoked.'));
      actions.append(revoke);
    }
    row.append(actions);
    return row;
  }

  function showSignedOut() {
    setStatus('');
    signedIn.hidden = true;
    signedOut.hidden = false;
    const params = new URLSearchParams(location.search);
    byId('sign-in-error').hidden = params.get('error') === null;
    if (params.has('error')) {
      history.replaceState(null, '', location.pathname); // a reload should not repeat the message
    }
  }

  /** A message for an answer that is neither success nor 401. */
  function problem(response) {
    if (response.status === 503) {
      return 'The session store is unavailable right now. Try again in a few seconds.';
    }
    if (response.status === 403) {
      return 'The server refused the request.';
    }
    return `Something went wrong (HTTP ${response.status}).`;
  }

  /** Reads who is signed in and their sessions, and shows the matching state. */
  async function load() {
    const me = await request('GET', '/api/me');
    if (me.status === 401) {
      showSignedOut();
      return false;
    }
    if (!me.ok) {
      setStatus(problem(me));
      return false;
    }
    const user = await me.json();

    const list = await request('GET', '/api/sessions');
    if (list.status === 401) {
      showSignedOut();
      return false;
    }
    if (!list.ok) {
      setStatus(problem(list));
      return false;
    }
    const sessions = await list.json();

    const keyList = await request('GET', '/api/keys');
    if (!keyList.ok) {
      setStatus(problem(keyList));
      return false;
    }
    const keys = await keyList.json();

    byId('user-name').textContent = user.userId;
    sessionRows.replaceChildren(...sessions.map(sessionRow));
    byId('keys').replaceChildren(...keys.map(keyRow));
    byId('no-keys').hidden = keys.length > 0;
    byId('revoke-others').disabled = !sessions.some((s) => !s.current);
    setStatus('');
    signedOut.hidden = true;
    signedIn.hidden = false;
    await loadAdmin(false);
    return true;
  }

  // --- Admin view (issue #27): every session, a page at a time ------------------------------------------------

  const adminPageSize = 20;
  let adminNext = null;

  function adminRow(session) {
    const metadata = session.metadata ?? {};
    const row = element('tr');
    row.append(element('td', session.userId), element('td', session.kind), element('td', deviceName(metadata.userAgent)),
      timeCell(session.createdAt), timeCell(session.lastSeenAt));
    return row;
  }

  /** The first page of every session (more = false) or the next one; hidden for a caller who is not an admin (403). */
  async function loadAdmin(more) {
    const cursor = more && adminNext ? `&cursor=${encodeURIComponent(adminNext)}` : '';
    const response = await request('GET', `/api/admin/sessions?limit=${adminPageSize}${cursor}`);
    const section = byId('admin');
    if (response.status === 401 || response.status === 403) {
      section.hidden = true;
      return;
    }
    if (!response.ok) {
      setStatus(problem(response));
      return;
    }
    const page = await response.json();
    const rows = page.items.map(adminRow);
    if (more) {
      byId('admin-sessions').append(...rows);
    } else {
      byId('admin-sessions').replaceChildren(...rows);
    }
    adminNext = page.next;
    byId('admin-more').hidden = page.next === null;
    section.hidden = false;
  }

  byId('admin-more').addEventListener('click', () => loadAdmin(true).catch(() => setStatus('The server could not be reached.')));

  /** Sends an unsafe request (same-origin, so the server's CSRF check passes), then reloads the list. */
  async function act(method, path, done) {
    try {
      const response = await request(method, path);
      if (!response.ok && response.status !== 401) {
        setStatus(problem(response));
        return;
      }
      if (await load()) {
        setStatus(done);
      }
    } catch {
      setStatus('The server could not be reached.');
    }
  }

  // --- API keys (issue #14) ---------------------------------------------------------------------------------

  function keyRow(key, index) {
    const row = element('tr');
    const name = element('td', key.name ?? '(unnamed)');
    name.id = `key-${index}`;
    const scopes = key.scopes && key.scopes.length > 0 ? key.scopes.join(' ') : 'none';
    const lastUsed = key.lastSeenAt === key.createdAt ? element('td', 'never') : timeCell(key.lastSeenAt);
    row.append(name, element('td', scopes), timeCell(key.createdAt), lastUsed, timeCell(key.expiresAt));
    const actions = element('td');
    const revoke = element('button', 'Revoke');
    revoke.type = 'button';
    revoke.setAttribute('aria-describedby', name.id);
    revoke.addEventListener('click', () => act('DELETE', `/api/keys/${encodeURIComponent(key.id)}`, 'API key revoked.').then(() => {
      byId('new-key').hidden = true;
    }));
    actions.append(revoke);
    row.append(actions);
    return row;
  }

  byId('create-key').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const error = byId('key-error');
    const body = {
      name: form.elements.name.value,
      scopes: [...form.querySelectorAll('input[name="scope"]:checked')].map((box) => box.value),
    };
    if (form.elements.lifetime.value) {
      body.lifetime = form.elements.lifetime.value;
    }
    try {
      const response = await request('POST', '/api/keys', body);
      if (response.status === 400) {
        error.textContent = await response.json();
        error.hidden = false;
        return;
      }
      if (!response.ok) {
        setStatus(problem(response));
        return;
      }
      const created = await response.json();
      error.hidden = true;
      byId('new-key-name').textContent = body.name;
      byId('new-key-token').textContent = created.token;
      byId('new-key').hidden = false;
      form.reset();
      if (await load()) {
        setStatus('API key created.');
      }
    } catch {
      setStatus('The server could not be reached.');
    }
  });

  byId('copy-key').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(byId('new-key-token').textContent);
      setStatus('Copied the key to the clipboard.');
    } catch {
      setStatus('Could not copy: select the key and copy it yourself.');
    }
  });

  byId('revoke-others').addEventListener('click', () => act('DELETE', '/api/sessions', 'Signed out all other sessions.'));

  // Sent here to sign in from a page that needs a session (?ReturnUrl=/account): go back there afterwards.
  const returnUrl = new URLSearchParams(window.location.search).get('ReturnUrl');
  const signIn = document.querySelector('form[action="/login"]');
  if (returnUrl && signIn) {
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = 'ReturnUrl';
    field.value = returnUrl;
    signIn.append(field);
  }

  load().catch(() => setStatus('The server could not be reached.'));
})();
