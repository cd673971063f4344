// The gateway's dashboard: plain browser JavaScript over the gateway's own APIs, polled every few seconds; no build
// step, no CDN (uPlot ships beside it). The token, when the gateway needs one, lives in this tab's sessionStorage.

const REFRESH_MS = 5000;
const DAY_MS = 86_400_000;
const main = document.getElementById('main');
const statusLine = document.getElementById('status');
const state = { device: undefined, charts: [], timer: undefined, lastMetrics: undefined };

class AuthError extends Error {}

function token() {
  return sessionStorage.getItem('hvac-edge-token') ?? '';
}
function credential() {
  return sessionStorage.getItem('hvac-edge-credential') ?? '';
}

/** The gateway's APIs take a bearer token; the monitoring API (/infra) its own `credential` header. */
async function api(path, { text = false } = {}) {
  const headers = path.startsWith('/infra')
    ? credential()
      ? { credential: credential() }
      : {}
    : token()
      ? { authorization: `Bearer ${token()}` }
      : {};
  const res = await fetch(path, { headers });
  if (res.status === 401 || res.status === 403) throw new AuthError(`${res.status}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return text ? res.text() : res.json();
}

/** An element with text content (never HTML from data). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
}

function table(headers, rows, attrs = {}) {
  return el(
    'table',
    attrs,
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows),
  );
}

const fmt = (v, digits = 1) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');
function ago(iso) {
  if (!iso) return '–';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function section(title, ...children) {
  return el('section', {}, el('h2', {}, title), ...children);
}

// --- Devices ---------------------------------------------------------------------------------------------------

async function series(measurement, field, device, start, end) {
  const q = new URLSearchParams({ measurement, field, device, start: String(start), end: String(end), agg: 'mean' });
  return (await api(`/api/v3/sink/series?${q}`)).points;
}

/** Aligns several [t, v] series on the union of their timestamps, as uPlot wants. */
function align(all) {
  const times = [...new Set(all.flatMap((s) => s.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = all.map((s) => {
    const col = new Array(times.length).fill(null);
    for (const [t, v] of s) col[index.get(t)] = v;
    return col;
  });
  return [times.map((t) => t / 1000), ...columns];
}

async function deviceChart(device) {
  const end = Date.now();
  const start = end - DAY_MS;
  const wanted = [
    ['climate', 'temperature', 'room °C', '#d9480f', 'C'],
    ['climate', 'ext_temperature', 'outdoor °C', '#868e96', 'C'],
    ['climate', 'aircon_setpoint', 'applied set-point °C', '#1971c2', 'C'],
    ['hvac_recommendation', 'recommended_setpoint', 'recommendation °C', '#2f9e44', 'C'],
    ['climate', 'humidity', 'humidity %RH', '#ae3ec9', '%'],
  ];
  const [anomalies, ...data] = await Promise.all([
    series('hvac_anomaly', 'score', device, start, end),
    ...wanted.map(([m, f]) => series(m, f, device, start, end)),
  ]);
  const aligned = align([...data, anomalies]);
  // Room anomalies (cooling failure, stuck sensor, drift) as red markers on the room temperature.
  const flagged = aligned.pop();
  const room = aligned[1];
  aligned.push(flagged.map((score, i) => (score === null ? null : room[i])));
  const box = el('div', {
    id: 'device-chart',
    'data-points': String(data.reduce((n, s) => n + s.length, 0)),
    'data-anomalies': String(anomalies.length),
  });
  const width = Math.min(main.clientWidth - 40, 1100);
  const chart = new uPlot(
    {
      width,
      height: 300,
      series: [
        {},
        ...wanted.map(([, , label, stroke, scale]) => ({ label, stroke, scale, width: 1.5, spanGaps: true })),
        {
          label: 'room anomaly',
          stroke: '#e03131',
          scale: 'C',
          paths: () => null,
          points: { show: true, size: 7, fill: '#e03131' },
        },
      ],
      // The whole 24 h, however few points there are yet.
      scales: { x: { time: true, range: [start / 1000, end / 1000] } },
      axes: [{}, { scale: 'C', label: '°C' }, { scale: '%', side: 1, label: '%RH', grid: { show: false } }],
    },
    aligned,
    box,
  );
  state.charts.push(chart);
  return box;
}

async function devicesPage() {
  const [summary, recent] = await Promise.all([
    api('/api/v3/sink/summary').catch((e) => {
      if (e instanceof AuthError) throw e;
      return undefined;
    }),
    api('/api/v3/command/recent?limit=200'),
  ]);
  if (!summary) {
    return [
      section(
        'Devices',
        el('p', { class: 'muted' }, 'The embedded sink is off: points are in InfluxDB (see Grafana).'),
      ),
    ];
  }
  const lastCommand = new Map();
  for (const c of recent.commands) if (!lastCommand.has(c.device)) lastCommand.set(c.device, c);
  const devices = summary.devices;
  if (!state.device || !devices.some((d) => d.device === state.device)) state.device = devices[0]?.device;
  const quality = await Promise.all(
    devices.slice(0, 50).map((d) =>
      api(`/api/v3/event/device/name/${encodeURIComponent(d.device)}?limit=1`)
        .then((r) => r.events?.[0]?.tags?.quality ?? '–')
        .catch(() => '–'),
    ),
  );
  const rows = devices.map((d, i) => {
    const cmd = lastCommand.get(d.device);
    return el(
      'tr',
      {
        class: d.device === state.device ? 'selected' : '',
        'data-device': d.device,
        onclick: () => {
          state.device = d.device;
          void render();
        },
      },
      el('td', {}, d.device),
      el('td', {}, fmt(d.temperature)),
      el('td', {}, fmt(d.humidity)),
      el('td', {}, quality[i] ?? '–'),
      // While the agent's local guard holds a lower set-point than commanded, both show.
      el(
        'td',
        {},
        d.commanded_setpoint === undefined
          ? fmt(d.aircon_setpoint)
          : `${fmt(d.aircon_setpoint)} (guard; commanded ${fmt(d.commanded_setpoint)})`,
      ),
      el('td', {}, fmt(d.recommended_setpoint)),
      // Who decided the recommendation (model, supervisor, fallback); else who sent the last command.
      el('td', {}, d.recommendedBy ?? (cmd ? cmd.source : '–')),
      el('td', {}, ago(d.at)),
    );
  });
  const out = [
    section(
      `Devices (${devices.length})`,
      table(['device', 'room °C', '%RH', 'quality', 'applied °C', 'recommended °C', 'decided by', 'last seen'], rows, {
        id: 'devices-table',
      }),
      el('p', { class: 'muted' }, `model ${summary.model ?? '–'} on ${summary.backend ?? '–'}`),
    ),
  ];
  if (state.device) out.push(section(`${state.device}: last 24 h`, await deviceChart(state.device)));
  return out;
}

// --- Pipeline ----------------------------------------------------------------------------------------------------

/** Prometheus text format: name{labels} value lines into { name: [{ labels, value }] }. */
function parseMetrics(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = brace > 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const labels = {};
    if (brace > 0 && brace < space) {
      for (const m of line.slice(brace + 1, line.lastIndexOf('}')).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[m[1]] = m[2];
      }
    }
    if (!out[name]) out[name] = [];
    out[name].push({ labels, value: Number(line.slice(space + 1)) });
  }
  return out;
}

const total = (m, name, filter = () => true) =>
  (m[name] ?? []).filter((s) => filter(s.labels)).reduce((n, s) => n + s.value, 0);

function rate(now, before, name, filter) {
  if (!before) return undefined;
  const dt = (now.at - before.at) / 1000;
  return dt > 0 ? (total(now.m, name, filter) - total(before.m, name, filter)) / dt : undefined;
}

async function pipelinePage() {
  const [ready, text] = await Promise.all([fetch('/readyz').then((r) => r.json()), api('/metrics', { text: true })]);
  const now = { at: Date.now(), m: parseMetrics(text) };
  const before = state.lastMetrics;
  state.lastMetrics = now;
  const m = now.m;
  const ingestRows = (m.hvac_gateway_ingest_total ?? []).map((s) => {
    const r = rate(
      now,
      before,
      'hvac_gateway_ingest_total',
      (l) => l.transport === s.labels.transport && l.outcome === s.labels.outcome,
    );
    return el(
      'tr',
      {},
      el('td', {}, s.labels.transport),
      el('td', {}, s.labels.outcome),
      el('td', {}, String(s.value)),
      el('td', {}, r === undefined ? '…' : fmt(r, 2)),
    );
  });
  const drops = (m.hvac_gateway_events_dropped_total ?? []).map((s) =>
    el('tr', {}, el('td', {}, s.labels.reason), el('td', {}, String(s.value))),
  );
  const checks = Object.entries(ready.checks ?? {}).map(([name, ok]) =>
    el('tr', {}, el('td', {}, name), el('td', { class: ok ? 'ok' : 'bad' }, ok ? 'ready' : 'not ready')),
  );
  const fwd = rate(now, before, 'hvac_gateway_forward_published_total');
  const tile = (label, value) => el('div', { class: 'tile' }, label, el('b', {}, value));
  return [
    section(
      'Pipeline',
      el(
        'div',
        { class: 'grid' },
        tile('readiness', ready.status ?? '–'),
        tile('pending backlog', String(total(m, 'hvac_gateway_buffer_pending_events'))),
        tile('oldest pending', `${fmt(total(m, 'hvac_gateway_oldest_pending_age_seconds'), 0)} s`),
        tile('forwarded / s', fwd === undefined ? '…' : fmt(fwd, 2)),
        tile('sink events', String(total(m, 'hvac_sink_events_total'))),
        tile('sink points', String(total(m, 'hvac_sink_points_written_total'))),
      ),
      ready.degraded?.length ? el('p', { class: 'warn' }, `degraded: ${ready.degraded.join('; ')}`) : '',
    ),
    section('Readiness', table(['check', 'state'], checks)),
    section('Ingest by transport and outcome', table(['transport', 'outcome', 'total', 'per s'], ingestRows)),
    section(
      'Dropped events by reason',
      drops.length ? table(['reason', 'total'], drops) : el('p', { class: 'muted' }, 'none'),
    ),
  ];
}

// --- Commands ----------------------------------------------------------------------------------------------------

async function commandsPage() {
  const [recent, text, summary] = await Promise.all([
    api('/api/v3/command/recent?limit=100'),
    api('/metrics', { text: true }),
    api('/api/v3/sink/summary').catch(() => ({ devices: [] })),
  ]);
  const applied = new Map(summary.devices.map((d) => [d.device, d]));
  const rows = recent.commands.map((c) => {
    const d = applied.get(c.device);
    const isApplied = d && d.aircon_setpoint === c.value && Date.parse(d.at) >= c.createdAt;
    const state = isApplied ? 'applied' : c.delivered ? 'delivered' : c.expired ? 'expired' : 'queued';
    return el(
      'tr',
      { class: 'command' },
      el('td', {}, new Date(c.createdAt).toLocaleTimeString()),
      el('td', {}, c.device),
      el('td', {}, fmt(c.value)),
      el('td', {}, c.source),
      el('td', { class: state === 'expired' ? 'bad' : state === 'applied' ? 'ok' : '' }, state),
    );
  });
  const m = parseMetrics(text);
  const refused = (m.hvac_gateway_commands_total ?? [])
    .filter((s) => s.labels.outcome !== 'queued')
    .map((s) =>
      el('tr', {}, el('td', {}, s.labels.source), el('td', {}, s.labels.outcome), el('td', {}, String(s.value))),
    );
  return [
    section(
      'Set-point commands',
      rows.length
        ? table(['issued', 'device', '°C', 'source', 'state'], rows, { id: 'commands-table' })
        : el('p', { class: 'muted' }, 'none yet'),
    ),
    section(
      'Not queued, by source and reason',
      refused.length ? table(['source', 'outcome', 'total'], refused) : el('p', { class: 'muted' }, 'none'),
    ),
  ];
}

// --- Monitoring --------------------------------------------------------------------------------------------------

async function monitoringPage() {
  const listing = await api('/infra/cloudServices').catch((e) => {
    if (e instanceof AuthError) throw e;
    return undefined;
  });
  if (!listing)
    return [section('Monitoring', el('p', { class: 'muted' }, 'The monitoring API is off on this gateway.'))];
  const alerts = await api('/infra/alerts').catch(() => ({ active: [] }));
  const end = Date.now();
  const out = [];
  for (const t of listing.targets.slice(0, 20)) {
    const cells = [];
    // The figures an operator looks at first; at most eight per target, to keep each refresh small.
    const first = ['cpu_usage', 'mem_usage', 'disk_usage', 'cpu_temp', 'net_rx', 'net_tx', 'diskio_wb', 'diskio_rb'];
    const metrics = [...first.filter((m) => t.metrics.includes(m)), ...t.metrics.filter((m) => !first.includes(m))];
    const base = `/infra/cloudServices/${encodeURIComponent(t.name)}`;
    for (const metric of metrics.slice(0, 8)) {
      // The anomaly route answers the 1-minute values with the detector's verdict on each.
      const q = new URLSearchParams({ start: String(end - 3_600_000), end: String(end) });
      const points = await api(`${base}/anomaly/${metric}?${q}`)
        .then((r) => r.points)
        .catch(() => []);
      const odd = points.filter((p) => p.level === 'warning' || p.level === 'critical').length;
      const box = el(
        'div',
        { class: 'tile', 'data-metric': metric, 'data-anomalies': String(odd) },
        metric,
        el('b', {}, fmt(points.at(-1)?.value)),
        odd ? el('span', { class: 'warn' }, ` ${odd} anomal${odd === 1 ? 'y' : 'ies'}`) : '',
      );
      if (points.length > 1) {
        state.charts.push(
          new uPlot(
            {
              width: 200,
              height: 50,
              legend: { show: false },
              cursor: { show: false },
              axes: [{ show: false }, { show: false }],
              series: [
                {},
                { stroke: '#1971c2' },
                { stroke: '#e03131', paths: () => null, points: { show: true, size: 5, fill: '#e03131' } },
              ],
            },
            [
              points.map((p) => Date.parse(p.now) / 1000),
              points.map((p) => p.value),
              points.map((p) => (p.level === 'warning' || p.level === 'critical' ? p.value : null)),
            ],
            box,
          ),
        );
      }
      cells.push(box);
    }
    // Runway: when the disk reaches 90 % (and, on the gateway's own host, when its buffer fills its budget).
    const runway = [];
    for (const metric of ['disk_usage', 'buffer_bytes'].filter((m) => t.metrics.includes(m))) {
      const f = await api(`${base}/forecast/${metric}?horizonDays=365`).catch(() => undefined);
      if (!f) continue;
      const days = f.daysUntilThreshold;
      const what = metric === 'disk_usage' ? `disk ${f.threshold} %` : 'buffer full';
      runway.push(
        el(
          'div',
          { class: 'tile runway', 'data-metric': metric },
          what,
          el('b', {}, days === null ? (f.fittedPoints < 6 ? 'learning' : '> 1 year') : `${days.toFixed(1)} d`),
        ),
      );
    }
    cells.push(...runway);
    out.push(section(`${t.name} (${t.source})${t.stale ? ' — stale' : ''}`, el('div', { class: 'grid' }, ...cells)));
  }
  const active = (alerts.active ?? []).map((a) =>
    el(
      'tr',
      {},
      el('td', {}, a.target ?? ''),
      el('td', {}, a.rule ?? ''),
      el('td', { class: 'warn' }, a.level ?? ''),
      el('td', {}, String(a.value ?? '')),
    ),
  );
  out.unshift(
    section(
      'Active alerts',
      active.length ? table(['target', 'rule', 'level', 'value'], active) : el('p', { class: 'muted' }, 'none'),
    ),
  );
  return out;
}

// --- Shell -------------------------------------------------------------------------------------------------------

const PAGES = { devices: devicesPage, pipeline: pipelinePage, commands: commandsPage, monitoring: monitoringPage };

function signIn(why) {
  const dialog = document.getElementById('signin');
  document.getElementById('signin-why').textContent = why;
  if (!dialog.open) dialog.showModal();
}

document.getElementById('signin-form').addEventListener('submit', () => {
  sessionStorage.setItem('hvac-edge-token', document.getElementById('token').value.trim());
  sessionStorage.setItem('hvac-edge-credential', document.getElementById('credential').value.trim());
  void render();
});

let rendering = false;
async function render() {
  if (rendering) return;
  rendering = true;
  const page = (location.hash.slice(1) || 'devices').split('?')[0];
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === page);
  const old = state.charts;
  state.charts = [];
  try {
    const content = await (PAGES[page] ?? devicesPage)();
    for (const c of old) c.destroy();
    main.replaceChildren(...content);
    // Charts were drawn into detached boxes: the boxes are in the page now.
    statusLine.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (err instanceof AuthError) {
      main.replaceChildren(
        el('p', { class: 'error', id: 'auth-needed' }, 'Sign in to see this page: the gateway needs credentials.'),
      );
      const which = page === 'monitoring' ? 'monitoring credential' : 'token';
      signIn(
        (page === 'monitoring' ? credential() : token())
          ? `That ${which} was refused. Enter another.`
          : `This gateway needs a ${which} to show this page.`,
      );
    } else {
      statusLine.textContent = `error: ${err.message}`;
    }
    for (const c of state.charts) c.destroy();
    state.charts = old;
  } finally {
    rendering = false;
  }
}

window.addEventListener('hashchange', () => void render());
void render();
state.timer = setInterval(() => void render(), REFRESH_MS);
