// The script of client.html: a client's profile, contacts, devices, consents and the timeline of
// their tickets and messages, with the search. Every value goes in as text, never as markup.
(async () => {
  const message = document.getElementById('message');
  const params = new URLSearchParams(location.search);
  const signedIn = Viewer.signedIn(document.getElementById('operator'));
  const categories = {
    wholesale: 'оптовый / wholesale',
    regular: 'постоянный / regular',
    one_time: 'разовый / one-time',
  };
  const kinds = { person: 'частное лицо / person', company: 'компания / company' };
  const contactKinds = { phone: 'телефон / phone', email: 'e-mail', telegram: 'Telegram' };
  const legalNames = {
    legalName: 'Наименование / Legal name',
    inn: 'ИНН',
    kpp: 'КПП',
    ogrn: 'ОГРН / ОГРНИП',
    legalAddress: 'Юридический адрес / Legal address',
    bankName: 'Банк / Bank',
    bankBik: 'БИК',
    bankAccount: 'Расчётный счёт / Account',
    bankCorrAccount: 'Корр. счёт / Corr. account',
  };
  const row = (...cells) => {
    const tr = document.createElement('tr');
    tr.append(...cells.map((c) => (typeof c === 'string' ? Viewer.text('td', c) : c)));
    return tr;
  };
  const cell = (child) => {
    const td = document.createElement('td');
    td.append(child);
    return td;
  };
  const fill = (selector, rows, empty) =>
    document.querySelector(selector).replaceChildren(...(rows.length ? rows : [row(empty)]));

  document.getElementById('q').value = params.get('q') || '';
  document.getElementById('search').addEventListener('submit', (event) => {
    event.preventDefault();
    location.search = `?q=${encodeURIComponent(document.getElementById('q').value.trim())}`;
  });

  if (!(await signedIn)) {
    Viewer.say(message, 'Войдите, чтобы увидеть клиента. / Sign in to see the client.');
    return;
  }

  async function search(q) {
    const found = await Viewer.api(`/clients?q=${encodeURIComponent(q)}&limit=50`);
    document.getElementById('results').hidden = false;
    fill(
      '#result-list tbody',
      found.map((c) =>
        row(
          cell(Viewer.text('a', c.name || c.legalName || `№${c.id}`, { href: `/client.html?id=${c.id}` })),
          c.phone || '—',
          c.email || '—',
          c.inn || '—',
          categories[c.category] || c.category,
        ),
      ),
      'Никого не нашли / Nobody found',
    );
  }

  /** The profile; a merged client's id is redirected (301) by the API to the client it went into. */
  async function profile(id) {
    const response = await fetch(`/clients/${id}`);
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || `${response.status}`);
    if (response.redirected) {
      history.replaceState(null, '', `/client.html?id=${body.id}`);
      Viewer.say(message, `Клиент №${id} объединён с №${body.id} / Client ${id} was merged into ${body.id}`);
    }
    return body;
  }

  function showProfile(client) {
    document.getElementById('profile').hidden = false;
    document.getElementById('title').textContent =
      `Клиент · ${client.name || client.legal.legalName || `№${client.id}`}`;
    fill(
      '#facts',
      [
        ['№', String(client.id)],
        ['Имя / Name', client.name || '—'],
        ['Вид / Kind', kinds[client.kind] || client.kind],
        ['Категория / Category', categories[client.category] || client.category],
        ['Телефон / Phone', client.phone || '—'],
        ['E-mail', client.email || '—'],
        ['Канал уведомлений / Notices by', client.preferredChannel],
        ['Заметка / Note', client.note || '—'],
      ].map(([name, value]) => row(Viewer.text('th', name), value)),
      '',
    );
    const legal = Object.entries(legalNames).filter(([field]) => client.legal[field]);
    document.getElementById('legal-section').hidden = client.kind !== 'company' && legal.length === 0;
    fill(
      '#legal',
      legal.map(([field, name]) => row(Viewer.text('th', name), client.legal[field])),
      'Не указаны / Not given',
    );
    fill(
      '#contacts tbody',
      [
        ...client.contacts.map((c) => row(contactKinds[c.kind] || c.kind, c.value, c.label || '')),
        ...client.telegramChats.map((c) =>
          row(
            'Telegram (бот / bot)',
            c.username ? `@${c.username}` : String(c.chatId),
            c.blockedAt ? 'заблокировал / blocked' : '',
          ),
        ),
      ],
      'Других контактов нет / No further contacts',
    );
    fill(
      '#devices tbody',
      client.devices.map((d) => row(d.model, d.serial || '—', d.imei || '—', d.note || '')),
      'Нет устройств / No devices',
    );
    fill(
      '#consents tbody',
      [
        ['notifications', 'Уведомления / Notifications'],
        ['marketing', 'Реклама / Marketing'],
      ].flatMap(([kind, name]) => {
        const c = client.consents[kind];
        if (!c) return [row(name, 'не спрашивали / never asked', '—', '')];
        // The consent now on each channel: the latest record naming it or none.
        return [
          ['email', 'e-mail'],
          ['sms', 'SMS'],
          ['telegram', 'Telegram'],
        ].map(([channel, label]) => {
          const d = c.channels[channel];
          return d
            ? row(
                `${name}: ${label}`,
                d.granted ? 'да / yes' : 'отозвано / withdrawn',
                Viewer.when(d.at),
                d.source || '',
              )
            : row(`${name}: ${label}`, 'не спрашивали / never asked', '—', '');
        });
      }),
      '',
    );
  }

  let offset = 0;
  async function showTimeline(id) {
    const page = await Viewer.api(`/clients/${id}/timeline?limit=20&offset=${offset}`);
    const body = document.querySelector('#timeline tbody');
    if (offset === 0) body.replaceChildren();
    for (const entry of page.entries) {
      const link = cell(Viewer.text('a', `№${entry.ticketId}`, { href: `/ticket.html?id=${entry.ticketId}` }));
      if (entry.kind === 'ticket') {
        const t = entry.ticket;
        body.append(row(Viewer.when(entry.at), link, t.channel, `${t.subject || '(скрыто / hidden)'} · ${t.stage}`));
      } else {
        const a = entry.article;
        const arrow = a.direction === 'in' ? '← ' : '→ ';
        body.append(row(Viewer.when(entry.at), link, a.channel, `${arrow}${a.sender}: ${a.body}`));
      }
    }
    if (!body.children.length) body.append(row('Заявок нет / No tickets'));
    offset += page.tickets;
    const more = document.getElementById('more');
    more.hidden = !page.hasMore;
    more.onclick = () => showTimeline(id).catch((error) => Viewer.say(message, error.message));
  }

  try {
    const id = Number(params.get('id'));
    if (params.get('q')) await search(params.get('q'));
    if (Number.isInteger(id) && id > 0) {
      const client = await profile(id);
      showProfile(client);
      await showTimeline(client.id);
    } else if (!params.get('q')) Viewer.say(message, 'Найдите клиента или откройте /client.html?id=… / Find a client.');
  } catch (error) {
    Viewer.say(message, error.message);
  }
  document.body.dataset.state = 'ready';
})();
