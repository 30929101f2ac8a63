// The script of processes.html, kept out of the page so the Content-Security-Policy allows no inline script.
(async () => {
  const body = document.getElementById('processes');
  try {
    for (const process of await Viewer.api('/processes')) {
      const row = document.createElement('tr');
      const cell = document.createElement('td');
      const link = Viewer.text('a', process.name, {
        href: `/process.html?process=${encodeURIComponent(process.id)}`,
        'data-process-id': process.id,
      });
      cell.append(link);
      row.append(
        cell,
        Viewer.text('td', process.file),
        Viewer.text('td', String(process.elementIds.length), { class: 'num' }),
      );
      body.append(row);
    }
  } catch (error) {
    Viewer.say(document.getElementById('message'), `Не удалось загрузить процессы: ${error.message}`);
  }
})();
