/* The sign-out page: ends this session on opening; the button ends every session of the account first. */
'use strict';

const message = document.getElementById('message');

async function signOut() {
  const response = await fetch('/auth/sign-out', { method: 'POST' });
  message.textContent = response.ok ? 'Вы вышли. / You are signed out.' : `${response.status} ${response.statusText}`;
}

document.getElementById('everywhere').addEventListener('submit', async (event) => {
  event.preventDefault();
  const session = await fetch('/auth/session');
  if (!session.ok) {
    message.textContent = 'Вы уже вышли. / You are already signed out.';
    return;
  }
  const { csrfToken } = await session.json();
  const response = await fetch('/auth/sign-out-everywhere', { method: 'POST', headers: { 'x-csrf-token': csrfToken } });
  const body = await response.json().catch(() => ({}));
  message.textContent = response.ok
    ? `Сеансов завершено: ${body.signedOut}. / Sessions ended: ${body.signedOut}.`
    : body.message || `${response.status} ${response.statusText}`;
});

signOut();
