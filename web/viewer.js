/* Shared by the process viewer pages: who is looking, calls to the API, formatting. */
'use strict';

const Viewer = (() => {
  let session;

  /**
   * Who is signed in (the session cookie goes with every request of the page), shown in `slot`
   * with a sign-out link, or a sign-in link back to this page; null when nobody is.
   */
  async function signedIn(slot) {
    const response = await fetch('/auth/session');
    session = response.ok ? await response.json() : null;
    const back = encodeURIComponent(location.pathname + location.search);
    slot.replaceChildren(
      session
        ? text('span', `${session.operator.name} (${session.operator.id}) · `)
        : text('a', 'Войти / Sign in', { href: `/sign-in.html?next=${back}` }),
    );
    if (session) slot.append(text('a', 'Выйти / Sign out', { href: '/sign-out.html' }));
    return session && session.operator;
  }

  async function api(path, options = {}) {
    const headers = { ...(options.headers || {}) };
    // Writes made with the session cookie carry its CSRF token.
    if (session && options.method && options.method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
    const response = await fetch(path, { ...options, headers });
    const text = await response.text();
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (!response.ok) throw new Error((body && body.message) || `${response.status} ${response.statusText}`);
    return body;
  }

  async function xml(path) {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.text();
  }

  /** 95 000 → "1 мин 35 с"; 350 → "350 мс". */
  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    if (ms < 1000) return `${Math.round(ms)} мс`;
    if (ms < 10000) return `${(ms / 1000).toFixed(1)} с`;
    const s = Math.round(ms / 1000);
    if (s < 60) return `${s} с`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} мин${s % 60 ? ` ${s % 60} с` : ''}`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} ч${m % 60 ? ` ${m % 60} мин` : ''}`;
    return `${Math.floor(h / 24)} д ${h % 24} ч`;
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString('ru-RU') : '—';
  }

  function text(tag, content, attrs = {}) {
    const el = document.createElement(tag);
    el.textContent = content;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  }

  function say(element, message) {
    element.textContent = message || '';
  }

  /** A NavigatedViewer (pan and zoom, no modelling) with the diagram imported and fitted. */
  async function showDiagram(container, diagramXml) {
    const viewer = new BpmnJS({ container });
    await viewer.importXML(diagramXml);
    viewer.get('canvas').zoom('fit-viewport', 'auto');
    return viewer;
  }

  /** The "Русский / English" name of an element, or its id. */
  function elementName(viewer, id) {
    const element = viewer.get('elementRegistry').get(id);
    return (element && element.businessObject && element.businessObject.name) || id;
  }

  return { signedIn, api, xml, duration, when, text, say, showDiagram, elementName };
})();
