// Octoflow's web console: draws each page from the REST API (/api/*) with the session cookie; changes carry the
// session's CSRF token. Pages poll every 2 seconds: the API answers 304 when nothing changed (ETag), and a page is
// only redrawn when its data changed. No innerHTML: every value goes in as text.
'use strict';
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const app = document.getElementById('app');
  const statusLine = document.getElementById('status');
  const POLL_MS = 2000;
  let timer = null;
  let generation = 0;

  // ---- DOM helpers ----------------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    applyAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    applyAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function applyAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value);
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    }
  }

  function table(id, headers, rows) {
    return el('table', { id: id },
      el('thead', {}, el('tr', {}, headers.map(h => el('th', { text: h })))),
      el('tbody', {}, rows));
  }

  function say(text, problem) {
    statusLine.textContent = text || '';
    statusLine.className = problem ? 'status problem' : 'status';
  }

  // ---- the API ----------------------------------------------------------------------------------------------------
  async function api(method, path, body) {
    const options = { method: method, credentials: 'same-origin', cache: 'no-cache', headers: {} };
    if (method !== 'GET') {
      options.headers['X-CSRF-Token'] = csrf;
      if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
      }
    }
    const response = await fetch(path, options);
    if (response.status === 401) { // the session expired or was signed out: back to the sign-in page
      window.location.assign('/');
      throw new Error('signed out');
    }
    const text = await response.text();
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') && text ? JSON.parse(text) : text;
    if (!response.ok) {
      throw new Error(data && data.error ? data.error : response.status + ' ' + response.statusText);
    }
    return data;
  }

  function act(label, method, path, body) {
    return async () => {
      try {
        const answer = await api(method, path, body === undefined ? undefined : body());
        say(label + ': done' + (answer && answer.execution_id ? ' (run ' + answer.execution_id + ')' : ''));
        refresh();
        return answer;
      } catch (e) {
        say(label + ': ' + e.message, true);
      }
    };
  }

  // ---- formatting -------------------------------------------------------------------------------------------------
  function duration(ms) {
    if (ms === null || ms === undefined) return '';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
  }

  function time(iso) {
    return iso ? iso.replace('T', ' ').replace(/\.\d+/, '') : '';
  }

  function statusBadge(status) {
    return el('span', { class: 'badge st-' + status, text: status });
  }

  function pretty(value) {
    return el('pre', { class: 'json', text: value === undefined ? '' : JSON.stringify(value, null, 2) });
  }

  const enc = encodeURIComponent;

  // ---- charts (inline SVG) ----------------------------------------------------------------------------------------
  function sparkline(values) {
    const w = 120, h = 24;
    if (values.length < 2) return el('span', { class: 'muted', text: values.length ? duration(values[0]) : '' });
    const max = Math.max(...values, 1);
    const points = values.map((v, i) => (i * w / (values.length - 1)).toFixed(1) + ','
      + (h - 2 - v / max * (h - 4)).toFixed(1)).join(' ');
    return svg('svg', { class: 'sparkline', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h },
      svg('title', { text: 'last ' + values.length + ' durations, max ' + duration(max) }),
      svg('polyline', { points: points, class: 'spark' }));
  }

  const PALETTE = 8;

  // lines: [{name, points: [[t, v], ...]}]; t in ms between from and to
  function lineChart(title, lines, from, to, unit) {
    const w = 640, h = 180, left = 56, bottom = 20;
    const all = lines.flatMap(l => l.points.map(p => p[1]));
    const max = Math.max(1, ...all);
    const x = t => left + (t - from) / Math.max(1, to - from) * (w - left - 8);
    const y = v => h - bottom - v / max * (h - bottom - 10);
    const chart = svg('svg', { class: 'chart', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h },
      svg('line', { x1: left, y1: h - bottom, x2: w - 8, y2: h - bottom, class: 'axis' }),
      svg('line', { x1: left, y1: 10, x2: left, y2: h - bottom, class: 'axis' }),
      svg('text', { x: left - 4, y: 14, class: 'tick end', text: unit === 'ms' ? duration(max) : fmt(max) }),
      svg('text', { x: left - 4, y: h - bottom, class: 'tick end', text: '0' }),
      svg('text', { x: left, y: h - 4, class: 'tick', text: new Date(from).toLocaleTimeString() }),
      svg('text', { x: w - 8, y: h - 4, class: 'tick end', text: new Date(to).toLocaleTimeString() }));
    lines.forEach((line, i) => {
      const cls = 'c' + (i % PALETTE);
      if (line.points.length > 1) {
        chart.appendChild(svg('polyline', { class: 'line ' + cls,
          points: line.points.map(p => x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join(' ') }));
      }
      line.points.forEach(p => chart.appendChild(svg('circle', { cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1),
        r: 2.5, class: 'dot ' + cls }, svg('title', { text: line.name + ': ' + (unit === 'ms' ? duration(p[1])
          : fmt(p[1])) + ' at ' + new Date(p[0]).toLocaleTimeString() }))));
    });
    return el('figure', { class: 'figure' }, el('figcaption', { text: title }), chart,
      el('div', { class: 'legend' }, lines.map((l, i) => el('span', { class: 'key c' + (i % PALETTE), text: l.name }))));
  }

  function fmt(v) {
    return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 100) / 100);
  }

  const STATUSES = ['success', 'exit', 'failed', 'aborted', 'skipped', 'running', 'queued'];

  function stackedBars(title, rows, from, to, bucket) {
    const w = 640, h = 180, left = 40, bottom = 20;
    const buckets = new Map();
    rows.forEach(r => {
      const b = buckets.get(r.t) || {};
      b[r.status] = r.count;
      buckets.set(r.t, b);
    });
    const totals = [...buckets.values()].map(b => Object.values(b).reduce((a, c) => a + c, 0));
    const max = Math.max(1, ...totals);
    const n = Math.max(1, Math.round((to - from) / bucket));
    const bw = (w - left - 8) / n;
    const chart = svg('svg', { class: 'chart', id: 'runs-chart', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h },
      svg('line', { x1: left, y1: h - bottom, x2: w - 8, y2: h - bottom, class: 'axis' }),
      svg('text', { x: left - 4, y: 14, class: 'tick end', text: String(max) }),
      svg('text', { x: left, y: h - 4, class: 'tick', text: new Date(from).toLocaleTimeString() }),
      svg('text', { x: w - 8, y: h - 4, class: 'tick end', text: new Date(to).toLocaleTimeString() }));
    for (const [t, counts] of buckets) {
      let base = h - bottom;
      const bx = left + (t - from) / bucket * bw;
      for (const status of Object.keys(counts).sort((a, b) => STATUSES.indexOf(a) - STATUSES.indexOf(b))) {
        const bh = counts[status] / max * (h - bottom - 10);
        base -= bh;
        chart.appendChild(svg('rect', { x: bx.toFixed(1), y: base.toFixed(1), width: Math.max(1, bw - 1).toFixed(1),
          height: bh.toFixed(1), class: 'bar st-' + status },
          svg('title', { text: counts[status] + ' ' + status + ' at ' + new Date(t).toLocaleTimeString() })));
      }
    }
    return el('figure', { class: 'figure' }, el('figcaption', { text: title }), chart,
      el('div', { class: 'legend' }, STATUSES.map(s => el('span', { class: 'key st-' + s, text: s }))));
  }

  function groupBy(rows, key) {
    const groups = new Map();
    rows.forEach(r => {
      const k = key(r);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(r);
    });
    return groups;
  }

  // ---- pages ------------------------------------------------------------------------------------------------------
  // A page: {title, build(params) -> {controls element or null}, load(params) -> data, draw(data, params) -> node}

  const runFilter = { flow: '', status: '', trigger: '', from: '', to: '', offset: 0, limit: 50 };

  // a problem's file: the flow file's own path as listed, another file's (a sub-flow's) as the API names it
  function where(problemFile, path) {
    return problemFile && !problemFile.endsWith('/' + path) ? problemFile : path;
  }

  const flowsPage = {
    title: 'Flows',
    build() {
      return el('div', { class: 'controls' },
        el('label', { for: 'launch-input', text: 'Launch input (JSON, optional): ' }),
        el('input', { id: 'launch-input', class: 'wide', placeholder: '{"key": "value"}' }));
    },
    async load() {
      const [flows, runs] = await Promise.all([api('GET', '/api/flows'), api('GET', '/api/executions?limit=500')]);
      return { flows: flows, runs: runs };
    },
    draw(data) {
      const byPath = groupBy(data.runs, r => r.path);
      const schedules = groupBy(data.flows.flows, s => s.path);
      const rows = data.flows.deployed.map(flow => {
        const runs = byPath.get(flow.path) || [];
        const last = runs[0];
        const ended = runs.filter(r => r.duration_ms !== null).slice(0, 30).reverse();
        const own = schedules.get(flow.path) || [];
        const launch = act('Launch ' + flow.path, 'POST', '/api/flows/launch', () => {
          const text = document.getElementById('launch-input').value.trim();
          return text ? { path: flow.path, data: JSON.parse(text) } : { path: flow.path };
        });
        return el('tr', { 'data-path': flow.path },
          el('td', {}, el('a', { href: '#/runs', title: 'its runs', onclick: () => {
            runFilter.flow = flow.path;
            runFilter.offset = 0;
          } }, el('strong', { text: flow.name }))),
          el('td', { class: 'mono', text: flow.path }),
          el('td', {}, own.length ? own.map(s => el('div', { class: 'schedule',
            text: (s.cron ? 'cron ' + s.cron : 'every ' + s.every_seconds + ' s') + ' (' + s.timezone + ')' }))
            : el('span', { class: 'muted', text: 'not scheduled' })),
          el('td', {}, own.map(s => el('div', { text: time(s.next_fire) }))),
          el('td', {}, flow.paused ? el('span', { class: 'badge paused', text: 'paused' }) : ''),
          el('td', {}, last ? [statusBadge(last.status), ' ', el('a', { href: '#/run/' + last.id,
            text: duration(last.duration_ms) || 'open' })] : el('span', { class: 'muted', text: 'never ran' })),
          el('td', {}, sparkline(ended.map(r => r.duration_ms))),
          el('td', { class: 'actions' },
            el('button', { class: 'launch', onclick: async () => {
              let answer;
              try {
                answer = await launch();
              } catch (e) {
                say('Launch input: ' + e.message, true);
              }
              return answer;
            }, text: 'Launch' }),
            el('button', { class: flow.paused ? 'resume' : 'pause', onclick: act((flow.paused ? 'Resume ' : 'Pause ')
              + flow.path, 'POST', '/api/flows/' + enc(flow.path) + (flow.paused ? '/resume' : '/pause')),
              text: flow.paused ? 'Resume' : 'Pause' }),
            flow.locked ? el('button', { class: 'unlock', onclick: act('Unlock ' + flow.path, 'DELETE',
              '/api/locks/' + enc(flow.path)), text: 'Unlock' }) : ''));
      });
      const invalid = data.flows.invalid_files.map(file => el('li', { class: 'invalid-file' },
        el('strong', { class: 'mono', text: file.path }),
        file.running_previous_version ? el('span', { class: 'muted', text: ' (the previous version still runs)' }) : '',
        el('ul', {}, file.problems.map(p => el('li', { class: 'problem-line' },
          el('span', { class: 'mono', text: where(p.file, file.path) + ':' + p.line + ':' + p.column }),
          ' ' + p.severity + ': ' + p.message)))));
      return el('div', {},
        table('flows', ['Flow', 'File', 'Schedule', 'Next fire', 'Paused', 'Last run', 'Recent durations', ''], rows),
        data.flows.deployed.length ? '' : el('p', { class: 'muted', text: 'No flow deployed (FLOWS_PATH is empty).' }),
        invalid.length ? el('section', { id: 'invalid' }, el('h2', { text: 'Invalid files' }), el('ul', {}, invalid))
          : '');
    }
  };


  const runsPage = {
    title: 'Runs',
    build() {
      const field = (name, input) => {
        input.value = runFilter[name];
        input.addEventListener('change', () => { runFilter[name] = input.value; runFilter.offset = 0; refresh(); });
        return el('label', {}, name + ' ', input);
      };
      const options = values => [el('option', { value: '', text: 'any' }), values.map(v => el('option', { value: v, text: v }))];
      return el('div', { class: 'controls', id: 'run-filters' },
        field('flow', el('input', { id: 'filter-flow', placeholder: 'path or name' })),
        field('status', el('select', { id: 'filter-status' }, options(STATUSES.concat(['timeout'])
          .filter((v, i, a) => a.indexOf(v) === i)))),
        field('trigger', el('select', { id: 'filter-trigger' }, options(['schedule', 'api', 'jmx', 'cli', 'startup',
          'task', 'loop']))),
        field('from', el('input', { id: 'filter-from', type: 'datetime-local' })),
        field('to', el('input', { id: 'filter-to', type: 'datetime-local' })),
        el('button', { id: 'newer', text: '← newer', onclick: () => {
          runFilter.offset = Math.max(0, runFilter.offset - runFilter.limit); refresh();
        } }),
        el('button', { id: 'older', text: 'older →', onclick: () => { runFilter.offset += runFilter.limit; refresh(); } }));
    },
    load() {
      const q = new URLSearchParams();
      for (const key of ['flow', 'status', 'trigger', 'from', 'to']) {
        if (runFilter[key]) q.set(key, runFilter[key]);
      }
      q.set('limit', runFilter.limit);
      q.set('offset', runFilter.offset);
      return api('GET', '/api/executions?' + q.toString());
    },
    draw(runs) {
      return el('div', {},
        el('p', { class: 'muted', text: 'Runs ' + (runFilter.offset + 1) + '–' + (runFilter.offset + runs.length)
          + ', newest first' }),
        table('runs', ['Run', 'Flow', 'Trigger', 'Status', 'Started', 'Duration', 'Error'], runs.map(r =>
          el('tr', { 'data-id': r.id, 'data-status': r.status },
            el('td', {}, el('a', { class: 'mono run-link', href: '#/run/' + r.id, text: r.id.substring(0, 8) })),
            el('td', { title: r.path, text: r.flow }),
            el('td', { text: r.trigger }),
            el('td', {}, statusBadge(r.status)),
            el('td', { text: time(r.started_at) }),
            el('td', { text: duration(r.duration_ms) }),
            el('td', { class: 'error', text: r.error || '' })))));
    }
  };

  const runPage = {
    title: 'Run',
    build() { return null; },
    load(id) { return api('GET', '/api/executions/' + enc(id)); },
    ticking(run) { return !!run.current_step; },
    draw(run) {
      const live = run.status === 'running' || run.status === 'queued';
      return el('div', { id: 'run', 'data-status': run.status },
        el('h2', {}, run.flow + ' ', statusBadge(run.status)),
        el('dl', { class: 'facts' },
          el('dt', { text: 'Run' }), el('dd', { class: 'mono', text: run.id }),
          el('dt', { text: 'File' }), el('dd', { class: 'mono', text: run.path }),
          el('dt', { text: 'Trigger' }), el('dd', { text: run.trigger }),
          el('dt', { text: 'Scheduled for' }), el('dd', { text: time(run.scheduled_at) }),
          el('dt', { text: 'Started' }), el('dd', { text: time(run.started_at) }),
          el('dt', { text: 'Ended' }), el('dd', { text: time(run.ended_at) }),
          el('dt', { text: 'Duration' }), el('dd', { text: duration(run.duration_ms) }),
          run.error ? [el('dt', { text: 'Error' }), el('dd', { class: 'error', text: run.error })] : ''),
        live ? el('p', {}, el('button', { id: 'abort', class: 'danger', text: 'Abort', onclick:
          act('Abort ' + run.id, 'POST', '/api/executions/' + enc(run.id) + '/abort') }),
          el('span', { class: 'muted', text: ' The timeline grows as steps finish (this page polls).' })) : '',
        el('h3', { text: 'Steps' }),
        timeline(run),
        run.steps_dropped ? el('p', { class: 'muted', text: run.steps_dropped + ' more steps not kept (history cap)' }) : '',
        el('h3', { text: 'Input' }), pretty(run.input),
        el('h3', { text: 'Final data' }), run.data === undefined ? el('p', { class: 'muted', text: 'none' })
          : pretty(run.data));
    }
  };

  function timeline(run) {
    const done = run.steps || [];
    const cur = run.current_step; // only while the run goes on in the service that answers
    if (!done.length && !cur) return el('p', { class: 'muted', id: 'no-steps', text: 'No steps recorded (yet).' });
    const start = Date.parse(run.started_at);
    // the step in progress is a bar that ends now (redrawn at each poll while the run goes)
    const steps = cur ? done.concat([{ step: cur.step, status: 'running', attempt: 1, start: cur.start,
      duration_ms: Math.max(0, Date.now() - Date.parse(cur.start)), error: null, current: true }]) : done;
    const ends = steps.map(s => Date.parse(s.start) - start + s.duration_ms);
    const total = Math.max(1, run.duration_ms || 0, ...ends);
    const w = 760, label = 200, row = 22;
    const chart = svg('svg', { id: 'timeline', class: 'chart', width: w, height: steps.length * row + 24,
      viewBox: '0 0 ' + w + ' ' + (steps.length * row + 24) });
    steps.forEach((s, i) => {
      const offset = Math.max(0, Date.parse(s.start) - start);
      const x = label + offset / total * (w - label - 10);
      const bw = Math.max(2, s.duration_ms / total * (w - label - 10));
      const y = i * row + 4;
      chart.appendChild(svg('text', { x: 4, y: y + 14, class: 'step-label', text: s.step + (s.attempt > 1
        ? ' (attempt ' + s.attempt + ')' : '') + (s.current ? ' (running)' : '') }));
      chart.appendChild(svg('rect', { x: x.toFixed(1), y: y, width: bw.toFixed(1), height: row - 6,
        class: 'bar st-' + s.status + (s.current ? ' current' : ''), 'data-step': s.step },
        svg('title', { text: s.step + ': ' + s.status + ', ' + duration(s.duration_ms) + (s.error ? ' — ' + s.error : '') })));
    });
    chart.appendChild(svg('text', { x: w - 10, y: steps.length * row + 20, class: 'tick end', text: duration(total) }));
    return el('div', {}, chart,
      table('steps', ['Step', 'Status', 'Attempt', 'Start', 'Duration', 'Error'], steps.map(s => el('tr', {},
        el('td', { text: s.step }), el('td', {}, statusBadge(s.status)), el('td', { text: s.current ? '' : s.attempt }),
        el('td', { text: time(s.start) }), el('td', { text: s.current ? 'so far ' + duration(s.duration_ms)
          : duration(s.duration_ms) }),
        el('td', { class: 'error', text: s.error || '' })))));
  }

  const locksPage = {
    title: 'Locks',
    build() { return null; },
    load() { return api('GET', '/api/locks'); },
    draw(locks) {
      return el('div', {},
        table('locks', ['Flow', 'File', 'Since', 'Process', 'Host', 'Run', ''], locks.map(l => el('tr', {},
          el('td', { text: l.flow }), el('td', { class: 'mono', text: l.path }), el('td', { text: time(l.since) }),
          el('td', { text: l.pid }), el('td', { text: l.host || '' }),
          el('td', {}, l.execution_id ? el('a', { href: '#/run/' + l.execution_id, text: l.execution_id.substring(0, 8) })
            : ''),
          el('td', {}, el('button', { text: 'Unlock', onclick: act('Unlock ' + l.path, 'DELETE',
            '/api/locks/' + enc(l.path || l.flow)) }))))),
        locks.length ? '' : el('p', { class: 'muted', text: 'No flow is running.' }));
    }
  };

  const logsPage = {
    title: 'Log',
    build() { return null; },
    async load() {
      const list = await api('GET', '/api/logs');
      const files = list.files || [];
      const main = files.find(f => f.name === 'octoflow.log') || files[0];
      const tail = main ? await api('GET', '/api/logs/' + enc(main.name) + '?tail=200') : '';
      return { list: list, main: main ? main.name : null, tail: tail };
    },
    draw(data) {
      return el('div', {},
        el('p', { class: 'muted', text: 'LOG_PATH ' + data.list.log_path + (data.main ? ' — last 200 lines of '
          + data.main : ' — no log file') }),
        el('pre', { id: 'log', class: 'log', text: data.tail }),
        table('log-files', ['File', 'Size', 'Modified'], (data.list.files || []).map(f => el('tr', {},
          el('td', { class: 'mono', text: f.name }), el('td', { text: f.size_bytes + ' B' }),
          el('td', { text: time(f.modified) })))));
    }
  };

  const tasksPage = {
    title: 'Tasks',
    build() { return null; },
    load() { return api('GET', '/api/v1/task'); },
    draw(tasks) {
      return el('div', {},
        table('tasks', ['Id', 'Name', 'Image', 'Namespace', 'Every (s)', 'Runs', 'Next', 'Enabled'], tasks.map(t =>
          el('tr', {}, el('td', { class: 'mono', text: t.id }), el('td', { text: t.name }),
            el('td', { class: 'mono', text: t.image }), el('td', { text: t.namespace || '' }),
            el('td', { text: t.execution_interval || '' }), el('td', { text: t.execution_counter }),
            el('td', { text: time(t.next_execution_time) }), el('td', { text: t.enabled ? 'yes' : 'no' })))),
        tasks.length ? '' : el('p', { class: 'muted', text: 'No task (rego tasks: POST /api/v1/task).' }));
    }
  };

  let chartMinutes = 60;
  const chartsPage = {
    title: 'Charts',
    build() {
      const select = el('select', { id: 'chart-minutes' }, [15, 60, 360, 1440].map(m =>
        el('option', { value: m, text: m < 60 ? m + ' min' : m / 60 + ' h', selected: m === chartMinutes })));
      select.addEventListener('change', () => { chartMinutes = Number(select.value); refresh(); });
      return el('div', { class: 'controls' }, el('label', {}, 'window ', select));
    },
    load() { return api('GET', '/api/stats?minutes=' + chartMinutes); },
    draw(s) {
      const parts = [stackedBars('Runs per ' + (s.bucket_ms / 60000) + ' min by status', s.runs, s.from, s.to,
        s.bucket_ms)];
      for (const [flow, rows] of groupBy(s.durations, r => r.flow)) {
        parts.push(lineChart('Duration of ' + flow + ' (percentiles per bucket)', ['p50', 'p90', 'p99'].map(p => ({
          name: p, points: rows.map(r => [r.t, r[p + '_ms']]) })), s.from, s.to, 'ms'));
      }
      const lag = [...groupBy(s.schedule_lag, r => r.flow)].map(([flow, rows]) => ({ name: flow,
        points: rows.map(r => [r.t, r.lag_ms]) }));
      parts.push(lag.length ? lineChart('Schedule lag (start − scheduled fire time)', lag, s.from, s.to, 'ms')
        : el('p', { class: 'muted', text: 'No scheduled run in the window: no schedule lag.' }));
      for (const [flow, rows] of groupBy(s.series, r => r.flow)) {
        parts.push(lineChart('Published by ' + flow, [...groupBy(rows, r => r.name)].map(([name, points]) => ({
          name: name, points: points.map(p => [p.t, p.value]) })), s.from, s.to, ''));
      }
      if (!s.series.length) {
        parts.push(el('p', { class: 'muted', text: 'No flow published a series in the window (a flow publishes one'
          + ' with numbers under "octoflow_series" in its final data: docs/CONSOLE.md).' }));
      }
      return el('div', { id: 'charts' }, s.truncated ? el('p', { class: 'muted', text: 'Busy window: charted from'
        + ' its newest runs.' }) : '', parts);
    }
  };

  const pages = { flows: flowsPage, runs: runsPage, run: runPage, locks: locksPage, logs: logsPage, tasks: tasksPage,
    charts: chartsPage };

  // ---- routing and polling ----------------------------------------------------------------------------------------
  let current = null;

  function route() {
    const parts = (window.location.hash || '#/flows').substring(2).split('/');
    const page = pages[parts[0]] || flowsPage;
    const param = parts.slice(1).map(decodeURIComponent).join('/');
    current = { page: page, param: param, last: null, live: null };
    generation++;
    document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active',
      a.getAttribute('href') === '#/' + (parts[0] === 'run' ? 'runs' : parts[0])));
    document.title = page.title + ' · Octoflow';
    say('');
    const controls = page.build(param);
    current.live = el('div', { id: 'live' });
    app.replaceChildren(el('h1', { text: page.title }), controls || '', current.live);
    refresh();
  }

  let loading = false;
  let again = false;

  // one load at a time: a refresh asked for during a load (a button, a new page) runs right after it
  async function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    clearTimeout(timer);
    const mine = generation;
    const view = current;
    try {
      const data = await view.page.load(view.param);
      const text = JSON.stringify(data);
      // unchanged data: the page stays as it is, unless it draws something that grows with time (a running step)
      if (mine === generation && (text !== view.last || (view.page.ticking && view.page.ticking(data)))) {
        view.last = text;
        view.live.replaceChildren(view.page.draw(data, view.param));
      }
    } catch (e) {
      if (mine === generation) say(e.message, true);
    } finally {
      loading = false;
    }
    if (again || mine !== generation) {
      again = false;
      refresh();
      return;
    }
    timer = setTimeout(refresh, POLL_MS);
  }

  window.addEventListener('hashchange', route);
  route();
})();
