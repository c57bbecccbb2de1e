// @ts-check
/**
 * The dashboard page: loads the breakers, alerts and health from the REST API, then follows the
 * event stream (`events`), rendering through `model.js`. Every URL is relative to the page, so
 * the dashboard works wherever it is mounted. Text from the server only ever goes through
 * `textContent`: a breaker name is data, never markup.
 */
import {
  applyAlert,
  applyBreakers,
  applyHealth,
  applyTransition,
  chartData,
  createModel,
  formatDuration,
  formatRate,
} from './model.js';

/** @typedef {import('./model.js').Model} Model */

const model = createModel();
const tokenKey = 'breakwater-dashboard-token';
const palette = [
  '#1565c0',
  '#c62828',
  '#2e7d32',
  '#ef6c00',
  '#6a1b9a',
  '#00838f',
  '#ad1457',
  '#4e342e',
];

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {string} tag
 * @param {string} [text]
 * @param {Record<string, string>} [attributes]
 */
function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** @param {number} epochMs */
const clockTime = (epochMs) => new Date(epochMs).toLocaleTimeString();

async function load() {
  const [breakers, alerts, health] = await Promise.all(
    ['circuit-breakers?limit=200', 'alerts', 'health'].map(async (path) =>
      (await fetch(path)).json(),
    ),
  );
  applyBreakers(model, breakers);
  for (const alert of [...alerts.alerts].reverse()) applyAlert(model, alert);
  applyHealth(model, health);
  render();
}

/**
 * A manual action; asks for the token once per browser session.
 * @param {string} path
 */
async function act(path) {
  let token = sessionStorage.getItem(tokenKey);
  if (token === null) {
    token = prompt('Dashboard token (sent as a bearer token; kept for this tab only)');
    if (!token) return;
    sessionStorage.setItem(tokenKey, token);
  }
  const response = await fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status === 401) {
    sessionStorage.removeItem(tokenKey);
    alert('The token was refused.');
    return;
  }
  if (!response.ok) {
    alert((await response.json()).message);
    return;
  }
  await load();
}

