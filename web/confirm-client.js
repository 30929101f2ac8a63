// The script of confirm-client.html, kept out of the page so the Content-Security-Policy allows no inline script.
'use strict';
(() => {
  const form = document.getElementById('confirm-form');
  const message = document.getElementById('message');
  const button = form.querySelector('button[type="submit"]');

  const say = (kind, text) => {
    message.className = `message ${kind}`;
    message.textContent = text;
    message.hidden = false;
  };

  // The e-mail links to /confirm-client.html#ticket=<id>&token=<token>: a fragment is never sent to
  // the server, so the token stays out of its logs and Referer headers.
  const link = new URLSearchParams(location.hash.slice(1));
  const ticketId = /^\d+$/.test(link.get('ticket') || '') ? Number(link.get('ticket')) : undefined;
  const token = link.get('token');
  if (!ticketId || !token) {
    say(
      'bad',
      'Ссылка неполная: откройте её из письма целиком. · The link is incomplete: please open the whole link from the e-mail.',
    );
    return;
  }

  const english = document.createElement('span');
  english.className = 'en';
  english.lang = 'en';
  english.textContent = `Confirm ticket #${ticketId}`;
  document.getElementById('title').replaceChildren(`Подтверждение заявки №${ticketId} `, english);
  form.hidden = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    let response;
    try {
      response = await fetch(`/tickets/${ticketId}/client-confirmation`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ token }),
      });
    } catch {
      say('bad', 'Нет связи с сервером. · Cannot reach the server.');
      button.disabled = false;
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      form.hidden = true;
      say('ok', 'Спасибо! Заявка подтверждена. · Thank you! Your ticket is confirmed.');
    } else if (response.status >= 400 && response.status < 500) {
      say(
        'bad',
        body.message || `Не удалось подтвердить (${response.status}). · Could not confirm (${response.status}).`,
      );
    } else {
      say('bad', 'Сервис временно недоступен, попробуйте позже. · The service is unavailable, please try again later.');
      button.disabled = false;
    }
  });
})();
