/*
 * The sign-in page: a session cookie from POST /auth/sign-in (or the directory's
 * POST /auth/ldap/sign-in), or single sign-on at the OpenID provider; then back to the page that asked.
 * Only the ways in that GET /auth/methods names are shown.
 */
'use strict';

// Only a path of this site: an address elsewhere in ?next= would send the person away.
const requested = new URLSearchParams(location.search).get('next') || '/processes.html';
const next = requested.startsWith('/') && !requested.startsWith('//') ? requested : '/processes.html';

async function showMethods() {
  const response = await fetch('/auth/methods').catch(() => undefined);
  if (!response || !response.ok) return;
  const methods = await response.json();
  if (methods.oidc) {
    document.getElementById('oidc-name').textContent = methods.oidc.name;
    document.getElementById('oidc-name-en').textContent = methods.oidc.name;
    document.getElementById('oidc-start').href = `${methods.oidc.start}?next=${encodeURIComponent(next)}`;
    document.getElementById('oidc').hidden = false;
  }
  if (methods.ldap) {
    document.getElementById('ldap-name').textContent = methods.ldap.name;
    document.getElementById('ldap').hidden = false;
  }
}
void showMethods();

document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const message = document.getElementById('message');
  message.textContent = '';
  const throughDirectory = !document.getElementById('ldap').hidden && form.elements.via.value === 'ldap';
  const response = await fetch(throughDirectory ? '/auth/ldap/sign-in' : '/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: form.login.value.trim(), password: form.password.value }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    message.textContent = body.message || `${response.status} ${response.statusText}`;
    return;
  }
  location.assign(next);
});
