// The script of glossary.html: each figure's definition as the API publishes it (GET /figures/definitions).
'use strict';
(async () => {
  const body = document.querySelector('#glossary tbody');
  try {
    const definitions = await Viewer.api('/figures/definitions');
    for (const [name, { ru, en }] of Object.entries(definitions)) {
      const row = Viewer.text('tr', '', { id: name, 'data-figure': name });
      const term = Viewer.text('td', '');
      term.append(Viewer.text('code', name));
      row.append(term, Viewer.text('td', ru, { lang: 'ru' }), Viewer.text('td', en, { lang: 'en' }));
      body.append(row);
    }
  } catch (error) {
    Viewer.say(document.getElementById('message'), `Не удалось загрузить определения: ${error.message}`);
  }
  document.body.dataset.state = 'ready';
})();
