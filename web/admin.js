// The administrators' page: staff accounts, the groups' access to queues and the audit log. Everything the API returns is
// written as text (textContent, input values), never as markup: the CSP allows no inline script,
// and a name or a detail that looks like HTML stays text.
'use strict';
(() => {
  const roles = ['operator', 'line_lead', 'manager', 'process_designer', 'administrator'];
  const levels = ['overview', 'take', 'act', 'manage'];
  const message = document.getElementById('message');
  const staffBody = document.getElementById('staff');
  const auditBody = document.getElementById('audit');
  const accessHead = document.getElementById('queue-access-head');
  const accessBody = document.getElementById('queue-access');
  const more = document.getElementById('more');
  let csrfToken = '';
  let groups = [];
  let lastAuditId;

  const say = (text, bad = false) => {
    message.className = bad ? 'message bad' : 'message';
    message.textContent = text;
  };
  const cell = (row, content) => {
    const td = document.createElement('td');
    if (content instanceof Node) td.append(content);
    else td.textContent = content === null || content === undefined ? '' : String(content);
    row.append(td);
    return td;
  };
  const api = async (method, url, body) => {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.message || `${response.status} ${response.statusText}`);
    return answer;
  };
  const select = (options, value) => {
    const element = document.createElement('select');
    for (const option of options) element.append(new Option(option, option, false, option === value));
    return element;
  };
  const input = (value, attributes = {}) => {
    const element = document.createElement('input');
    element.value = value;
    Object.assign(element, attributes);
    return element;
  };

  function accountRow(account) {
    const row = document.createElement('tr');
    cell(row, account.id);
    const name = input(account.name, { required: true });
    cell(row, name);
    const role = select(roles, account.role);
    cell(row, role);
    const groupPicker = document.createElement('select');
    groupPicker.multiple = true;
    for (const group of groups)
      groupPicker.append(
        new Option(`${group.code} (${group.name})`, String(group.id), false, account.groupIds.includes(group.id)),
      );
    cell(row, groupPicker);
    const competences = input(account.competences.join(', '));
    cell(row, competences);
    const limit = input(String(account.ticketLimit), { type: 'number', min: '0', max: '1000' });
    cell(row, limit);
    const enabled = document.createElement('button');
    enabled.type = 'button';
    enabled.textContent = account.enabled ? 'Отключить · Disable' : 'Включить · Enable';
    enabled.addEventListener('click', () =>
      act(() => api('PUT', `/staff/${encodeURIComponent(account.id)}/enabled`, { enabled: !account.enabled })),
    );
    cell(row, enabled);
    const save = document.createElement('button');
    save.type = 'button';
    save.textContent = 'Сохранить · Save';
    save.addEventListener('click', () =>
      act(() =>
        api('PATCH', `/staff/${encodeURIComponent(account.id)}`, {
          name: name.value,
          role: role.value,
          groupIds: [...groupPicker.selectedOptions].map((o) => Number(o.value)),
          competences: competences.value
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
          ticketLimit: Number(limit.value),
        }),
      ),
    );
    cell(row, save);
    const password = document.createElement('button');
    password.type = 'button';
    password.textContent = 'Новый пароль · New password';
    password.addEventListener('click', async () => {
      if (!window.confirm(`${account.id}: новый пароль, сеансы завершатся? · a new password, their sessions end?`))
        return;
      try {
        const answer = await api('POST', `/staff/${encodeURIComponent(account.id)}/password`, {});
        say(
          `${account.id}: ${answer.password} — передайте сотруднику, больше не показывается; сеансов завершено: ${answer.sessionsEnded}. · ` +
            `hand it over, it is not shown again; sessions ended: ${answer.sessionsEnded}.`,
        );
        await loadAudit(true);
      } catch (error) {
        say(error.message, true);
      }
    });
    cell(row, password);
    return row;
  }

  /** A group's row: a level (or none) per queue, saved together (the API replaces the group's grants). */
  function accessRow(group, queues, grants) {
    const row = document.createElement('tr');
    cell(row, `${group.code} (${group.name})`);
    const pickers = queues.map((queue) => {
      const held = grants.find((g) => g.groupId === group.id && g.queueId === queue.id);
      const picker = select(['—', ...levels], held ? held.level : '—');
      picker.setAttribute('aria-label', `${group.code} → ${queue.code}`);
      cell(row, picker);
      return { queue, picker };
    });
    const save = document.createElement('button');
    save.type = 'button';
    save.textContent = 'Сохранить · Save';
    save.addEventListener('click', () =>
      act(() =>
        api('PUT', `/staff/groups/${group.id}/queue-access`, {
          grants: pickers
            .filter(({ picker }) => levels.includes(picker.value))
            .map(({ queue, picker }) => ({ queueId: queue.id, level: picker.value })),
        }),
      ),
    );
    cell(row, save);
    return row;
  }

  async function loadQueueAccess() {
    const access = await api('GET', '/staff/queue-access');
    const heads = access.queues.map((queue) => {
      const th = document.createElement('th');
      th.textContent = `${queue.code} (${queue.name})`;
      return th;
    });
    accessHead.replaceChildren(accessHead.firstElementChild, ...heads, document.createElement('th'));
    accessBody.replaceChildren(...access.groups.map((group) => accessRow(group, access.queues, access.grants)));
  }

  function auditRow(entry) {
    const row = document.createElement('tr');
    cell(row, new Date(entry.at).toLocaleString());
    cell(row, entry.actorId ?? '—');
    cell(row, entry.action);
    cell(row, entry.target);
    const details = document.createElement('code');
    details.textContent = JSON.stringify(entry.details);
    cell(row, details);
    cell(row, entry.address);
    return row;
  }

  async function loadStaff() {
    const list = await api('GET', '/staff');
    groups = list.groups;
    staffBody.replaceChildren(...list.staff.map(accountRow));
  }

  async function loadAudit(reset) {
    const page = await api('GET', `/audit-log?limit=50${reset || !lastAuditId ? '' : `&before=${lastAuditId}`}`);
    if (reset) auditBody.replaceChildren();
    auditBody.append(...page.map(auditRow));
    lastAuditId = page.length ? page[page.length - 1].id : lastAuditId;
    more.hidden = page.length < 50;
  }

  async function act(change) {
    try {
      await change();
      say('Сохранено. · Saved.');
      await Promise.all([loadStaff(), loadQueueAccess(), loadAudit(true)]);
    } catch (error) {
      say(error.message, true);
    }
  }

  const form = document.getElementById('new-account');
  for (const role of roles) form.elements.role.append(new Option(role, role));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { id: form.elements.id.value, name: form.elements.name.value, role: form.elements.role.value };
    if (form.elements.password.value) body.password = form.elements.password.value;
    act(async () => {
      await api('POST', '/staff', body);
      form.reset();
    });
  });
  more.addEventListener('click', () => loadAudit(false).catch((error) => say(error.message, true)));

  (async () => {
    const session = await fetch('/auth/session');
    if (!session.ok) {
      say('Войдите как администратор. · Please sign in as an administrator.', true);
      return;
    }
    csrfToken = (await session.json()).csrfToken;
    await loadStaff();
    await loadQueueAccess();
    await loadAudit(true);
  })().catch((error) => say(error.message, true));
})();
