// @ts-check
/**
 * The dashboard page's data, without the DOM: what the REST API and the event stream say, folded
 * into one model the page renders. Kept apart from the rendering so it runs (and is tested) in
 * Node as well as in the browser. Plain JavaScript, served as is: the page needs no build.
 */

/**
 * @typedef {{ name: string, state: string, at: number, timeInStateMs: number,
 *   failureRate: number, counters: { calls: number, failures: number, rejected: number },
 *   latency: { p50Ms: number, p99Ms: number } | null }} BreakerView
 * @typedef {{ breaker: string, from: string, to: string, reason: string, at: number,
 *   category?: string | null }} Transition
 * @typedef {{ id: number, check: string, severity: string, message: string, raisedAt: number,
 *   resolvedAt?: number }} Alert
 * @typedef {{ status: string, checks: { name: string, status: string,
 *   last?: { detail?: string } }[] }} Health
 */

/**
 * An empty model.
 * @param {{ maxPoints?: number, maxTransitions?: number, maxAlerts?: number }} [options]
 */
export function createModel(options = {}) {
  return {
    maxPoints: options.maxPoints ?? 180,
    maxTransitions: options.maxTransitions ?? 100,
    maxAlerts: options.maxAlerts ?? 100,
    /** @type {Map<string, BreakerView>} */
    breakers: new Map(),
    /** Breakers on the server: more than `breakers` holds when the server sends only some. */
    total: 0,
    /** Sample times, in seconds (uPlot's x unit). */
    /** @type {number[]} */
    times: [],
    /** Per breaker, values aligned with `times` (`null` where it had none). */
    /** @type {Map<string, { failureRate: (number | null)[], p50: (number | null)[] }>} */
    series: new Map(),
    /** Newest first. */
    /** @type {Transition[]} */
    transitions: [],
    /** Newest first. */
    /** @type {Alert[]} */
    alerts: [],
    /** @type {Health | null} */
    health: null,
  };
}

/** @typedef {ReturnType<typeof createModel>} Model */

/**
 * Every breaker at one instant (`GET /circuit-breakers`, or a `breakers` event): replaces the
 * table and appends a point to each breaker's chart series.
 * @param {Model} model
 * @param {{ at: number, total?: number, breakers: BreakerView[] }} sample
 */
export function applyBreakers(model, sample) {
  model.breakers = new Map(sample.breakers.map((b) => [b.name, b]));
  model.total = sample.total ?? sample.breakers.length;
  const t = sample.at / 1000;
  const last = model.times.at(-1);
  if (last !== undefined && t <= last) {
    // A second sample of one instant (the list fetched on load, then the stream's first
    // event), or from a clock that stepped back: it replaces the last point.
    for (const series of model.series.values()) {
      series.failureRate.pop();
      series.p50.pop();
    }
  } else {
    model.times.push(t);
  }
  const before = model.times.length - 1;
  for (const view of sample.breakers) {
    if (!model.series.has(view.name)) {
      const empty = () => Array.from({ length: before }, () => null);
      model.series.set(view.name, { failureRate: empty(), p50: empty() });
    }
  }
  for (const [name, series] of model.series) {
    const view = model.breakers.get(name);
    series.failureRate.push(view === undefined ? null : view.failureRate);
    series.p50.push(view?.latency == null ? null : view.latency.p50Ms);
  }
  if (model.times.length > model.maxPoints) {
    const drop = model.times.length - model.maxPoints;
    model.times.splice(0, drop);
    for (const series of model.series.values()) {
      series.failureRate.splice(0, drop);
      series.p50.splice(0, drop);
    }
  }
  // A breaker gone from the registry leaves the charts once its points have scrolled out.
  for (const [name, series] of model.series) {
    if (!model.breakers.has(name) && series.failureRate.every((v) => v === null)) {
      model.series.delete(name);
    }
  }
}

/**
 * A breaker's transition (a `transition` event): logged, and its state updated at once rather
 * than at the next sample.
 * @param {Model} model
 * @param {Transition} transition
 */
export function applyTransition(model, transition) {
  model.transitions.unshift(transition);
  model.transitions.length = Math.min(model.transitions.length, model.maxTransitions);
  const view = model.breakers.get(transition.breaker);
  if (view !== undefined) {
    model.breakers.set(transition.breaker, { ...view, state: transition.to, timeInStateMs: 0 });
  }
}

/**
 * An alert raised or resolved (`alert` and `recovery` events, or each of `GET /alerts`).
 * @param {Model} model
 * @param {Alert} alert
 */
export function applyAlert(model, alert) {
  const index = model.alerts.findIndex((a) => a.id === alert.id);
  if (index === -1) model.alerts.unshift(alert);
  else model.alerts[index] = alert;
  model.alerts.sort((a, b) => b.id - a.id);
  model.alerts.length = Math.min(model.alerts.length, model.maxAlerts);
}

/**
 * @param {Model} model
 * @param {Health} health
 */
export function applyHealth(model, health) {
  model.health = health;
}

/**
 * The data of one chart in uPlot's form: `[times, ...one array per breaker]`, and the names.
 * Latency charts only breakers that track it.
 * @param {Model} model
 * @param {'failureRate' | 'p50'} metric
 */
export function chartData(model, metric) {
  const names = [...model.series.keys()]
    .filter((name) => model.series.get(name)?.[metric].some((v) => v !== null))
    .sort();
  const data = [
    model.times.slice(),
    ...names.map((name) => model.series.get(name)?.[metric] ?? []),
  ];
  return { names, data };
}

/**
 * `1.2 s`, `3 min`, `2 h`…
 * @param {number} ms
 */
export function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
}

/** @param {number} rate 0–1 */
export function formatRate(rate) {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)} %`;
}
