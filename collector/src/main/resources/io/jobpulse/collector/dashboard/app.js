// JobPulse dashboard: polls the collector's REST API every two seconds and renders it.
//
// Safety rule for whoever edits this file: every string that comes from the API (job names,
// business ids, messages, reasons, services, hosts) originates in an application and may be
// hostile. It only ever reaches the page as a text node or an attribute value through el()/svg()
// below; nothing here parses HTML (no innerHTML, insertAdjacentHTML, document.write).
'use strict';

(() => {
  const REFRESH_MS = 2000;
  const REQUEST_TIMEOUT_MS = 4000;
  // `?status=X` matches a job's status or its flag, so each flag is one query.
  const FLAG_TYPES = ['CRASHED', 'LOST', 'STUCK', 'STALLED', 'PENDING_TOO_LONG', 'DUPLICATE', 'ABANDONED'];
  const LIST_LIMIT = 500;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // The last good answer of each endpoint: a failed poll keeps showing it.
  const data = {
    healthz: null,
    workers: [],
    running: [],
    flagged: [],
    failed: [],
    health: [],
    healthAvailable: true,
  };
  let failingSince = null;
  let lastSuccessAt = null;
  let collectorAnswered = false;
  // Collector clock minus ours, from the Date response header: ages ("3s ago") are measured on
  // the collector's clock, which is also the one that judges liveness.
  let clockOffsetMs = 0;

  // ---- DOM helpers: the only way content enters the page -------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    applyProps(node, props);
    appendAll(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    appendAll(node, children);
    return node;
  }

  function applyProps(node, props) {
    if (!props) return;
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'title') node.title = String(value);
      else if (name === 'width') node.style.width = value; // CSSOM: allowed by the page's CSP
      else node.setAttribute(name, String(value));
    }
  }

  function appendAll(node, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  const $ = (selector) => document.querySelector(selector);

  // ---- formatting ----------------------------------------------------------------------------

  const numberFormat = new Intl.NumberFormat();
  const fmtNumber = (n) => (typeof n === 'number' ? numberFormat.format(n) : '–');
  const collectorNow = () => Date.now() + clockOffsetMs;

  function fmtSpan(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 10) return `${s.toFixed(1)} s`;
    if (s < 60) return `${Math.round(s)} s`;
    const units = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
    let rest = Math.round(s);
    const parts = [];
    for (const [unit, size] of units) {
      if (rest >= size || parts.length) {
        parts.push(`${Math.floor(rest / size)}${unit}`);
        rest %= size;
      }
      if (parts.length === 2) break;
    }
    return parts.join(' ');
  }

  function fmtAge(iso) {
    const t = Date.parse(iso);
    if (isNaN(t)) return '–';
    const ms = collectorNow() - t;
    return ms < 1000 ? 'now' : `${fmtSpan(ms)} ago`;
  }

  function fmtHour(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '–' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  }

  const shortId = (id) => (id ? String(id).slice(0, 8) : '–');
  // Timestamps show as an age; the exact instant stays one hover away.
  const timeCell = (iso) => el('td', { class: 'num', title: iso || null }, iso ? fmtAge(iso) : '–');

  // ---- fetching ------------------------------------------------------------------------------

  async function getJson(path) {
    const response = await fetch(path, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const date = Date.parse(response.headers.get('Date'));
    // The header has one-second resolution: ignore offsets within that noise.
    if (!isNaN(date)) {
      const offset = date - Date.now();
      clockOffsetMs = Math.abs(offset) > 1500 ? offset : 0;
    }
    if (response.status === 404) return { missing: true };
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return { body: await response.json() };
  }

  const jobsQuery = (status) => `api/jobs?status=${status}&limit=${LIST_LIMIT}`;

  async function poll() {
    // Relative paths: the page also works behind a reverse proxy that mounts it under a prefix.
    const requests = {
      healthz: getJson('healthz'),
      workers: getJson('api/workers'),
      running: getJson(jobsQuery('RUNNING')),
      failed: getJson(jobsQuery('FAILED')),
      health: getJson('api/health'),
      flags: Promise.all(FLAG_TYPES.map((type) => getJson(jobsQuery(type)))),
    };
    const names = Object.keys(requests);
    const results = await Promise.allSettled(Object.values(requests));
    collectorAnswered = results[names.indexOf('healthz')].status === 'fulfilled';
    const errors = [];
    results.forEach((result, i) => {
      const name = names[i];
      if (result.status === 'rejected') {
        errors.push(`${name}: ${result.reason && result.reason.message ? result.reason.message : result.reason}`);
        return;
      }
      const value = result.value;
      try {
        accept(name, value);
      } catch (e) {
        errors.push(`${name}: unexpected answer (${e.message})`);
      }
    });
    if (errors.length) {
      failingSince = failingSince || new Date();
      console.warn('JobPulse dashboard poll failed:', errors);
    } else {
      failingSince = null;
    }
    if (errors.length < names.length) lastSuccessAt = new Date();
    render();
  }

  function accept(name, value) {
    switch (name) {
      case 'healthz':
        if (value.missing) throw new Error('/healthz missing');
        data.healthz = value.body;
        break;
      case 'health':
        // Older collectors have no /api/health: hide the section rather than call it an error.
        data.healthAvailable = !value.missing;
        data.health = value.missing ? [] : listOf(value.body, 'jobs');
        break;
      case 'workers':
        data.workers = listOf(required(value), 'workers');
        break;
      case 'running':
      case 'failed':
        data[name] = listOf(required(value), 'jobs');
        break;
      case 'flags':
        data.flagged = mergeFlagged(value.map((answer) => listOf(required(answer), 'jobs')));
        break;
    }
  }

  function required(value) {
    if (value.missing) throw new Error('endpoint missing (HTTP 404)');
    return value.body;
  }

  function listOf(body, key) {
    if (!body || !Array.isArray(body[key])) throw new Error(`no "${key}" array`);
    return body[key];
  }

  // A job can match several flag queries (its status and its flag): keep each id once,
  // newest flag first.
  function mergeFlagged(lists) {
    const byId = new Map();
    for (const job of lists.flat()) byId.set(job.id, job);
    const flaggedAt = (job) => Date.parse(job.flag && job.flag.flaggedAt) || 0;
    return [...byId.values()].sort((a, b) => flaggedAt(b) - flaggedAt(a));
  }

  // ---- filtering -----------------------------------------------------------------------------

  function filterText() {
    return $('#filter').value.trim().toLowerCase();
  }

  function matches(query, ...fields) {
    if (!query) return true;
    return fields.some((field) => field !== null && field !== undefined
      && String(field).toLowerCase().includes(query));
  }

  const jobMatches = (query, job) => matches(query, job.name, job.businessId, job.service, job.worker, job.id);

  // ---- rendering -----------------------------------------------------------------------------

  function render() {
    const query = filterText();
    renderHeader();
    renderWorkers(query);
    renderRunning(query);
    renderFlagged(query);
    renderFailed(query);
    renderHealth(query);
  }

  function setCount(id, n, alarm) {
    const node = $(id);
    node.querySelector('b').textContent = n >= LIST_LIMIT ? `${fmtNumber(LIST_LIMIT)}+` : fmtNumber(n);
    node.classList.toggle('alarm', Boolean(alarm) && n > 0);
  }

  function renderHeader() {
    const pill = $('#collector');
    if (!collectorAnswered) {
      pill.textContent = 'unreachable';
      pill.className = 'pill pill-bad';
    } else {
      const status = String((data.healthz && data.healthz.status) || 'unknown');
      pill.textContent = `collector ${status}`;
      pill.className = `pill ${status === 'ok' && !failingSince ? 'pill-ok' : 'pill-warn'}`;
    }

    const liveFlags = data.flagged.filter((job) => !job.flaggedThenRecovered);
    setCount('#count-running', data.running.length, false);
    setCount('#count-flagged', liveFlags.length, true);
    setCount('#count-failed', data.failed.length, true);
    setCount('#count-dead', data.workers.filter((w) => w.state === 'DEAD').length, true);

    $('#updated').textContent = lastSuccessAt ? `updated ${lastSuccessAt.toLocaleTimeString([], { hour12: false })}` : '';

    const notice = $('#notice');
    notice.hidden = !failingSince;
    if (failingSince) {
      notice.textContent = `Collector unreachable since ${failingSince.toLocaleTimeString([], { hour12: false })}`
        + (lastSuccessAt ? ' — showing the last data received.' : ' — no data yet.');
    }
  }

  function fillTable(sectionId, rows, total, emptyText) {
    const section = $(sectionId);
    section.querySelector('h2 .n').textContent = rows.length === total
      ? fmtNumber(total) : `${fmtNumber(rows.length)} of ${fmtNumber(total)}`;
    const tbody = section.querySelector('tbody');
    const columns = section.querySelectorAll('thead th').length;
    tbody.replaceChildren(...(rows.length ? rows
      : [el('tr', { class: 'empty' }, el('td', { colspan: columns }, emptyText))]));
  }

  // The worker column: its host, and the short instance id that tells processes on a host apart.
  function workerCell(workerId) {
    const worker = data.workers.find((w) => w.id === workerId);
    if (!worker) return el('td', { class: 'worker mono', title: workerId || null }, shortId(workerId));
    return el('td', { class: worker.state === 'DEAD' ? 'worker dead-text' : 'worker', title: workerId },
      worker.host || '?',
      el('span', { class: 'sub mono' }, `${shortId(workerId)} · ${String(worker.state).toLowerCase()}`));
  }

  function jobCell(job) {
    return el('td', { class: 'job', title: job.name || null },
      el('span', { class: 'job-name' }, job.name || '–'),
      job.service ? el('span', { class: 'sub' }, job.service) : null);
  }

  function renderWorkers(query) {
    const order = { DEAD: 0, ALIVE: 1, STOPPED: 2 };
    const shown = data.workers
      .filter((w) => matches(query, w.service, w.host, w.id, w.pid))
      .sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3)
        || String(a.service).localeCompare(String(b.service)));
    const rows = shown.map((w) => {
      const age = collectorNow() - Date.parse(w.lastHeartbeatAt);
      const late = w.state === 'ALIVE' && w.intervalMs > 0 && age > 2 * w.intervalMs;
      const jobs = Array.isArray(w.jobs) ? w.jobs.length : 0;
      return el('tr', { class: `state-${String(w.state).toLowerCase()}` },
        el('td', null, w.service || '–', el('span', { class: 'sub' }, w.host || '–')),
        el('td', { class: 'nowrap', title: w.id || null },
          el('span', { class: 'mono' }, shortId(w.id)),
          el('span', { class: 'sub' }, `pid ${w.pid ?? '–'}`)),
        el('td', null, el('span', { class: `badge badge-${String(w.state).toLowerCase()}` }, w.state || '?')),
        el('td', {
          class: late ? 'num late' : 'num',
          title: `${w.lastHeartbeatAt || 'never'}${w.intervalMs ? ` (every ${fmtSpan(w.intervalMs)})` : ''}`,
        }, w.lastHeartbeatAt ? fmtAge(w.lastHeartbeatAt) : '–'),
        el('td', { class: 'num' }, fmtNumber(jobs)));
    });
    fillTable('#workers', rows, data.workers.length, 'No worker has reported yet.');
  }

  function progressCell(job) {
    const p = job.progress || {};
    const done = typeof p.done === 'number' ? p.done : null;
    const total = typeof p.total === 'number' && p.total > 0 ? p.total : null;
    if (done === null) return el('td', { class: 'muted' }, '–');
    if (total === null) return el('td', { class: 'progress-count' }, `${fmtNumber(done)} items`);
    const pct = Math.max(0, Math.min(100, (100 * done) / total));
    return el('td', { title: `${pct.toFixed(1)} %` },
      el('div', { class: 'progress' },
        el('div', { class: 'bar' }, el('div', { class: 'fill', width: `${pct}%` })),
        el('span', { class: 'progress-text' }, `${fmtNumber(done)} / ${fmtNumber(total)}`)));
  }

  function renderRunning(query) {
    const shown = data.running.filter((job) => jobMatches(query, job));
    const rows = shown.map((job) => el('tr', { class: job.flag ? 'has-flag' : null },
      jobCell(job),
      el('td', { class: 'mono' }, job.businessId ?? '–',
        job.flag ? el('span', { class: `badge badge-flag flag-${job.flag.type}`, title: job.flag.reason || null }, job.flag.type) : null),
      workerCell(job.worker),
      timeCell(job.startedAt),
      progressCell(job),
      el('td', { class: 'num' }, typeof job.etaSeconds === 'number' ? fmtSpan(job.etaSeconds * 1000) : '–')));
    fillTable('#running', rows, data.running.length, 'No job is running.');
  }

  function renderFlagged(query) {
    const shown = data.flagged.filter((job) => jobMatches(query, job));
    const rows = shown.map((job) => {
      const flag = job.flag || {};
      return el('tr', { class: job.flaggedThenRecovered ? 'recovered' : `flagged flagged-${flag.type}` },
        jobCell(job),
        el('td', { class: 'mono' }, job.businessId ?? '–'),
        el('td', null, el('span', { class: `badge badge-flag flag-${flag.type}` }, flag.type || job.status || '?')),
        el('td', { class: 'reason' }, flag.reason || '–'),
        el('td', null, job.flaggedThenRecovered ? `${job.status} (recovered)` : job.status || '–'),
        workerCell(job.worker),
        timeCell(flag.flaggedAt),
        el('td', { class: 'num' }, fmtSpan(flag.detectionLatencyMs)));
    });
    fillTable('#flagged', rows, data.flagged.length, 'Nothing flagged: every job ended or is alive.');
    $('#flagged').classList.toggle('calm', data.flagged.every((job) => job.flaggedThenRecovered));
  }

  function renderFailed(query) {
    const shown = data.failed.filter((job) => jobMatches(query, job));
    const rows = shown.map((job) => {
      const error = job.error || {};
      return el('tr', null,
        jobCell(job),
        el('td', { class: 'mono' }, job.businessId ?? '–'),
        el('td', { class: 'mono', title: error.type || null }, simpleName(error.type)),
        el('td', { class: 'reason' }, error.message || '–'),
        el('td', null, error.category ? el('span', { class: 'chip' }, error.category) : '–'),
        workerCell(job.worker),
        timeCell(job.endedAt));
    });
    fillTable('#failed', rows, data.failed.length, 'No failed job.');
  }

  function simpleName(type) {
    if (!type) return '–';
    const s = String(type);
    return s.slice(s.lastIndexOf('.') + 1);
  }

  // ---- health --------------------------------------------------------------------------------

  function scoreClass(score) {
    if (typeof score !== 'number') return 'score-unknown';
    if (score >= 90) return 'score-good';
    if (score >= 70) return 'score-warn';
    return 'score-bad';
  }

  function renderHealth(query) {
    const section = $('#health');
    section.hidden = !data.healthAvailable;
    if (!data.healthAvailable) return;
    // Worst first: the job names that need attention lead.
    const shown = data.health
      .filter((h) => matches(query, h.name))
      .sort((a, b) => (a.score ?? 101) - (b.score ?? 101) || String(a.name).localeCompare(String(b.name)));
    section.querySelector('h2 .n').textContent = fmtNumber(data.health.length);
    const cards = shown.map(healthCard);
    section.querySelector('.cards').replaceChildren(...(cards.length ? cards
      : [el('p', { class: 'muted' }, 'No job has finished yet.')]));
  }

  function healthCard(h) {
    const counts = Object.entries(h.counts || {}).filter(([, n]) => n > 0);
    const categories = Object.entries(h.errorCategories || {}).filter(([, n]) => n > 0);
    const durations = h.durationMs || {};
    const topErrors = (h.topErrors || []).slice(0, 3);
    return el('article', { class: 'card' },
      el('div', { class: 'card-head' },
        el('span', { class: `score ${scoreClass(h.score)}`, title: 'health score 0–100' },
          typeof h.score === 'number' ? String(Math.round(h.score)) : '?'),
        el('span', { class: 'job-name', title: h.name || null }, h.name || '–')),
      el('div', { class: 'card-line' },
        ...counts.map(([state, n]) => el('span', { class: `count-chip state-${state}` }, `${state.toLowerCase()} ${fmtNumber(n)}`)),
        counts.length ? null : el('span', { class: 'muted' }, 'no runs')),
      el('div', { class: 'card-line muted' },
        `p50 ${fmtSpan(durations.p50)} · p95 ${fmtSpan(durations.p95)}`,
        ...categories.map(([category, n]) => el('span', { class: 'chip' }, `${category} ${fmtNumber(n)}`))),
      ...trendChart(h.trend || []),
      topErrors.length ? el('ol', { class: 'errors' }, ...topErrors.map((e) => el('li', { title: e.signature || null },
        el('span', { class: 'err-count' }, `${fmtNumber(e.count)}×`),
        el('span', { class: 'err-sig' }, e.signature || simpleName(e.type)),
        el('span', { class: 'muted' }, e.lastSeenAt ? ` ${fmtAge(e.lastSeenAt)}` : '')))) : null);
  }

  // Hourly trend as stacked bars (completed / failed / flagged), scaled to the busiest hour.
  function trendChart(trend) {
    const width = 240;
    const height = 36;
    if (!trend.length) return [el('div', { class: 'trend muted' }, 'no hourly data yet')];
    const total = (t) => (t.completed || 0) + (t.failed || 0) + (t.flagged || 0);
    const max = Math.max(1, ...trend.map(total));
    const slot = width / trend.length;
    const barWidth = Math.max(1, slot - 1);
    const chart = svg('svg', {
      class: 'trend', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none',
      role: 'img', 'aria-label': 'hourly trend: completed, failed, flagged',
    });
    trend.forEach((t, i) => {
      let y = height;
      const group = svg('g', null,
        svg('title', null, `${t.hour}: ${t.completed || 0} completed, ${t.failed || 0} failed, ${t.flagged || 0} flagged`),
        // A full-height transparent target makes quiet hours hoverable too.
        svg('rect', { x: i * slot, y: 0, width: barWidth, height, class: 'bar-bg' }));
      for (const kind of ['completed', 'failed', 'flagged']) {
        const n = t[kind] || 0;
        if (!n) continue;
        const h = Math.max(1, (n / max) * height);
        y -= h;
        group.append(svg('rect', { x: i * slot, y, width: barWidth, height: h, class: `bar-${kind}` }));
      }
      chart.append(group);
    });
    const axis = el('div', { class: 'axis' },
      el('span', null, fmtHour(trend[0].hour)),
      el('span', null,
        el('span', { class: 'legend-completed' }, 'completed'), ' · ',
        el('span', { class: 'legend-failed' }, 'failed'), ' · ',
        el('span', { class: 'legend-flagged' }, 'flagged'), " per hour"),
      el('span', null, fmtHour(trend[trend.length - 1].hour)));
    return [chart, axis];
  }

  // ---- loop ----------------------------------------------------------------------------------

  // Chained timeouts, not setInterval: a slow collector never gets overlapping polls.
  async function loop() {
    try {
      await poll();
    } finally {
      setTimeout(loop, REFRESH_MS);
    }
  }

  function init() {
    const filter = $('#filter');
    // The filter lives in the URL (?q=) so an operator can share a filtered view.
    filter.value = new URLSearchParams(location.search).get('q') || '';
    filter.addEventListener('input', () => {
      const url = new URL(location.href);
      const q = filter.value.trim();
      if (q) url.searchParams.set('q', q);
      else url.searchParams.delete('q');
      history.replaceState(null, '', url);
      render();
    });
    loop();
  }

  init();
})();
