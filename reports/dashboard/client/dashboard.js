// The dashboard's page script: plain browser JavaScript, inlined by page.ts.
// Everything it shows comes from the dashboard's API; every text is set as
// text (never as HTML), so nothing a run recorded can become markup.
(() => {
  const $ = (id) => document.getElementById(id);

  // The token arrives once in the address's fragment (never sent to a server
  // or written in its logs), then lives in this tab's session storage.
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (fromHash) {
    sessionStorage.setItem('faultline-token', decodeURIComponent(fromHash[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  $('token').value = sessionStorage.getItem('faultline-token') ?? '';
  $('token').addEventListener('change', () =>
    sessionStorage.setItem('faultline-token', $('token').value.trim()),
  );
  const authorized = (init = {}) => ({
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${$('token').value.trim()}` },
  });

  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  };
  const errorOf = async (response) => {
    try {
      return (await response.json()).error ?? response.statusText;
    } catch {
      return response.statusText;
    }
  };

  // ---- runs ----
  const selected = new Set();

  async function loadRuns() {
    const query = new URLSearchParams({ sort: $('sort').value });
    for (const name of ['system', 'workload', 'verdict']) {
      const value = $(`filter-${name}`).value;
      if (value) query.set(name, value);
    }
    const [all, shown] = await Promise.all([
      fetch('/api/runs').then((r) => r.json()),
      fetch(`/api/runs?${query}`).then((r) => r.json()),
    ]);
    // A run started elsewhere (or before this page opened) is shown too.
    if (shown.running && $('current').hidden) showCurrent(shown.running);
    fillChoices(
      $('filter-system'),
      all.runs.flatMap((r) => r.systems),
    );
    fillChoices(
      $('filter-workload'),
      all.runs.flatMap((r) => r.workload.split(',')),
    );
    const body = $('runs').tBodies[0];
    body.replaceChildren(...shown.runs.map(runRow));
    $('no-runs').hidden = all.runs.length > 0;
    for (const id of [...selected]) if (!all.runs.some((r) => r.id === id)) selected.delete(id);
    $('compare').disabled = selected.size < 2;
  }

  function fillChoices(select, values) {
    const current = select.value;
    const options = [...new Set(values.filter(Boolean))].sort();
    select.replaceChildren(
      el('option', { value: '', text: 'any' }),
      ...options.map((v) => el('option', { value: v, text: v })),
    );
    select.value = options.includes(current) ? current : '';
  }

  function runRow(run) {
    const box = el('input', {
      type: 'checkbox',
      'data-id': run.id,
      'aria-label': `select ${run.id}`,
      onchange: (event) => {
        if (event.target.checked) selected.add(run.id);
        else selected.delete(run.id);
        $('compare').disabled = selected.size < 2;
      },
    });
    box.checked = selected.has(run.id);
    if (!run.hasReport) box.disabled = true;
    const name = run.hasReport
      ? el('a', { href: `/runs/${encodeURIComponent(run.id)}/report.html`, text: run.id })
      : el('span', { text: run.id });
    const verdict =
      run.status === 'running'
        ? 'running'
        : run.status === 'no-results'
          ? 'no results (crashed?)'
          : run.verdict + (run.status === 'incomplete' ? ' (incomplete)' : '');
    const remove = el('button', {
      type: 'button',
      text: 'Delete',
      onclick: () => removeRun(run.id),
    });
    if (run.status === 'running') remove.disabled = true;
    return el(
      'tr',
      { 'data-run': run.id },
      el('td', {}, box),
      el('td', { text: new Date(run.startedAt).toLocaleString() }),
      el('td', {}, name),
      el('td', { text: run.workload }),
      el('td', { text: run.faults }),
      el('td', {
        text: run.rows.length
          ? run.rows.map((r) => `${r.system} ${r.verdict}`).join(', ')
          : run.systems.join(', '),
      }),
      el('td', { class: run.verdict, text: verdict }),
      el('td', {}, remove),
    );
  }

  async function removeRun(id) {
    if (!confirm(`Delete run ${id} and everything it recorded?`)) return;
    const response = await fetch(
      `/api/runs/${encodeURIComponent(id)}`,
      authorized({ method: 'DELETE' }),
    );
    if (!response.ok) alert(await errorOf(response));
    selected.delete(id);
    await loadRuns();
  }

  for (const id of ['filter-system', 'filter-workload', 'filter-verdict', 'sort'])
    $(id).addEventListener('change', loadRuns);
  $('compare').addEventListener('click', () => {
    const query = new URLSearchParams();
    for (const id of selected) query.append('runs', id);
    location.href = `/compare?${query}`;
  });

  // ---- the start form, from the same declarations as the CLI's flags ----
  async function buildForm() {
    const schema = await fetch('/api/options').then((r) => r.json());
    for (const [name, property] of Object.entries(schema.properties)) {
      const isSystem = 'x-default' in property;
      const input = el('input', {
        name,
        id: `option-${name}`,
        placeholder: property.default ?? property['x-default'] ?? '',
        autocomplete: 'off',
      });
      const label = el(
        'label',
        { title: property.description },
        el('b', { text: property.title }),
        input,
        el('span', { text: property.description }),
      );
      if (property['x-choices']) {
        const list = el('datalist', { id: `choices-${name}` });
        list.append(...property['x-choices'].map((v) => el('option', { value: v })));
        input.setAttribute('list', list.id);
        label.append(list);
      }
      $(isSystem ? 'system-fields' : 'fields').append(label);
    }
  }

  $('start').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('form-error').textContent = '';
    const body = {};
    for (const input of $('start').querySelectorAll('input[name]')) {
      if (input.value.trim() !== '') body[input.name] = input.value.trim();
    }
    const response = await fetch(
      '/api/runs',
      authorized({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    if (!response.ok) {
      $('form-error').textContent = await errorOf(response);
      return;
    }
    const { id } = await response.json();
    showCurrent(id);
    await loadRuns();
  });

  // ---- live progress ----
  function showCurrent(id) {
    $('current').hidden = false;
    $('current-id').textContent = id;
    $('cancel').disabled = false;
  }

  $('cancel').addEventListener('click', async () => {
    const id = $('current-id').textContent;
    const response = await fetch(
      `/api/runs/${encodeURIComponent(id)}/cancel`,
      authorized({ method: 'POST' }),
    );
    if (!response.ok) alert(await errorOf(response));
    else $('cancel').disabled = true;
  });

  const logLines = [];
  const events = new EventSource('/api/events');
  const on = (type, handler) =>
    events.addEventListener(type, (message) => handler(JSON.parse(message.data)));
  on('started', (e) => {
    logLines.length = 0;
    showCurrent(e.id);
    $('phase').textContent = 'starting';
    for (const id of ['ops', 'errors', 'fault', 'checker']) $(id).textContent = '–';
    loadRuns();
  });
  on('phase', (e) => {
    $('phase').textContent = `${e.system} (${e.configuration}), ${e.workload}: ${e.phase}`;
  });
  on('progress', (e) => {
    $('ops').textContent = e.opsPerS.toLocaleString();
    $('errors').textContent = `${e.fail + e.info} (fail ${e.fail}, info ${e.info})`;
    $('fault').textContent = e.fault ?? 'none';
    $('elapsed').max = e.totalS;
    $('elapsed').value = Math.min(e.elapsedS, e.totalS);
  });
  on('checker', (e) => {
    $('checker').textContent = `${e.system}: ${e.checker} (${e.index + 1} of ${e.total})`;
  });
  on('log', (e) => {
    logLines.push(e.line);
    if (logLines.length > 200) logLines.shift();
    $('log').textContent = logLines.join('\n');
    $('log').scrollTop = $('log').scrollHeight;
  });
  on('finished', (e) => {
    $('phase').textContent = `finished: ${e.status}`;
    $('cancel').disabled = true;
    loadRuns();
  });

  buildForm().catch((error) => {
    $('form-error').textContent = `the form could not be built: ${error.message}`;
  });
  loadRuns();
})();
