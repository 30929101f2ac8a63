/* The sign-in page: a session cookie from POST /auth/sign-in, then back to the page that asked. */
'use strict';

document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const message = document.getElementById('message');
  message.textContent = '';
  const response = await fetch('/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: form.login.value.trim(), password: form.password.value }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    message.textContent = body.message || `${response.status} ${response.statusText}`;
    return;
  }
  // Only a path of this site: an address elsewhere in ?next= would send the person away.
  const next = new URLSearchParams(location.search).get('next') || '/processes.html';
  location.assign(next.startsWith('/') && !next.startsWith('//') ? next : '/processes.html');
});
