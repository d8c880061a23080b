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

  // An exact local time, to the second: what the detail and its history show.
  function fmtStamp(iso) {
    const d = new Date(iso);
    if (!iso || isNaN(d)) return '–';
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} `
      + `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  }

  const shortId = (id) => (id ? String(id).slice(0, 8) : '–');
  const fmtEta = (job) => (typeof job.etaSeconds === 'number' ? fmtSpan(job.etaSeconds * 1000) : '–');
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
    const spot = focusedSpot();
    renderHeader();
    renderWorkers(query);
    renderRunning(query);
    renderFlagged(query);
    renderFailed(query);
    renderHealth(query);
    restoreFocus(spot);
  }

  // Rows and the detail are rebuilt from each answer: a keyboard user's focus stays on the same
  // run's link (or the same control) rather than falling back to the page.
  function focusedSpot() {
    const active = document.activeElement;
    const scope = active && active.closest ? active.closest('section[id], aside[id]') : null;
    if (!scope) return null;
    return { scope: scope.id, job: active.getAttribute('data-job'), index: focusables(scope).indexOf(active) };
  }

  function restoreFocus(spot) {
    const scope = spot && document.getElementById(spot.scope);
    if (!scope || scope.contains(document.activeElement)) return;
    const candidates = focusables(scope);
    const same = candidates[spot.index];
    const target = same && same.getAttribute('data-job') === spot.job ? same
      : candidates.find((node) => spot.job && node.getAttribute('data-job') === spot.job);
    if (target) target.focus({ preventScroll: true });
  }

  const focusables = (scope) => [...scope.querySelectorAll('a[href], button')];

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

  // The job's name links to its detail: a real link, so it is reachable by keyboard and can be
  // opened in a new tab.
  function jobCell(job) {
    const name = job.name || '–';
    return el('td', { class: 'job', title: job.name || null },
      job.id ? el('a', {
        class: 'job-name job-link', href: jobHref(job.id), 'data-job': job.id,
        'aria-current': job.id === detail.id ? 'true' : null,
      }, name) : el('span', { class: 'job-name' }, name),
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

  const progressCell = (job) => progressView(job, 'td');

  function progressView(job, tag) {
    const p = job.progress || {};
    const done = typeof p.done === 'number' ? p.done : null;
    const total = typeof p.total === 'number' && p.total > 0 ? p.total : null;
    if (done === null) return el(tag, { class: 'muted' }, '–');
    if (total === null) return el(tag, { class: 'progress-count' }, `${fmtNumber(done)} items`);
    const pct = Math.max(0, Math.min(100, (100 * done) / total));
    return el(tag, { title: `${pct.toFixed(1)} %` },
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
      el('td', { class: 'num' }, fmtEta(job))));
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

  // ---- job detail ----------------------------------------------------------------------------
  // One run, opened from any list. The URL holds it (?job=<id>, next to ?q=) so a link to it can be
  // shared; opening and closing are history entries, so Back returns to the run before.

  const CHILD_STATES = ['pending', 'running', 'completed', 'failed', 'crashed', 'lost', 'abandoned'];

  const detail = {
    id: null, // the run the URL names; null: the panel is closed
    answer: null, // its last answer from getJson: { body } or { missing: true }; null while loading
    json: null, // that answer (and its worker) serialized: an unchanged answer is not re-rendered
    error: null, // why the last request failed, if it did
    inFlight: null, // the id asked for and not answered yet: one request at a time
  };

  const urlJob = () => new URLSearchParams(location.search).get('job') || null;

  // A relative link that keeps the rest of the page's state (the filter).
  function jobHref(id) {
    const url = new URL(location.href);
    url.searchParams.set('job', id);
    return url.search;
  }

  const runLink = (id) => el('a', { class: 'run-link mono', href: jobHref(id), 'data-job': id }, id);

  function openJob(id) {
    if (id !== detail.id) {
      const url = new URL(location.href);
      if (id) url.searchParams.set('job', id);
      else url.searchParams.delete('job');
      history.pushState(null, '', url);
      syncDetail();
    }
    if (id) $('#detail-title').focus();
  }

  function closeJob() {
    const id = detail.id;
    openJob(null);
    const link = id && document.querySelector(`main a[data-job="${CSS.escape(id)}"]`);
    if (link) link.focus();
  }

  // The URL is the truth: open, switch or close the panel to match it.
  function syncDetail() {
    const id = urlJob();
    if (id === detail.id) return;
    Object.assign(detail, { id, answer: null, json: null, error: null });
    renderDetail();
    if (lastSuccessAt) render(); // the lists' links carry the open job
    loadDetail();
  }

  async function loadDetail() {
    const id = detail.id;
    if (!id || detail.inFlight === id) return;
    detail.inFlight = id;
    let answer = null;
    let error = null;
    try {
      answer = await getJson(`api/jobs/${encodeURIComponent(id)}`);
    } catch (e) {
      error = e && e.message ? e.message : String(e);
    } finally {
      if (detail.inFlight === id) detail.inFlight = null;
    }
    if (id !== detail.id) return; // another run was opened meanwhile
    // The worker's host and state come from the last poll: a change there shows too.
    const json = answer && JSON.stringify([answer, answer.body && data.workers.find((w) => w.id === answer.body.worker)]);
    const changed = error !== detail.error || (answer !== null && json !== detail.json);
    detail.error = error;
    if (answer) Object.assign(detail, { answer, json });
    if (changed) renderDetail();
    else refreshAges();
  }

  function renderDetail() {
    const panel = $('#detail');
    panel.hidden = !detail.id;
    document.body.classList.toggle('detail-open', Boolean(detail.id));
    if (!detail.id) return;
    panel.style.top = `${$('.top').offsetHeight}px`; // below the sticky header
    const spot = focusedSpot();
    $('#detail-body').replaceChildren(...detailContent().filter(Boolean));
    restoreFocus(spot);
  }

  // Ages ("3m ago") move on between answers; the rest only changes with the run.
  function refreshAges() {
    for (const node of $('#detail').querySelectorAll('[data-age]')) node.textContent = fmtAge(node.getAttribute('data-age'));
  }

  function detailContent() {
    const { id, answer, error } = detail;
    if (!answer) {
      return [el('p', { class: error ? 'detail-note bad' : 'detail-note muted' },
        error ? `Could not load job ${id}: ${error}` : `Loading job ${id}…`)];
    }
    if (answer.missing) {
      return [el('p', { class: 'detail-note' }, 'no such job ', el('span', { class: 'mono' }, id))];
    }
    return [
      error ? el('p', { class: 'detail-note bad' }, `Refresh failed (${error}): showing the last answer.`) : null,
      ...jobDetail(answer.body || {}),
    ];
  }

  function jobDetail(job) {
    return [
      el('div', { class: 'detail-name' },
        el('span', { class: 'job-name' }, job.name || '–'),
        statusBadge(job.status),
        job.flag ? flagBadge(job.flag) : null),
      el('div', { class: 'mono muted' }, job.id || '–'),
      job.waitingOn ? waitingOnView(job.waitingOn) : null,
      facts([
        ['Flag', flagView(job)],
        ['Service · worker', [job.service || '–', ' · ', workerView(job.worker)]],
        ['Business id', el('span', { class: 'mono' }, job.businessId ?? '–')],
        ['Attempt', [String(job.attempt ?? '–'),
          job.previousAttemptId ? [' · previous attempt ', runLink(job.previousAttemptId)] : null]],
        ['Parent', job.parentId ? runLink(job.parentId) : null],
        ['Duplicate of', job.duplicateOf ? runLink(job.duplicateOf) : null],
        ['Started', timeView(job.startedAt)],
        ['Ended', job.endedAt ? [timeView(job.endedAt),
          typeof job.durationMs === 'number' ? ` · took ${fmtSpan(job.durationMs)}` : null] : null],
        ['Last seen', timeView(job.lastSeenAt)],
        ['Progress', [progressView(job, 'div'),
          typeof job.etaSeconds === 'number' ? el('span', { class: 'sub' }, `ETA ${fmtEta(job)}`) : null]],
        ['Thread', job.threadName ? [job.threadName, job.threadState ? ` (${job.threadState})` : null,
          job.stackTop ? el('span', { class: 'sub mono' }, job.stackTop) : null] : null],
        ['Error', job.error ? errorView(job.error) : null],
      ]),
      ...childrenView(job),
      ...historyView(job.history),
    ];
  }

  // A definition list; a fact whose value is null is left out.
  function facts(rows) {
    return el('dl', { class: 'facts' }, ...rows.filter(([, value]) => value !== null && value !== undefined)
      .flatMap(([term, value]) => [el('dt', null, term), el('dd', null, ...[value].flat(Infinity))]));
  }

  const statusBadge = (status) => el('span', { class: `badge status status-${status}` }, status || '?');
  const flagBadge = (flag) => el('span', { class: `badge badge-flag flag-${flag.type}` }, flag.type || '?');

  // An exact time with its age, the age kept current by refreshAges().
  const timeView = (iso) => (iso
    ? el('span', { title: iso }, fmtStamp(iso), ' (', el('span', { 'data-age': iso }, fmtAge(iso)), ')') : '–');

  function flagView(job) {
    const flag = job.flag;
    if (!flag) return job.flaggedThenRecovered ? 'none now: it was flagged, then recovered' : 'none';
    return [
      flagBadge(flag), ' ', el('span', { class: 'reason' }, flag.reason || '–'),
      el('span', { class: 'sub' }, 'flagged ', timeView(flag.flaggedAt),
        ` · detected in ${fmtSpan(flag.detectionLatencyMs)}`),
      job.flaggedThenRecovered ? el('span', { class: 'sub recovered-note' }, 'then recovered: a late end arrived') : null,
    ];
  }

  function workerView(workerId) {
    if (!workerId) return '–';
    const worker = data.workers.find((w) => w.id === workerId);
    if (!worker) return el('span', { class: 'mono' }, workerId);
    return el('span', { class: worker.state === 'DEAD' ? 'dead-text' : null, title: workerId },
      `${worker.host || '?'} `, el('span', { class: 'mono' }, shortId(workerId)),
      ` · ${String(worker.state).toLowerCase()}`);
  }

  const errorView = (error) => [
    el('span', { class: 'mono' }, error.type || '–'),
    error.category ? [' ', el('span', { class: 'chip' }, error.category)] : null,
    el('span', { class: 'reason error-message' }, error.message || '–'),
  ];

  const waitingOnView = (waitingOn) => el('p', { class: 'waiting-on' },
    'Waiting on child ', runLink(waitingOn.childId), `, which is ${waitingOn.status || '?'}`);

  function childrenView(job) {
    const children = job.children || {};
    const crashed = Array.isArray(job.crashedChildren) ? job.crashedChildren : [];
    if (!children.total && !crashed.length) return [];
    const waitedOn = job.waitingOn && job.waitingOn.childId;
    // The API lists at most 100 crashed ids; its count is exact.
    const unlisted = (children.crashed || 0) - crashed.length;
    return [
      el('h3', null, `Children · ${fmtNumber(children.total)}`),
      el('div', { class: 'card-line child-counts' }, ...CHILD_STATES.filter((state) => children[state] > 0)
        .map((state) => el('span', { class: `count-chip state-${state.toUpperCase()}` }, `${state} ${fmtNumber(children[state])}`))),
      crashed.length ? el('ul', { class: 'crashed-children' },
        ...crashed.map((id) => el('li', { class: id === waitedOn ? 'waited-on' : null },
          el('span', { class: 'badge badge-flag flag-CRASHED' }, 'CRASHED'), ' ', runLink(id),
          id === waitedOn ? el('span', { class: 'sub' }, 'the parent is waiting on this child') : null)),
        unlisted > 0 ? el('li', { class: 'muted' }, `and ${fmtNumber(unlisted)} more`) : null) : null,
    ];
  }

  function historyView(list) {
    const entries = Array.isArray(list) ? list : [];
    return [
      el('h3', null, `History · ${fmtNumber(entries.length)}`),
      entries.length ? el('ol', { class: 'history' }, ...entries.map((entry) => el('li', null,
        // The spaces only separate the parts when copied or read aloud: the grid ignores them.
        el('span', { class: 'history-at', title: entry.at || null }, fmtStamp(entry.at)), ' ',
        statusBadge(entry.status), ' ',
        el('span', { class: 'history-detail' }, entry.detail || ''))))
        : el('p', { class: 'muted' }, 'No history recorded.'),
    ];
  }

  // ---- loop ----------------------------------------------------------------------------------

  // Chained timeouts, not setInterval: a slow collector never gets overlapping polls.
  async function loop() {
    try {
      await Promise.all([poll(), loadDetail()]);
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
    // One listener for every job link, wherever it is; a modified click (new tab) stays the browser's.
    document.addEventListener('click', (event) => {
      const link = event.target.closest && event.target.closest('a[data-job]');
      if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      openJob(link.getAttribute('data-job'));
    });
    $('#detail-close').addEventListener('click', closeJob);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && detail.id && event.target !== filter) closeJob();
    });
    window.addEventListener('popstate', () => {
      filter.value = new URLSearchParams(location.search).get('q') || '';
      syncDetail();
      render();
    });
    window.addEventListener('resize', () => {
      if (detail.id) $('#detail').style.top = `${$('.top').offsetHeight}px`;
    });
    syncDetail();
    loop();
  }

  init();
})();
