// The script of survey.html, kept out of the page so the Content-Security-Policy allows no inline script.
'use strict';
(() => {
  const form = document.getElementById('survey-form');
  const reopenForm = document.getElementById('reopen-form');
  const message = document.getElementById('message');
  const button = form.querySelector('button[type="submit"]');

  const say = (kind, text) => {
    message.className = `message ${kind}`;
    message.textContent = text;
    message.hidden = false;
  };

  // The resolution e-mail links to /survey/<ticketId>#token=<token>: a fragment is never sent to
  // the server, so the token stays out of its logs. Links mailed before carry ?token=.
  const match = /^\/survey\/(\d+)\/?$/.exec(location.pathname);
  const ticketId = match ? Number(match[1]) : undefined;
  const token =
    new URLSearchParams(location.hash.slice(1)).get('token') || new URLSearchParams(location.search).get('token');
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
  english.textContent = `Rate our work on ticket #${ticketId}`;
  document.getElementById('title').replaceChildren(`Оцените работу по заявке №${ticketId} `, english);
  document.title = `Оценка заявки №${ticketId} · Rate ticket #${ticketId}`;
  form.hidden = false;
  reopenForm.hidden = false;

  reopenForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = reopenForm.elements.reason.value.trim();
    if (!reason) {
      say('bad', 'Опишите, что осталось не так. · Please say what is still wrong.');
      return;
    }
    const response = await fetch(`/tickets/${ticketId}/reopen`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token, reason }),
    }).catch(() => undefined);
    const body = response ? await response.json().catch(() => ({})) : {};
    if (response && response.ok) {
      form.hidden = true;
      reopenForm.hidden = true;
      say(
        'ok',
        'Заявка снова в работе; мы сообщим, когда закончим. · Your ticket is back in work; we will tell you when it is done.',
      );
    } else {
      say('bad', body.message || 'Не удалось переоткрыть заявку. · The ticket could not be reopened.');
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name="csat"]:checked');
    if (!chosen) {
      say('bad', 'Выберите оценку от 1 до 5. · Please choose a score from 1 to 5.');
      return;
    }
    const answer = { token, csat: Number(chosen.value) };
    const recommend = form.querySelector('input[name="nps"]:checked');
    if (recommend) answer.nps = Number(recommend.value);
    const comment = form.elements.comment.value.trim();
    if (comment) answer.comment = comment;
    if (form.elements.complaint.checked) answer.complaint = true;

    button.disabled = true;
    let response;
    try {
      response = await fetch(`/tickets/${ticketId}/survey`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(answer),
      });
    } catch {
      say('bad', 'Нет связи с сервером. · Cannot reach the server.');
      button.disabled = false;
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 202) {
      form.hidden = true;
      reopenForm.hidden = true;
      say('ok', 'Спасибо! Ваша оценка принята. · Thank you! Your rating has been received.');
    } else if (response.status >= 400 && response.status < 500) {
      say(
        'bad',
        body.message || `Оценка не принята (${response.status}). · The rating was refused (${response.status}).`,
      );
      // A wrong token or an answered survey stays so on retry; other refusals may be corrected.
      button.disabled = [403, 404, 409].includes(response.status);
    } else {
      say('bad', 'Сервис временно недоступен, попробуйте позже. · The service is unavailable, please try again later.');
      button.disabled = false;
    }
  });
})();
