// The script of index.html, kept out of the page so the Content-Security-Policy allows no inline script.
'use strict';
(() => {
  const form = document.getElementById('ticket-form');
  const answer = document.getElementById('answer');
  const button = form.querySelector('button[type="submit"]');

  const categories = {
    repair: 'ремонт · repair',
    warranty: 'гарантия · warranty',
    connectivity: 'связь и сеть · connectivity',
    billing: 'счета и оплата · billing',
    facilities: 'хозяйственная часть · facilities',
    complaint: 'жалоба · complaint',
    general: 'общий вопрос · general',
  };
  const priorities = {
    low: 'низкий · low',
    normal: 'обычный · normal',
    high: 'высокий · high',
    critical: 'критический · critical',
  };

  /** Shows a title and optional [term, value] rows; text only, never HTML from the API. */
  const show = (kind, title, rows = []) => {
    const heading = document.createElement('p');
    heading.textContent = title;
    const list = document.createElement('dl');
    for (const [term, value] of rows) {
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = term;
      dd.textContent = value;
      list.append(dt, dd);
    }
    answer.replaceChildren(heading, ...(rows.length ? [list] : []));
    answer.className = `answer ${kind}`;
    answer.hidden = false;
  };

  const field = (name) => form.elements[name].value.trim();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const client = {};
    for (const name of ['name', 'phone', 'email']) {
      if (field(name)) client[name] = field(name);
    }
    if (!client.phone && !client.email) {
      show('bad', 'Укажите телефон или e-mail. · Please give a phone or an e-mail.');
      form.elements.phone.focus();
      return;
    }
    const ticket = { channel: 'web', subject: field('subject'), description: field('description'), client };

    button.disabled = true;
    show('', 'Отправляем… · Sending…');
    try {
      const response = await fetch('/tickets', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(ticket),
      });
      const body = await response.json().catch(() => ({}));
      if (response.status === 201 || response.status === 202) {
        const rows = [['Номер · Number', `№${body.id}`]];
        if (body.queue?.code) rows.push(['Очередь · Queue', body.queue.code]);
        if (body.category) rows.push(['Категория · Category', categories[body.category] ?? body.category]);
        if (body.priority) rows.push(['Приоритет · Priority', priorities[body.priority] ?? body.priority]);
        show(
          'ok',
          response.status === 201
            ? `Заявка №${body.id} зарегистрирована. · Ticket #${body.id} is registered.`
            : `Заявка №${body.id} принята и ещё регистрируется. · Ticket #${body.id} is accepted and still being registered.`,
          rows,
        );
        form.reset();
      } else if (response.status >= 400 && response.status < 500) {
        show(
          'bad',
          body.message || `Запрос отклонён (${response.status}). · The request was refused (${response.status}).`,
        );
      } else {
        show(
          'bad',
          'Сервис временно недоступен, попробуйте позже. · The service is unavailable, please try again later.',
        );
      }
    } catch {
      show('bad', 'Нет связи с сервером. · Cannot reach the server.');
    } finally {
      button.disabled = false;
    }
  });
})();
