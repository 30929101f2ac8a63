// The script of ticket.html, kept out of the page so the Content-Security-Policy allows no inline script.
(async () => {
  const message = document.getElementById('message');
  const params = new URLSearchParams(location.search);
  const ticketId = Number(params.get('id'));
  // The ticket lifecycle by default; ?process=sla_escalation shows the same ticket's SLA clocks.
  const processId = params.get('process') || 'ticket_lifecycle';
  const signedIn = Viewer.signedIn(document.getElementById('operator'));
  if (!Number.isInteger(ticketId) || ticketId < 1) {
    Viewer.say(message, 'Укажите номер заявки: /ticket.html?id=1001 / Give a ticket number.');
    return;
  }
  document.getElementById('title').textContent = `Заявка №${ticketId}`;
  if (!(await signedIn)) {
    Viewer.say(message, 'Войдите, чтобы увидеть путь заявки. / Sign in to see the ticket’s path.');
    return;
  }
  try {
    const trail = await Viewer.api(`/tickets/${ticketId}/trail?processId=${encodeURIComponent(processId)}`);
    const other =
      processId === 'ticket_lifecycle'
        ? ['sla_escalation', 'Часы SLA / SLA clocks']
        : ['ticket_lifecycle', 'Жизненный цикл / Lifecycle'];
    const switcher = document.getElementById('other-process');
    switcher.href = `/ticket.html?id=${ticketId}&process=${other[0]}`;
    switcher.textContent = other[1];
    document.getElementById('process-link').href = `/process.html?process=${encodeURIComponent(trail.processId)}`;
    const viewer = await Viewer.showDiagram(
      document.getElementById('canvas'),
      await Viewer.xml(`/processes/${encodeURIComponent(trail.processId)}/xml`),
    );
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');

    // The path: every element it visited, and the flows between consecutive steps,
    // also through the gateways nobody records.
    const visited = new Set(trail.path.filter((id) => registry.get(id)));
    for (const id of visited) canvas.addMarker(id, 'trail-visited');
    const flowsBetween = (from, to, seen = new Set()) => {
      const source = registry.get(from);
      if (!source) return [];
      for (const flow of source.outgoing || []) {
        if (flow.target.id === to) return [flow];
        if (/Gateway$/.test(flow.target.type) && !seen.has(flow.target.id)) {
          seen.add(flow.target.id);
          const rest = flowsBetween(flow.target.id, to, seen);
          if (rest.length) return [flow, flow.target, ...rest];
        }
      }
      return [];
    };
    for (let i = 1; i < trail.path.length; i++) {
      for (const part of flowsBetween(trail.path[i - 1], trail.path[i])) canvas.addMarker(part.id, 'trail-visited');
    }
    if (trail.current && registry.get(trail.current)) {
      canvas.removeMarker(trail.current, 'trail-visited');
      canvas.addMarker(trail.current, 'trail-current');
    }

    const rows = trail.visits.map((visit) => {
      const row = document.createElement('tr');
      row.dataset.elementId = visit.elementId;
      row.append(
        Viewer.text('td', Viewer.elementName(viewer, visit.elementId)),
        Viewer.text('td', visit.actors.join(', ') || 'система / system'),
        Viewer.text('td', Viewer.when(visit.enteredAt)),
        Viewer.text('td', visit.leftAt ? Viewer.duration(visit.durationMs) : 'сейчас здесь / here now', {
          class: 'num',
        }),
        Viewer.text('td', visit.events.map((e) => e.action).join(', ')),
      );
      return row;
    });
    document.querySelector('#timeline tbody').replaceChildren(...rows);
    if (processId === 'ticket_lifecycle') await showBreaches(viewer);
    await showClient();
    document.getElementById('title').textContent = `Заявка №${ticketId} · ${trail.stage}`;
  } catch (error) {
    Viewer.say(message, error.message);
  }
  document.body.dataset.state = 'ready';

  /** The ticket's client, linked to their profile: only for those who may see the ticket's contents (blind queues). */
  async function showClient() {
    const ticket = await Viewer.api(`/tickets/${ticketId}`);
    if (!ticket.client) return;
    const link = document.getElementById('client-link');
    link.href = `/client.html?id=${ticket.client.id}`;
    link.textContent = ticket.client.name || ticket.client.email || ticket.client.phone || `№${ticket.client.id}`;
    document.getElementById('client-line').hidden = false;
  }

  /**
   * Why the ticket's targets breached (GET /tickets/:id/breaches): one line per breached target,
   * and the share of the first one's counted time on each step of the diagram. Nothing for an
   * operator who may not see the ticket's contents (the API gives no timeline then).
   */
  async function showBreaches(viewer) {
    const answer = await Viewer.api(`/tickets/${ticketId}/breaches`);
    const breached = answer.details ? answer.targets.filter((t) => t.explanation) : [];
    if (breached.length === 0) return;
    const names = { response: 'Реакция / Response', resolution: 'Решение / Resolution', handover: 'OLA' };
    document.getElementById('breach-list').replaceChildren(
      ...breached.map((t) => {
        const item = Viewer.text('li', `${names[t.target]}${t.handover ? ` ${t.handover}` : ''}: ${t.explanation.ru}`);
        item.dataset.target = t.target;
        item.append(Viewer.text('span', ` / ${t.explanation.en}`, { lang: 'en', class: 'en' }));
        return item;
      }),
    );
    document.getElementById('breaches').hidden = false;
    const registry = viewer.get('elementRegistry');
    const overlays = viewer.get('overlays');
    for (const element of breached[0].elements) {
      if (!registry.get(element.elementId) || element.share <= 0) continue;
      const percent = Math.round(element.share * 100);
      overlays.add(element.elementId, 'breach-share', {
        position: { bottom: 14, right: 4 },
        html: `<div class="share" data-element-id="${element.elementId}" data-share="${element.share}" title="Доля времени цели / Share of the target’s time">${percent}%</div>`,
      });
    }
  }
})();