function renderTable() {
  const body = /** @type {HTMLTableSectionElement} */ ($('breakers').querySelector('tbody'));
  const rows = [...model.breakers.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  $('no-breakers').hidden = rows.length > 0;
  const note = $('breakers-note');
  note.hidden = model.total <= rows.length;
  note.textContent = `Showing ${rows.length} of ${model.total} breakers: those not closed first.`;
  body.replaceChildren(
    ...rows.map((view) => {
      const row = element('tr', undefined, { 'data-name': view.name });
      const state = element('span', view.state, { class: 'badge state', 'data-state': view.state });
      const cells = [
        element('td', view.name, { class: 'name' }),
        element('td'),
        element('td', formatRate(view.failureRate), { class: 'failure-rate' }),
        element(
          'td',
          view.latency === null
            ? '—'
            : `${view.latency.p50Ms.toFixed(0)} / ${view.latency.p99Ms.toFixed(0)} ms`,
        ),
        element('td', formatDuration(view.timeInStateMs)),
        element(
          'td',
          `${view.counters.calls} / ${view.counters.failures} / ${view.counters.rejected}`,
        ),
        element('td'),
      ];
      cells[1]?.append(state);
      const encoded = encodeURIComponent(view.name);
      const reset = element('button', 'Reset', { type: 'button', class: 'reset' });
      reset.addEventListener('click', () => act(`circuit-breakers/${encoded}/reset`));
      const forceOpen = element('button', 'Force open', { type: 'button', class: 'force-open' });
      forceOpen.addEventListener('click', () => act(`circuit-breakers/${encoded}/force-open`));
      cells[6]?.append(reset, forceOpen);
      row.append(...cells);
      return row;
    }),
  );
}

function renderLogs() {
  $('transitions').replaceChildren(
    ...model.transitions.map((t) => {
      const item = element('li');
      const cause = t.category ? `, ${t.category}` : '';
      item.append(
        element('time', clockTime(t.at)),
        `${t.breaker}: ${t.from} → ${t.to} (${t.reason}${cause})`,
      );
      return item;
    }),
  );
  $('alerts').replaceChildren(
    ...model.alerts.map((a) => {
      const resolved = a.resolvedAt !== undefined && a.resolvedAt !== null;
      const item = element('li', undefined, resolved ? { class: 'resolved' } : {});
      item.append(
        element('time', clockTime(a.raisedAt)),
        `${a.severity}: ${a.message}${resolved ? ' (resolved)' : ''}`,
      );
      return item;
    }),
  );
  const health = model.health;
  const badge = $('health');
  badge.textContent = `health: ${health?.status ?? '…'}`;
  badge.dataset.status = health?.status ?? 'unknown';
  $('checks').replaceChildren(
    ...(health?.checks ?? []).map((check) => {
      const item = element('li');
      const status = element('span', check.status, { class: 'badge', 'data-status': check.status });
      item.append(status, ` ${check.name}${check.last?.detail ? `: ${check.last.detail}` : ''}`);
      return item;
    }),
  );
}

/** @type {Record<string, { names: string, plot: any } | undefined>} */
const charts = {};

/**
 * @param {'failureRate' | 'p50'} metric
 * @param {string} containerId
 */
function renderChart(metric, containerId) {
  const uPlot = /** @type {any} */ (globalThis).uPlot;
  if (uPlot === undefined) return; // still loading; the next update draws it
  const { names, data } = chartData(model, metric);
  // A breaker keeps its colour across charts and as others come and go.
  const everyName = [...model.series.keys()].sort();
  const container = $(containerId);
  if (metric === 'p50') $('latency-section').hidden = names.length === 0;
  const key = names.join('\n');
  const chart = charts[metric];
  if (chart !== undefined && chart.names === key) {
    chart.plot.setData(data);
    return;
  }
  chart?.plot.destroy();
  const plot = new uPlot(
    {
      width: Math.max(300, container.clientWidth || 600),
      height: 220,
      scales: metric === 'failureRate' ? { y: { range: [0, 1] } } : {},
      series: [
        {},
        ...names.map((name) => ({
          label: name,
          stroke: palette[everyName.indexOf(name) % palette.length],
          spanGaps: false,
          value: (/** @type {unknown} */ _u, /** @type {number | null} */ v) =>
            v === null ? '—' : metric === 'failureRate' ? formatRate(v) : `${v.toFixed(1)} ms`,
        })),
      ],
      axes: [{}, { size: 60 }],
    },
    data,
    container,
  );
  charts[metric] = { names: key, plot };
}

function render() {
  renderTable();
  renderLogs();
  renderChart('failureRate', 'failure-chart');
  renderChart('p50', 'latency-chart');
}

/** @param {'connected' | 'disconnected'} status */
function showConnection(status) {
  const badge = $('connection');
  badge.dataset.status = status;
  badge.textContent = status === 'connected' ? 'live' : 'reconnecting…';
}

/**
 * Follows the event stream. EventSource reconnects by itself after a network error (a server
 * restart); after a refusal (503, too many streams) it gives up, so the page starts a new one.
 * Every reconnection reloads the full state, since events were missed meanwhile.
 */
function follow() {
  const source = new EventSource('events');
  let lost = false;
  /**
   * @param {string} name
   * @param {(data: any) => void} apply
   */
  const on = (name, apply) =>
    source.addEventListener(name, (event) => {
      apply(JSON.parse(/** @type {MessageEvent} */ (event).data));
      render();
    });
  source.addEventListener('open', () => {
    showConnection('connected');
    if (lost) load().catch(() => {});
    lost = false;
  });
  source.addEventListener('error', () => {
    lost = true;
    showConnection('disconnected');
    if (source.readyState === EventSource.CLOSED) setTimeout(follow, 2000);
  });
  on('breakers', (data) => applyBreakers(model, data));
  on('transition', (data) => applyTransition(model, data));
  on('alert', (data) => applyAlert(model, data));
  on('recovery', (data) => applyAlert(model, data));
  on('health', (data) => applyHealth(model, data));
}

$('reset-all').addEventListener('click', () => {
  if (confirm('Reset every breaker?')) act('circuit-breakers/reset-all');
});
window.addEventListener('load', () => render());
load().catch(() => showConnection('disconnected'));
follow();
