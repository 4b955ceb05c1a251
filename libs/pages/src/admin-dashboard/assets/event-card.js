// One event on the dashboard: its settings, its actions and its live numbers with their charts.

import { eventRules } from './dashboard-config.js';
import { formatClock, formatClockShort, formatCount, formatDuration, formatRate, formatWait } from './format.js';
import { createSparkline, drawSparkline } from './sparkline.js';

/** Which status each action sets, and on which statuses it is offered. */
const ACTIONS = {
  open: { to: 'OPEN', on: ['DRAFT', 'CLOSED'] },
  pause: { to: 'PAUSED', on: ['OPEN'] },
  resume: { to: 'OPEN', on: ['PAUSED'] },
  close: { to: 'CLOSED', on: ['OPEN', 'PAUSED', 'DRAFT'] },
};

const STATUS_TEXT = {
  OPEN: 'Open',
  PAUSED: 'Paused',
  DRAFT: 'Draft',
  CLOSED: 'Closed',
};

/**
 * Builds a card from the page's template. `handlers`: `setStatus(event, status)`, `edit(event,
 * opener)`, `remove(event)`; each gets the event as the card last showed it.
 */
export function createEventCard(template, handlers) {
  const root = template.content.firstElementChild.cloneNode(true);
  const $ = (selector) => root.querySelector(selector);
  const metric = (name) => {
    const box = $(`.m-${name}`);
    const chart = createSparkline();
    box.querySelector('.chart').append(chart);
    return { value: box.querySelector('.value'), sub: box.querySelector('.sub'), chart };
  };
  const view = {
    name: $('.event-name'),
    id: $('.event-id'),
    badge: $('.status-badge'),
    roomLink: $('.room-link'),
    actions: $('.event-actions'),
    message: $('.event-message'),
    settings: $('.event-settings'),
    journal: $('.event-journal'),
    waiting: metric('waiting'),
    active: metric('active'),
    admitted: metric('admitted'),
    abandoned: metric('abandoned'),
    wait: metric('wait'),
    meterFill: $('.meter-fill'),
  };
  $('.meter').setAttribute('aria-hidden', 'true');

  let event = null;
  for (const [action, { to }] of Object.entries(ACTIONS)) {
    $(`.act-${action}`).addEventListener('click', () => event && handlers.setStatus(event, to));
  }
  $('.act-edit').addEventListener('click', (click) => event && handlers.edit(event, click.currentTarget));
  $('.act-delete').addEventListener('click', () => event && handlers.remove(event));

  /** Shows the event's settings; `live` (stats and series) when it could be read. */
  function update(next, live) {
    event = next;
    root.dataset.eventId = next.eventId;
    root.setAttribute('aria-label', `Event ${next.name}`);
    view.name.textContent = next.name;
    view.id.textContent = next.eventId;
    view.badge.textContent = STATUS_TEXT[next.status] ?? next.status;
    view.badge.className = `badge status-badge ${next.status}`;
    view.roomLink.href = `wr/${encodeURIComponent(next.eventId)}`;
    view.actions.setAttribute('aria-label', `Actions for ${next.name}`);
    for (const [action, { on }] of Object.entries(ACTIONS)) $(`.act-${action}`).hidden = !on.includes(next.status);
    view.message.hidden = !next.message;
    view.message.textContent = next.message ? `Message: ${next.message}` : '';
    if (live) showLive(next, live);
  }

  function showLive(current, { stats, series, now }) {
    const points = series?.points ?? [];
    const samples = points.map((p) => ({ ...p, t: Date.parse(p.at) }));
    const last = samples.at(-1) ?? null;
    const intervalMs = (series?.intervalSec ?? 10) * 1000;
    const from = Math.max(now - (series?.minutes ?? 30) * 60_000, Date.parse(current.createdAt));
    const window = { from, to: now, gapMs: intervalMs * 3 };
    const since = now - from < 29 * 60_000 ? `since ${formatClockShort(new Date(from))}` : 'last 30 min';
    const chart = (target, pick, what, extra = {}) =>
      drawSparkline(target.chart, {
        ...window,
        ...extra,
        samples: samples.map((s) => ({ t: s.t, v: pick(s) })),
        label: describe(what, samples.map(pick), since),
      });

    const waiting = stats?.waiting ?? last?.waiting ?? 0;
    const active = stats?.active ?? last?.active ?? 0;
    // A total and its rate come from one reading: the newest sample (a rate needs two samples'
    // totals, and the stats are up to an interval newer, on the server's clock). The live counts
    // (waiting, active) are the stats; a total says when it was read. Before the first sample,
    // the stats' totals, without a rate.
    const reading = last ?? (stats ? { ...stats, t: null } : null);
    const readAt = reading?.t ? ` at ${formatClock(new Date(reading.t))}` : '';

    view.waiting.value.textContent = formatCount(waiting);
    const peak = Math.max(waiting, ...samples.map((s) => s.waiting));
    view.waiting.sub.textContent = `peak ${formatCount(peak)}, ${since}`;
    chart(view.waiting, (s) => s.waiting, 'Waiting');

    view.active.value.replaceChildren(formatCount(active), smallText(` / ${formatCount(current.limitCnt)}`));
    const share = current.limitCnt > 0 ? Math.min(1, active / current.limitCnt) : 1;
    view.meterFill.style.width = `${(share * 100).toFixed(1)}%`;
    chart(view.active, (s) => s.active, 'Active', {
      reference: samples.map((s) => ({ t: s.t, v: s.limitCnt })),
    });

    const admittedRate = lastMinuteRate(samples, 'admittedTotal', 'admittedPerMin');
    setValue(view.admitted.value, admittedRate === null ? null : formatRate(admittedRate), last ? 'measuring…' : 'no samples yet');
    view.admitted.sub.textContent = reading ? `${formatCount(reading.admittedTotal)} admitted in all${readAt}` : '';
    chart(view.admitted, (s) => s.admittedPerMin, 'Admissions per minute');

    view.abandoned.value.textContent = formatCount(reading?.abandonedTotal ?? 0);
    const abandonedRate = lastMinuteRate(samples, 'abandonedTotal', 'abandonedPerMin');
    view.abandoned.sub.textContent = `in all${readAt}` + (abandonedRate === null ? '' : `, ${formatRate(abandonedRate)} / min`);
    chart(view.abandoned, (s) => s.abandonedPerMin, 'Abandoned per minute');

    const backWait = last ? last.backWaitSeconds : null;
    setValue(view.wait.value, backWait === null ? null : formatWait(backWait), 'Unknown');
    view.wait.sub.textContent = waitNote(current, last);
    chart(view.wait, (s) => s.backWaitSeconds, 'Estimated wait at the back, in seconds');

    view.settings.textContent = settingsLine(current);
    showJournal(view.journal, stats);
  }

  return { root, update };
}

