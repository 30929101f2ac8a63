// The script of process.html, kept out of the page so the Content-Security-Policy allows no inline script.
(async () => {
  const params = new URLSearchParams(location.search);
  const processId = params.get('process') || 'ticket_lifecycle';
  const form = document.getElementById('filters');
  const message = document.getElementById('message');
  const HEAT_BANDS = 5;
  let viewer;
  let selected;

  // The period and filters live in the URL, so a view can be shared as a link.
  const toLocalInput = (iso) => {
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  };
  // By default the period ends at the end of this minute, so what just happened is in it.
  const endOfMinute = new Date(Math.ceil((Date.now() + 1) / 60000) * 60000);
  const to = params.get('to') || endOfMinute.toISOString();
  const from = params.get('from') || new Date(Date.parse(to) - 7 * 86400000).toISOString();
  form.from.value = toLocalInput(from);
  form.to.value = toLocalInput(to);
  form.category.value = params.get('category') || '';
  form.clientCategory.value = params.get('clientCategory') || '';

  const filterQuery = () => {
    const query = new URLSearchParams();
    for (const name of ['queue', 'category', 'clientCategory']) if (form[name].value) query.set(name, form[name].value);
    return query;
  };
  const periodQuery = () => {
    const query = filterQuery();
    query.set('from', new Date(form.from.value).toISOString());
    query.set('to', new Date(form.to.value).toISOString());
    return query;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = periodQuery();
    query.set('process', processId);
    location.search = query.toString();
  });
  for (const button of form.querySelectorAll('button[data-days]')) {
    button.addEventListener('click', () => {
      const end = new Date(Math.ceil((Date.now() + 1) / 60000) * 60000);
      form.to.value = toLocalInput(end.toISOString());
      form.from.value = toLocalInput(new Date(end.getTime() - Number(button.dataset.days) * 86400000).toISOString());
      form.requestSubmit();
    });
  }
  const signedIn = Viewer.signedIn(document.getElementById('operator'));

  /** Log-scale bands between the shortest and the longest median of the view. */
  function heatScale(medians) {
    const values = medians.filter((m) => m !== null && m > 0);
    if (values.length === 0) return null;
    const lo = Math.log(Math.min(...values));
    const hi = Math.log(Math.max(...values));
    const width = (hi - lo) / HEAT_BANDS || 1;
    return {
      band: (m) => Math.min(HEAT_BANDS - 1, Math.floor((Math.log(Math.max(m, 1)) - lo) / width)),
      bounds: (k) => [Math.exp(lo + k * width), Math.exp(lo + (k + 1) * width)],
      flat: hi === lo,
    };
  }

  function drawLegend(scale) {
    const legend = document.getElementById('legend');
    legend.replaceChildren(Viewer.text('strong', 'Медиана шага / Median step time:'));
    if (!scale) {
      legend.append(Viewer.text('span', 'нет завершённых шагов за период / no finished steps in the period'));
      return;
    }
    for (let k = 0; k < (scale.flat ? 1 : HEAT_BANDS); k++) {
      const [a, b] = scale.bounds(k);
      const item = document.createElement('span');
      item.className = 'legend-band';
      item.dataset.band = String(k);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = `var(--heat-${k})`;
      item.append(swatch, scale.flat ? Viewer.duration(a) : `${Viewer.duration(a)} – ${Viewer.duration(b)}`);
      legend.append(item);
    }
  }

  function drawStatistics(stats) {
    const overlays = viewer.get('overlays');
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    overlays.clear();
    const scale = heatScale(stats.elements.map((e) => e.medianMs));
    const rows = [];
    for (const element of stats.elements) {
      if (!registry.get(element.elementId)) continue;
      for (let k = 0; k < HEAT_BANDS; k++) canvas.removeMarker(element.elementId, `heat-${k}`);
      if (scale && element.medianMs !== null)
        canvas.addMarker(element.elementId, `heat-${scale.flat ? 0 : scale.band(element.medianMs)}`);
      if (element.now > 0) {
        overlays.add(element.elementId, 'now', {
          position: { top: -12, right: 12 },
          html: `<div class="badge" data-element-id="${element.elementId}" title="Заявок сейчас / Tickets now">${element.now}</div>`,
        });
      }
      if (element.medianMs !== null) {
        overlays.add(element.elementId, 'duration', {
          position: { bottom: -2, left: 0 },
          html: `<div class="durations">м ${Viewer.duration(element.medianMs)} · p90 ${Viewer.duration(element.p90Ms)}</div>`,
        });
      }
      if (element.breaches + element.escalations > 0) {
        overlays.add(element.elementId, 'flags', {
          position: { top: -12, left: -6 },
          html: `<div class="flags" data-element-id="${element.elementId}" data-breaches="${element.breaches}" data-escalations="${element.escalations}" title="Просрочки / эскалации — Breaches / escalations">⚠ ${element.breaches} ⤴ ${element.escalations}</div>`,
        });
      }
      const row = document.createElement('tr');
      row.dataset.elementId = element.elementId;
      row.append(
        Viewer.text('td', Viewer.elementName(viewer, element.elementId)),
        Viewer.text('td', String(element.now), { class: 'num' }),
        Viewer.text('td', String(element.visits), { class: 'num' }),
        Viewer.text('td', Viewer.duration(element.medianMs), { class: 'num' }),
        Viewer.text('td', Viewer.duration(element.p90Ms), { class: 'num' }),
        Viewer.text('td', String(element.breaches), { class: 'num' }),
        Viewer.text('td', String(element.escalations), { class: 'num' }),
      );
      rows.push(row);
    }
    document.querySelector('#stats tbody').replaceChildren(...rows);
    drawLegend(scale);
  }

  async function showTicketsAt(elementId) {
    const title = document.getElementById('element-title');
    const list = document.getElementById('element-tickets');
    const canvas = viewer.get('canvas');
    if (selected) canvas.removeMarker(selected, 'selected-element');
    selected = elementId;
    canvas.addMarker(elementId, 'selected-element');
    title.textContent = `${Viewer.elementName(viewer, elementId)}: заявки сейчас`;
    list.replaceChildren();
    try {
      const tickets = await Viewer.api(
        `/processes/${encodeURIComponent(processId)}/elements/${encodeURIComponent(elementId)}/tickets?${filterQuery()}`,
      );
      if (tickets.length === 0) list.append(Viewer.text('li', 'Сейчас здесь заявок нет / No tickets here now'));
      for (const ticket of tickets) {
        const item = document.createElement('li');
        item.dataset.ticketId = String(ticket.id);
        item.append(
          Viewer.text('a', `№${ticket.id}${ticket.subject ? ` — ${ticket.subject}` : ''}`, {
            href: `/ticket.html?id=${ticket.id}`,
          }),
        );
        const meta = [
          ticket.category,
          ticket.priority,
          ticket.assigneeId && `исп. ${ticket.assigneeId}`,
          ticket.clientName,
          `с ${Viewer.when(ticket.since)}`,
        ]
          .filter(Boolean)
          .join(' · ');
        item.append(Viewer.text('div', meta, { class: 'meta' }));
        list.append(item);
      }
    } catch (error) {
      list.append(Viewer.text('li', error.message));
    }
  }

  try {
    const [processes, diagram] = await Promise.all([
      Viewer.api('/processes'),
      Viewer.xml(`/processes/${encodeURIComponent(processId)}/xml`),
    ]);
    const process = processes.find((p) => p.id === processId);
    document.getElementById('title').textContent = process ? process.name : processId;
    document.title = `${process ? process.name : processId} · Процесс`;
    viewer = await Viewer.showDiagram(document.getElementById('canvas'), diagram);
    viewer.get('eventBus').on('element.click', (event) => {
      // A click on an event's label means the event.
      const element = event.element.labelTarget || event.element;
      if (element.type === 'bpmn:Process' || element.waypoints || /Gateway$/.test(element.type)) return;
      showTicketsAt(element.id);
    });
  } catch (error) {
    Viewer.say(message, `Схема не загружена / Diagram not loaded: ${error.message}`);
    return;
  }

  if (!(await signedIn)) {
    Viewer.say(message, 'Войдите, чтобы увидеть цифры. / Sign in to see the figures.');
    document.body.dataset.state = 'ready';
    return;
  }
  try {
    const queues = await Viewer.api('/queues');
    for (const queue of queues) form.queue.append(Viewer.text('option', queue.name, { value: queue.code }));
    form.queue.value = params.get('queue') || '';
    const stats = await Viewer.api(`/processes/${encodeURIComponent(processId)}/statistics?${periodQuery()}`);
    drawStatistics(stats);
  } catch (error) {
    Viewer.say(message, error.message);
  }
  document.body.dataset.state = 'ready';
})();
