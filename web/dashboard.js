// The script of dashboard.html, kept out of the page so the Content-Security-Policy allows no inline script.
// Every number comes from GET /figures; a count opens the tickets behind it (GET /figures/tickets).
// The page reads its figures again each time GET /figures/stream says the record changed.
'use strict';
(async () => {
  const params = new URLSearchParams(location.search);
  const form = document.getElementById('filters');
  const message = document.getElementById('message');
  const FILTERS = ['queue', 'category', 'clientCategory', 'channel', 'supportLine', 'operator', 'service'];

  // The period and filters live in the URL, so a view can be shared as a link.
  const toLocalInput = (iso) => {
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  };
  const endOfMinute = () => new Date(Math.ceil((Date.now() + 1) / 60000) * 60000);
  const to = params.get('to') || endOfMinute().toISOString();
  const from = params.get('from') || new Date(Date.parse(to) - 7 * 86400000).toISOString();
  form.from.value = toLocalInput(from);
  form.to.value = toLocalInput(to);
  form.interval.value = params.get('interval') || 'day';
  for (const name of FILTERS) if (name !== 'queue') form[name].value = params.get(name) || '';

  /** The period and filters as the API reads them. */
  const baseQuery = () => {
    const query = new URLSearchParams();
    query.set('from', new Date(form.from.value).toISOString());
    query.set('to', new Date(form.to.value).toISOString());
    for (const name of FILTERS) if (form[name].value) query.set(name, form[name].value);
    return query;
  };
  const withParams = (extra) => {
    const query = baseQuery();
    for (const [k, v] of Object.entries(extra)) query.set(k, v);
    return query.toString();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = baseQuery();
    query.set('interval', form.interval.value);
    location.search = query.toString();
  });
  for (const button of form.querySelectorAll('button[data-days]')) {
    button.addEventListener('click', () => {
      const end = endOfMinute();
      form.to.value = toLocalInput(end.toISOString());
      form.from.value = toLocalInput(new Date(end.getTime() - Number(button.dataset.days) * 86400000).toISOString());
      form.requestSubmit();
    });
  }

  const fmt = {
    count: (v) => String(v),
    percent: (v) => (v === null ? '—' : `${v} %`),
    score: (v) => (v === null ? '—' : String(v)),
    duration: (v) => Viewer.duration(v),
  };

  /** The counts: [figure, label, value of the report's total, format, drill-down figure or none]. */
  const cards = [
    ['registered', 'Поступило / Registered', (t) => t.registered, fmt.count, 'registered'],
    ['accepted', 'Принято / Accepted', (t) => t.accepted, fmt.count, 'accepted'],
    ['resolved', 'Решено / Resolved', (t) => t.resolved, fmt.count, 'resolved'],
    ['closed', 'Закрыто / Closed', (t) => t.closed, fmt.count, 'closed'],
    ['reopened', 'Переоткрыто / Reopened', (t) => t.reopened, fmt.count, 'reopened'],
    ['backlog', 'Открыто сейчас / Backlog now', (t) => t.backlog, fmt.count, 'backlog'],
    ['escalations', 'Эскалаций / Escalations', (t) => sum(t.escalations), fmt.count, 'escalated'],
    ['overdue', 'Решено с просрочкой / Resolved late', (t) => sumBy(t.overdueByReason), fmt.count, 'overdue'],
    ['firstResponse', 'Медиана реакции / Median first response', (t) => t.firstResponse.medianMs, fmt.duration],
    ['resolution', 'Медиана решения / Median resolution', (t) => t.resolution.medianMs, fmt.duration],
    [
      'firstResponseBusiness',
      'Реакция, раб. время / First response, business',
      (t) => t.firstResponseBusiness.medianMs,
      fmt.duration,
    ],
    [
      'firstResolutionBusiness',
      'Первое решение, раб. / First resolution, business',
      (t) => t.firstResolutionBusiness.medianMs,
      fmt.duration,
    ],
    [
      'resolutionBusiness',
      'Решение, раб. время / Resolution, business',
      (t) => t.resolutionBusiness.medianMs,
      fmt.duration,
    ],
    ['waitingForClient', 'Ожидание клиента / Waiting for the client', (t) => t.waitingForClient.medianMs, fmt.duration],
    ['queueWaitBusiness', 'В очереди, раб. / In a queue, business', (t) => t.queueWaitBusiness.medianMs, fmt.duration],
    ['workVsNorm', 'Факт / норма · Actual / norm', (t) => t.workVsNorm.ratio, fmt.score],
    ['slaAchievedPercent', 'SLA выполнен / SLA achieved', (t) => t.slaAchievedPercent, fmt.percent],
    ['csatMean', 'CSAT (1–5)', (t) => t.csatMean, fmt.score],
    ['csatTop2BoxPercent', 'CSAT 4–5', (t) => t.csatTop2BoxPercent, fmt.percent],
    ['reopenRatePercent', 'Доля переоткрытых / Reopen rate', (t) => t.reopenRatePercent, fmt.percent],
    ['npsScore', 'NPS (−100…100)', (t) => t.npsScore, fmt.score],
    ['csi', 'CSI (0–100)', (t) => t.csi, fmt.score],
    ['nrrPercent', 'Негативные ответы / NRR', (t) => t.nrrPercent, fmt.percent],
    ['fcrPercent', 'Решено с первого обращения / FCR', (t) => t.fcrPercent, fmt.percent],
  ];
  const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
  const sumBy = (rows) => rows.reduce((a, r) => a + r.count, 0);

  let definitions = {};
  const definition = (name) => (definitions[name] ? `${definitions[name].ru}\n${definitions[name].en}` : '');

  function drawCards(total) {
    const box = document.getElementById('counts');
    box.replaceChildren(
      ...cards.map(([name, label, value, format, drill]) => {
        const card = drill
          ? Viewer.text('a', '', { class: 'card', href: '#', 'data-drill': drill })
          : Viewer.text('div', '', { class: 'card' });
        const shown = value(total);
        card.append(
          Viewer.text('span', format(shown), { class: 'value', 'data-figure': name, 'data-value': String(shown) }),
          Viewer.text('span', label, { class: 'label' }),
        );
        card.title = definition(name === 'overdue' ? 'overdueByReason' : name);
        if (drill) card.addEventListener('click', (event) => (event.preventDefault(), drillDown(drill, label)));
        return card;
      }),
    );
  }

  const charts = {};
  const chart = (id) => {
    charts[id] = charts[id] || echarts.init(document.getElementById(id), null, { renderer: 'svg' });
    return charts[id];
  };
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const textStyle = { color: dark ? '#e6e9ed' : '#1d232a' };
  const bucketLabel = (iso) => new Date(iso).toLocaleDateString('ru-RU', { day: '2-digit', month: '2-digit' });

  function drawSeries(series) {
    const labels = series.map((b) => bucketLabel(b.from));
    chart('chart-throughput').setOption(
      {
        animation: false,
        textStyle,
        tooltip: { trigger: 'axis' },
        legend: {
          animation: false,
          textStyle,
          bottom: 0,
          data: ['Поступило / Registered', 'Решено / Resolved', 'Открыто / Open at end'],
        },
        grid: { left: 40, right: 40, bottom: 60, top: 15 },
        xAxis: { type: 'category', data: labels },
        yAxis: [
          { type: 'value', minInterval: 1 },
          { type: 'value', minInterval: 1 },
        ],
        series: [
          { name: 'Поступило / Registered', type: 'bar', data: series.map((b) => b.registered) },
          { name: 'Решено / Resolved', type: 'bar', data: series.map((b) => b.resolved) },
          { name: 'Открыто / Open at end', type: 'line', yAxisIndex: 1, data: series.map((b) => b.openAtEnd) },
        ],
      },
      true,
    );
    chart('chart-csat').setOption(
      {
        animation: false,
        textStyle,
        tooltip: { trigger: 'axis' },
        legend: { textStyle, bottom: 0, data: ['CSAT (1–5)', 'Ответили / Response rate, %'] },
        grid: { left: 40, right: 40, bottom: 60, top: 15 },
        xAxis: { type: 'category', data: labels },
        yAxis: [
          { type: 'value', min: 1, max: 5 },
          { type: 'value', min: 0, max: 100 },
        ],
        series: [
          {
            name: 'CSAT (1–5)',
            type: 'line',
            connectNulls: true,
            showSymbol: true,
            symbolSize: 8,
            data: series.map((b) => b.csatMean),
          },
          {
            name: 'Ответили / Response rate, %',
            type: 'line',
            yAxisIndex: 1,
            connectNulls: true,
            showSymbol: true,
            symbolSize: 8,
            data: series.map((b) => b.surveyResponseRatePercent),
          },
        ],
      },
      true,
    );
  }

  const groupName = (g) => (g.group === null ? '— нет / none' : g.group);

  function drawQueues(groups) {
    const rows = groups.filter((g) => g.figures.slaAchievedPercent !== null);
    chart('chart-sla').setOption(
      {
        animation: false,
        textStyle,
        tooltip: { trigger: 'axis' },
        grid: { left: 110, right: 20, bottom: 30, top: 10 },
        xAxis: { type: 'value', min: 0, max: 100 },
        yAxis: { type: 'category', data: rows.map(groupName) },
        series: [{ type: 'bar', data: rows.map((g) => g.figures.slaAchievedPercent), label: { show: true } }],
      },
      true,
    );
    const body = document.querySelector('#queues-table tbody');
    body.replaceChildren(
      ...groups.map((g) => {
        const row = document.createElement('tr');
        row.dataset.queue = g.group === null ? '' : g.group;
        const f = g.figures;
        row.append(
          Viewer.text('td', groupName(g)),
          Viewer.text('td', String(f.registered), { class: 'num', 'data-figure': 'registered' }),
          Viewer.text('td', String(f.resolved), { class: 'num', 'data-figure': 'resolved' }),
          Viewer.text('td', String(f.backlog), { class: 'num', 'data-figure': 'backlog' }),
          Viewer.text('td', fmt.percent(f.slaAchievedPercent), { class: 'num' }),
          Viewer.text('td', fmt.duration(f.resolution.medianMs), { class: 'num' }),
          Viewer.text('td', fmt.duration(f.resolutionBusiness.medianMs), { class: 'num' }),
          Viewer.text('td', fmt.duration(f.waitingForClient.totalMs || null), { class: 'num' }),
          Viewer.text('td', fmt.score(f.workVsNorm.ratio), { class: 'num' }),
          Viewer.text('td', fmt.score(f.csatMean), { class: 'num' }),
        );
        return row;
      }),
    );
  }

  /** Load now (held and offered, stacked, against the limit) beside what each resolved in the period. */
  function drawOperators(groups) {
    const held = groups.filter((g) => g.group !== null);
    const load = (g, key) => (g.load ? g.load[key] : null);
    chart('chart-load').setOption(
      {
        animation: false,
        textStyle,
        tooltip: { trigger: 'axis' },
        legend: {
          textStyle,
          bottom: 0,
          data: ['В работе / Held', 'Предложено / Offered', 'Лимит / Limit', 'Решено / Resolved'],
        },
        grid: { left: 90, right: 20, bottom: 60, top: 15 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: held.map(groupName) },
        series: [
          { name: 'В работе / Held', type: 'bar', stack: 'load', data: held.map((g) => g.figures.backlog) },
          { name: 'Предложено / Offered', type: 'bar', stack: 'load', data: held.map((g) => load(g, 'offered')) },
          {
            name: 'Лимит / Limit',
            type: 'scatter',
            symbol: 'rect',
            symbolSize: [4, 22],
            data: held.map((g) => load(g, 'limit')),
          },
          { name: 'Решено / Resolved', type: 'bar', data: held.map((g) => g.figures.resolved) },
        ],
      },
      true,
    );
  }

  function drawOverdue(total) {
    const reasons = total.overdueByReason;
    chart('chart-overdue').setOption(
      {
        animation: false,
        textStyle,
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d} %)' },
        series: [
          {
            type: 'pie',
            radius: ['35%', '65%'],
            label: { color: textStyle.color },
            data: reasons.map((r) => ({
              name: r.reason === null ? 'не указана / none recorded' : r.reason,
              value: r.count,
            })),
          },
        ],
        graphic: reasons.length
          ? []
          : [
              {
                type: 'text',
                left: 'center',
                top: 10,
                style: { text: 'Нет просрочек / None late', fill: textStyle.color },
              },
            ],
      },
      true,
    );
  }

  function drawAgeing(total) {
    const ageing = [
      ['< 1 д / day', total.backlogAgeing.under1d],
      ['1–3 д', total.backlogAgeing.from1to3d],
      ['3–7 д', total.backlogAgeing.from3to7d],
      ['> 7 д', total.backlogAgeing.over7d],
    ];
    const levels = [
      ['Ур. 1 / L1', total.escalations.level1],
      ['Ур. 2 / L2', total.escalations.level2],
      ['Ур. 3 / L3', total.escalations.level3],
      ['Вручную / manual', total.escalations.manual],
    ];
    chart('chart-ageing').setOption(
      {
        animation: false,
        textStyle,
        tooltip: { trigger: 'axis' },
        grid: [
          { left: 40, right: '55%', bottom: 50, top: 20 },
          { left: '55%', right: 10, bottom: 50, top: 20 },
        ],
        xAxis: [
          { type: 'category', gridIndex: 0, data: ageing.map((a) => a[0]), axisLabel: { rotate: 30 } },
          { type: 'category', gridIndex: 1, data: levels.map((a) => a[0]), axisLabel: { rotate: 30 } },
        ],
        yAxis: [
          { type: 'value', gridIndex: 0, minInterval: 1 },
          { type: 'value', gridIndex: 1, minInterval: 1 },
        ],
        series: [
          { name: 'Возраст / Age', type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: ageing.map((a) => a[1]) },
          { name: 'Эскалации / Escalations', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: levels.map((a) => a[1]) },
        ],
      },
      true,
    );
  }

  function csvLinks() {
    const link = (id, extra) => (document.getElementById(id).href = `/figures.csv?${withParams(extra)}`);
    link('csv-total', { table: 'total' });
    link('csv-series', { table: 'series', interval: form.interval.value });
    link('csv-queues', { table: 'groups', groupBy: 'queue' });
    link('csv-operators', { table: 'groups', groupBy: 'operator' });
    link('csv-overdue', { table: 'overdue' });
    link('csv-moves', { table: 'moves' });
    link('csv-lines', { table: 'lines' });
  }

  /** The counted business time of the period's resolved tickets on each support line they were on. */
  function drawLines(lines) {
    const table = document.getElementById('lines-table');
    table.title = definition('perSupportLineBusiness');
    table.querySelector('tbody').replaceChildren(
      ...lines.map((l) => {
        const row = document.createElement('tr');
        row.dataset.line = String(l.supportLine);
        row.append(
          Viewer.text('td', String(l.supportLine)),
          Viewer.text('td', String(l.count), { class: 'num' }),
          Viewer.text('td', fmt.duration(l.medianMs), {
            class: 'num',
            'data-figure': 'medianMs',
            'data-value': String(l.medianMs),
          }),
          Viewer.text('td', fmt.duration(l.p90Ms), { class: 'num' }),
        );
        return row;
      }),
    );
  }

  /** Skips (with reasons), reassignments, returns and transfers per operator in the period. */
  function drawMoves(moves) {
    document.querySelector('#moves-table tbody').replaceChildren(
      ...moves.map((m) => {
        const row = document.createElement('tr');
        row.dataset.operator = m.operator;
        const reasons = m.skipReasons.map((r) => `${r.reason ?? '—'}: ${r.count}`).join('; ');
        row.append(
          Viewer.text('td', m.operator),
          Viewer.text('td', String(m.skipped), { class: 'num', 'data-figure': 'skipped' }),
          Viewer.text('td', reasons),
          Viewer.text('td', String(m.reassignedAway), { class: 'num' }),
          Viewer.text('td', String(m.returnedToQueue), { class: 'num' }),
          Viewer.text('td', String(m.transferred), { class: 'num' }),
        );
        return row;
      }),
    );
  }

  /** The tickets behind a count: subject and client for managers only (the API decides). */
  async function drillDown(figure, label) {
    const panel = document.getElementById('drill');
    const list = document.getElementById('drill-tickets');
    try {
      const answer = await Viewer.api(`/figures/tickets?${withParams({ figure, limit: 200 })}`);
      document.getElementById('drill-title').textContent = `${label}: ${answer.total}`;
      document.getElementById('drill-csv').href = `/figures.csv?${withParams({ table: 'tickets', figure })}`;
      list.replaceChildren(
        ...answer.tickets.map((t) => {
          const item = Viewer.text('li', '', { 'data-ticket-id': String(t.id) });
          item.append(Viewer.text('a', `№${t.id}`, { href: `/ticket.html?id=${t.id}` }));
          if (t.subject) item.append(document.createTextNode(` ${t.subject}`));
          item.append(
            Viewer.text(
              'div',
              [t.stage, t.queue, t.assigneeId, `линия ${t.supportLine}`, Viewer.when(t.createdAt)]
                .filter(Boolean)
                .join(' · '),
              { class: 'meta' },
            ),
          );
          return item;
        }),
      );
      if (answer.total > answer.tickets.length)
        list.append(Viewer.text('li', `… и ещё ${answer.total - answer.tickets.length} (CSV) / and more`));
      panel.hidden = false;
    } catch (error) {
      Viewer.say(message, error.message);
    }
  }
  document
    .getElementById('drill-close')
    .addEventListener('click', () => (document.getElementById('drill').hidden = true));

  async function load() {
    const [report, byQueue, byOperator] = await Promise.all([
      Viewer.api(`/figures?${withParams({ interval: form.interval.value })}`),
      Viewer.api(`/figures?${withParams({ groupBy: 'queue' })}`),
      Viewer.api(`/figures?${withParams({ groupBy: 'operator' })}`),
    ]);
    drawCards(report.total);
    drawSeries(report.series);
    drawQueues(byQueue.groups);
    drawOperators(byOperator.groups);
    drawMoves(byOperator.operatorMoves ?? []);
    drawLines(report.total.perSupportLineBusiness);
    drawOverdue(report.total);
    drawAgeing(report.total);
    document.body.dataset.loadedAt = report.now;
  }

  /** Live: the stream says when the record changed; reads are coalesced so a burst of events is one reload. */
  function watch() {
    const live = document.getElementById('live');
    const stream = new EventSource(`/figures/stream?${withParams({})}`);
    let pending;
    let first = true;
    stream.addEventListener('changed', () => {
      live.textContent = '● live';
      live.classList.add('on');
      // The first event only says the stream is open: the page has just read its figures.
      if (first) return void (first = false);
      clearTimeout(pending);
      pending = setTimeout(() => load().catch((error) => Viewer.say(message, error.message)), 300);
    });
    stream.addEventListener('error', () => {
      live.textContent = '○';
      live.classList.remove('on');
    });
  }

  try {
    const operator = await Viewer.signedIn(document.getElementById('operator'));
    if (!operator) throw new Error('Войдите, чтобы увидеть показатели. · Sign in to see the figures.');
    definitions = await Viewer.api('/figures/definitions');
    const queues = await Viewer.api('/queues');
    for (const queue of queues) form.queue.append(Viewer.text('option', queue.name, { value: queue.code }));
    form.queue.value = params.get('queue') || '';
    csvLinks();
    await load();
    watch();
  } catch (error) {
    Viewer.say(message, error.message);
  }
  document.body.dataset.state = 'ready';
})();
