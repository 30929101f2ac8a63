/* Changing one's password: the session's CSRF token, then POST /auth/password; the answer's message as given. */
'use strict';

const message = document.getElementById('message');
const form = document.getElementById('change');

async function signedIn() {
  const session = await fetch('/auth/session');
  if (!session.ok) {
    window.location.assign(`/sign-in.html?next=${encodeURIComponent('/password.html')}`);
    return undefined;
  }
  const body = await session.json();
  document.getElementById('username').value = body.operator.id;
  return body.csrfToken;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const next = form.elements.next.value;
  if (next !== form.elements.repeat.value) {
    message.textContent = 'Новые пароли не совпадают. / The new passwords differ.';
    return;
  }
  const csrfToken = await signedIn();
  if (!csrfToken) return;
  const response = await fetch('/auth/password', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ currentPassword: form.elements.current.value, newPassword: next }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    form.reset();
    message.textContent = `Пароль изменён; других сеансов завершено: ${body.otherSessionsEnded}. / Password changed; other sessions ended: ${body.otherSessionsEnded}.`;
  } else message.textContent = body.message || `${response.status} ${response.statusText}`;
});

signedIn();
