// The script of status.html, kept out of the page so the Content-Security-Policy allows no inline script.
// Everything the ticket holds is put in with textContent: a client's or a desk's text is never markup.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const say = (kind, text) => {
    const message = $('message');
    message.className = `message ${kind}`;
    message.textContent = text;
    message.hidden = false;
  };

  // Notices link to /status/<ticketId>#token=<token>: the fragment never reaches a server or a log.
  const match = /^\/status\/(\d+)\/?$/.exec(location.pathname);
  const ticketId = match ? Number(match[1]) : undefined;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!ticketId || !token) {
    say(
      'bad',
      'Ссылка неполная: откройте её из письма целиком. · The link is incomplete: please open the whole link from the message.',
    );
    return;
  }
  document.title = `Заявка №${ticketId} · Ticket #${ticketId}`;
  const english = document.createElement('span');
  english.className = 'en';
  english.lang = 'en';
  english.textContent = `Your ticket #${ticketId}`;
  $('title').replaceChildren(`Ваша заявка №${ticketId} `, english);

  const when = (iso) =>
    new Intl.DateTimeFormat('ru-RU', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  const show = (id, value) => {
    const shown = value !== null && value !== undefined && value !== '';
    $(id).hidden = !shown;
    const label = $(`${id}-label`);
    if (label) label.hidden = !shown;
    if (shown) $(id).textContent = value;
  };

  const render = (view) => {
    $('ticket').hidden = false;
    $('subject').textContent = view.subject;
    $('stage').textContent = view.stageText.ru;
    $('stage-en').textContent = view.stageText.en;
    $('received').textContent = when(view.receivedAt);
    show('due', view.dueAt ? when(view.dueAt) : null);
    show('price', view.quotedPrice ? `${view.quotedPrice} ₽` : null);
    show('resolution', view.resolution);
    const survey = $('survey-link');
    survey.hidden = !view.surveyOpen;
    survey.href = `/survey/${ticketId}#token=${encodeURIComponent(token)}`;
    $('updates-card').hidden = view.updates.length === 0;
    $('updates').replaceChildren(
      ...view.updates.map((u) => {
        const item = document.createElement('li');
        const who = document.createElement('span');
        who.className = 'who';
        who.textContent = `${u.from === 'client' ? 'Вы · You' : 'Служба поддержки · Service desk'}, ${when(u.at)}`;
        item.append(who, u.text);
        return item;
      }),
    );
    $('reply-card').hidden = view.stage === 'closed';
  };

  const refused = () => {
    $('ticket').hidden = true;
    $('reply-card').hidden = true;
    $('updates-card').hidden = true;
    say(
      'bad',
      'Ссылка не действует: заявка закрыта или ссылка неверна. · This link no longer works: the ticket is closed or the link is wrong.',
    );
  };

  const load = async () => {
    const response = await fetch(`/tickets/${ticketId}/status`, {
      headers: { Accept: 'application/json', 'X-Ticket-Token': token },
    }).catch(() => undefined);
    if (!response) return say('bad', 'Нет связи с сервером. · The server cannot be reached.');
    if (!response.ok) return refused();
    render(await response.json());
    follow();
  };

  // Live: the server pushes the whole view after each change; EventSource reconnects by itself.
  const follow = () => {
    const stream = new EventSource(`/tickets/${ticketId}/status/stream?token=${encodeURIComponent(token)}`);
    stream.addEventListener('status', (event) => {
      render(JSON.parse(event.data));
      $('live').textContent = 'Обновляется само · Updates live';
    });
    stream.addEventListener('gone', () => {
      stream.close();
      refused();
    });
    stream.onerror = () => {
      $('live').textContent = 'Переподключение… · Reconnecting…';
    };
  };

  $('reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('reply-text').value.trim();
    if (!text) return say('bad', 'Напишите сообщение. · Please write a message.');
    const replyId = crypto.randomUUID();
    const response = await fetch(`/tickets/${ticketId}/status/reply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token, text, replyId }),
    }).catch(() => undefined);
    const body = response ? await response.json().catch(() => ({})) : {};
    if (response && response.ok) {
      $('reply-text').value = '';
      say(
        'ok',
        body.reopened
          ? 'Спасибо! Заявка снова в работе. · Thank you! Your ticket is back in work.'
          : 'Спасибо, сообщение получено. · Thank you, we have your message.',
      );
    } else {
      say('bad', body.message || 'Не удалось отправить. · The message could not be sent.');
    }
  });

  load();
})();
