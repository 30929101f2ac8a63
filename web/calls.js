/* The operators' calls page: callers' cards pushed by the desk (GET /calls/stream), a ticket in one click. */
'use strict';

(async () => {
  const { text, say, when, api } = Viewer;
  const message = document.getElementById('message');
  const list = document.getElementById('calls');
  const operator = await Viewer.signedIn(document.getElementById('operator'));
  if (!operator) return say(message, 'Войдите, чтобы видеть звонки / Sign in to see the calls');

  const states = {
    ringing: 'звонит / ringing',
    answered: 'разговор / answered',
    ended: 'завершён / ended',
    missed: 'пропущен / missed',
  };
  const cards = new Map();

  function ticketLink(id) {
    return text('a', `№${id}`, { href: `/ticket.html?id=${id}` });
  }

  function render(call) {
    const card = document.createElement('section');
    card.className = `call call-${call.state}`;
    card.dataset.callId = call.callId;
    const head = text('h2', `${call.from || '—'} → ${call.to || '—'} · ${states[call.state] || call.state}`);
    card.append(head);
    const who = call.client
      ? `${call.client.name || '—'} · ${call.client.category}${call.client.email ? ` · ${call.client.email}` : ''}`
      : 'Новый клиент: номера нет в базе / New caller: the number is not on file';
    card.append(text('p', who));
    if (call.answeredBy) card.append(text('p', `Ответил / Answered by: ${call.answeredBy}`));

    const open = document.createElement('ul');
    for (const ticket of call.openTickets || []) {
      const item = document.createElement('li');
      item.append(ticketLink(ticket.id), ` ${ticket.subject || ''} · ${ticket.stage}`);
      open.append(item);
    }
    if (open.children.length) card.append(text('h3', 'Открытые заявки / Open tickets'), open);

    const earlier = document.createElement('ul');
    for (const contact of call.lastContacts || []) {
      const item = text('li', `${when(contact.at)} · ${contact.answered ? 'принят / answered' : 'пропущен / missed'}`);
      if (contact.ticketId) item.append(' · ', ticketLink(contact.ticketId));
      earlier.append(item);
    }
    if (earlier.children.length) card.append(text('h3', 'Прошлые звонки / Earlier calls'), earlier);

    const diagnostics = Object.entries(call.diagnostics || {});
    if (diagnostics.length) {
      const data = document.createElement('dl');
      for (const [key, value] of diagnostics) data.append(text('dt', key), text('dd', value));
      card.append(text('h3', 'Данные IVR / IVR data'), data);
    }

    const actions = document.createElement('p');
    actions.className = 'call-ticket';
    if (call.ticketId) actions.append('Заявка / Ticket: ', ticketLink(call.ticketId));
    else if (call.from && call.from.startsWith('+')) {
      const button = text('button', 'Создать заявку / Create ticket', { type: 'button' });
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          const filed = await api(`/calls/${encodeURIComponent(call.callId)}/ticket`, { method: 'POST' });
          actions.replaceChildren('Заявка / Ticket: ', ticketLink(filed.ticketId));
        } catch (error) {
          button.disabled = false;
          say(message, error.message);
        }
      });
      actions.append(button);
    }
    card.append(actions);
    return card;
  }

  function show(call) {
    const card = render(call);
    const before = cards.get(call.callId);
    if (before) before.replaceWith(card);
    else list.prepend(card);
    cards.set(call.callId, card);
  }

  const stream = new EventSource('/calls/stream');
  stream.addEventListener('call', (event) => show(JSON.parse(event.data)));
  stream.addEventListener('open', () => say(message, ''));
  stream.addEventListener('error', () => say(message, 'Нет связи с сервером, переподключаемся… / Reconnecting…'));
})();