function smallText(text) {
  const small = document.createElement('small');
  small.textContent = text;
  return small;
}

function setValue(element, text, unknownText) {
  element.textContent = text ?? unknownText;
  element.classList.toggle('unknown', text === null);
}

/**
 * The rate over about the last minute, from the totals of the newest sample and the newest one at
 * least a minute older (or the oldest there is); a single sample's own rate when there is no other.
 */
function lastMinuteRate(samples, total, perMinute) {
  const last = samples.at(-1);
  if (!last) return null;
  const base = samples.findLast((s) => s.t <= last.t - 60_000) ?? samples[0];
  if (base === last) return last[perMinute];
  const grown = last[total] - base[total];
  return grown < 0 ? last[perMinute] : (grown * 60_000) / (last.t - base.t);
}

function waitNote(event, last) {
  if (!last) return 'waiting for the first sample';
  if (event.status === 'PAUSED') return 'paused: nobody is admitted';
  if (!eventRules.admitting.includes(event.status)) return 'not admitting';
  if (event.limitCnt === 0) return 'capacity 0: nobody is admitted';
  // The estimate is the sample's, up to one interval older than the live count beside it: say when.
  const at = formatClock(new Date(last.t));
  if (last.waiting === 0) return `nobody waiting at ${at}`;
  return `for number ${formatCount(last.waiting)} in line at ${at}`;
}

function describe(what, values, since) {
  const known = values.filter((v) => typeof v === 'number');
  if (known.length === 0) return `${what}, ${since}: no samples yet`;
  const round = (v) => Math.round(v * 10) / 10;
  return `${what}, ${since}: lowest ${round(Math.min(...known))}, highest ${round(Math.max(...known))}, latest ${round(known.at(-1))}`;
}

/** Past this, a loss of the queue store would cost more than a few seconds of changes: say so loudly. */
const JOURNAL_BEHIND_MS = 5_000;

/** How far the journal is behind the line: what losing the queue store now would lose (a rebuild comes from the journal). */
function showJournal(element, stats) {
  if (!stats || typeof stats.journalLagMs !== 'number') {
    element.textContent = '';
    return;
  }
  const behind = stats.journalLagMs >= JOURNAL_BEHIND_MS;
  element.classList.toggle('behind', behind);
  element.textContent =
    stats.journalPending === 0
      ? 'Journal up to date: every change is saved in the database'
      : `Journal ${(stats.journalLagMs / 1000).toFixed(1)} s behind (${formatCount(stats.journalPending)} changes not yet in the database)`;
}

function settingsLine(event) {
  const parts = [
    `Session ${formatDuration(event.sessionTtlSec)}`,
    `wait timeout ${formatDuration(event.waitTimeoutSec)}`,
    `polls at least ${formatCount(event.minPollIntervalMs)} ms apart`,
    event.blockReentry ? 're-entry blocked' : 're-entry allowed',
    event.idPolicy === 'SIGNED' ? 'signed ids only' : 'open ids',
  ];
  if (event.successUrl) parts.push(`success URL ${event.successUrl}`);
  if (event.callbackUrl) parts.push(`callbacks to ${event.callbackUrl}`);
  return parts.join(' · ');
}
