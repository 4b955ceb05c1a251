// The admin dashboard: sign in with the admin key, then every event with its live numbers,
// refreshed every few seconds while the tab is visible.

import { api, ApiError, NetworkError, session, whenUnauthorized } from './admin-api.js';
import { createEventCard } from './event-card.js';
import { createEventForm } from './event-form.js';
import { formatClock, formatCount } from './format.js';

const REFRESH_MS = 3_000;
const CHART_MINUTES = 30;
const TOAST_MS = 4_000;

const $ = (id) => document.getElementById(id);
const view = {
  sessionTools: $('session-tools'),
  updated: $('updated'),
  updatedText: $('updated-text'),
  signIn: $('signin-view'),
  signInForm: $('signin-form'),
  keyInput: $('admin-key'),
  signInError: $('signin-error'),
  signInSubmit: $('signin-submit'),
  events: $('events-view'),
  summary: $('events-summary'),
  banner: $('banner'),
  empty: $('empty'),
  list: $('event-list'),
  toast: $('toast'),
  confirm: $('confirm'),
  confirmTitle: $('confirm-title'),
  confirmText: $('confirm-text'),
  confirmOk: $('confirm-ok'),
  confirmCancel: $('confirm-cancel'),
  cardTemplate: $('event-card'),
};

/** eventId → card, in the order shown. */
const cards = new Map();
let timer = null;
let refreshing = null;
let lastSuccess = null;
let toastTimer = null;

const form = createEventForm({
  dialog: $('editor'),
  onSaved(event, created) {
    toast(created ? `Created ${event.name}.` : `Saved ${event.name}.`);
    void refreshNow();
  },
});

whenUnauthorized(() => signOut('The admin key was refused. Sign in again.'));

// ---- Signing in and out -------------------------------------------------------------------------

view.signInForm.addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  const key = view.keyInput.value.trim();
  if (!key) return showSignInError('Enter the admin key.');
  view.signInSubmit.disabled = true;
  try {
    await api.tryKey(key);
    session.save(key);
    view.keyInput.value = '';
    showEvents();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showSignInError('That key was refused. Check ADMIN_API_KEY on the server.');
    else if (err instanceof NetworkError) showSignInError('Foyer could not be reached. Try again.');
    else showSignInError(`${err.message}`);
  } finally {
    view.signInSubmit.disabled = false;
  }
});

$('sign-out').addEventListener('click', () => signOut(null));

function showSignInError(message) {
  view.signInError.textContent = message;
  view.signInError.hidden = false;
  view.keyInput.setAttribute('aria-invalid', 'true');
  view.keyInput.focus();
}

/** Forgets the key and everything shown with it. */
function signOut(message) {
  session.clear();
  stopRefreshing();
  form.close();
  if (view.confirm.open) view.confirm.close('cancel');
  cards.clear();
  view.list.replaceChildren();
  view.events.hidden = true;
  view.sessionTools.hidden = true;
  view.signIn.hidden = false;
  view.keyInput.removeAttribute('aria-invalid');
  view.signInError.hidden = !message;
  view.signInError.textContent = message ?? '';
  view.keyInput.focus();
}

function showEvents() {
  view.signIn.hidden = true;
  view.signInError.hidden = true;
  view.keyInput.removeAttribute('aria-invalid');
  view.events.hidden = false;
  view.sessionTools.hidden = false;
  view.updatedText.textContent = 'Loading…';
  $('main').focus();
  void refreshNow();
}

// ---- Refreshing ---------------------------------------------------------------------------------

function stopRefreshing() {
  clearTimeout(timer);
  timer = null;
}

function scheduleRefresh() {
  stopRefreshing();
  if (session.key() && !document.hidden) timer = setTimeout(() => void refreshNow(), REFRESH_MS);
}

/** One refresh at a time; a call during one waits for it and then refreshes again. */
async function refreshNow() {
  if (refreshing) {
    await refreshing;
    return refreshNow();
  }
  refreshing = refresh().finally(() => {
    refreshing = null;
    scheduleRefresh();
  });
  return refreshing;
}

async function refresh() {
  if (!session.key()) return;
  try {
    const { items } = await api.listEvents();
    const events = [...items].reverse(); // Newest first.
    const lives = await Promise.all(events.map(readLive));
    if (!session.key()) return;
    showList(events, lives);
    lastSuccess = new Date();
    view.banner.hidden = true;
    view.updated.classList.remove('stale');
    view.updatedText.textContent = `Live · updated ${formatClock(lastSuccess)}`;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    const why =
      err instanceof NetworkError
        ? 'Foyer cannot be reached.'
        : err instanceof ApiError
          ? `Foyer answered ${err.status} ${err.code}: ${err.message}.`
          : `Something went wrong: ${err.message}.`;
    view.banner.textContent = `${why} Retrying every few seconds; the numbers shown may be out of date.`;
    view.banner.hidden = false;
    view.updated.classList.add('stale');
    view.updatedText.textContent = lastSuccess ? `Retrying · last update ${formatClock(lastSuccess)}` : 'Retrying…';
  }
}

/** An event's stats and series; what cannot be read now is left out (the card keeps its charts). */
async function readLive(event) {
  const [detail, series] = await Promise.allSettled([api.getEvent(event.eventId), api.series(event.eventId, CHART_MINUTES)]);
  for (const result of [detail, series]) {
    if (result.status === 'rejected' && result.reason instanceof ApiError && result.reason.status === 401) throw result.reason;
  }
  if (detail.status === 'rejected' && series.status === 'rejected') return null;
  return {
    stats: detail.status === 'fulfilled' ? detail.value.stats : null,
    series: series.status === 'fulfilled' ? series.value : null,
    now: Date.now(),
  };
}

function showList(events, lives) {
  const seen = new Set(events.map((e) => e.eventId));
  for (const [eventId, card] of cards) {
    if (!seen.has(eventId)) {
      // A keyboard user on a deleted event's card keeps a place in the page, not <body>.
      if (card.root.contains(document.activeElement)) $('main').focus();
      card.root.remove();
      cards.delete(eventId);
    }
  }
  events.forEach((event, index) => {
    let card = cards.get(event.eventId);
    if (!card) {
      card = createEventCard(view.cardTemplate, { setStatus, edit: (e, opener) => form.open(e, opener), remove });
      cards.set(event.eventId, card);
    }
    card.update(event, lives[index]);
    // Move only what is out of place, so a focused button keeps its focus.
    if (view.list.children[index] !== card.root) view.list.insertBefore(card.root, view.list.children[index] ?? null);
  });
  view.empty.hidden = events.length > 0;
  const waiting = lives.reduce((sum, live) => sum + (live?.stats?.waiting ?? 0), 0);
  const active = lives.reduce((sum, live) => sum + (live?.stats?.active ?? 0), 0);
  view.summary.textContent =
    events.length === 0
      ? ''
      : `${formatCount(events.length)} ${events.length === 1 ? 'event' : 'events'} · ${formatCount(waiting)} waiting · ${formatCount(active)} active`;
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) stopRefreshing();
  else if (session.key()) void refreshNow();
});

// ---- Actions ------------------------------------------------------------------------------------

const STATUS_DONE = { OPEN: 'is open', PAUSED: 'is paused', CLOSED: 'is closed' };

async function setStatus(event, status) {
  if (status === 'CLOSED') {
    const sure = await confirmAction({
      title: `Close ${event.name}?`,
      text: 'Everyone waiting loses their place at once (EXPIRED, EVENT_CLOSED) and nobody new can join. Admitted sessions run out. You can reopen it later.',
      confirm: 'Close event',
    });
    if (!sure) return;
  }
  await act(() => api.updateEvent(event.eventId, { status }), `${event.name} ${STATUS_DONE[status] ?? `is ${status}`}.`);
}

async function remove(event) {
  const sure = await confirmAction({
    title: `Delete ${event.name}?`,
    text: `The event “${event.eventId}”, its line, its sessions and its history are removed for good. Visitors get “not found”. The journal keeps what happened.`,
    confirm: 'Delete event',
  });
  if (!sure) return;
  await act(() => api.deleteEvent(event.eventId), `${event.name} was deleted.`);
}

async function act(request, done) {
  try {
    await request();
    toast(done);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    toast(err instanceof NetworkError ? 'Foyer could not be reached; nothing changed.' : `Not done: ${err.message} (${err.code}).`);
  }
  await refreshNow();
}

/** Asks before a change that cannot be undone; Cancel has the focus, so Enter alone changes nothing. */
function confirmAction({ title, text, confirm }) {
  view.confirmTitle.textContent = title;
  view.confirmText.textContent = text;
  view.confirmOk.textContent = confirm;
  const opener = document.activeElement;
  view.confirm.returnValue = 'cancel';
  view.confirm.showModal();
  view.confirmCancel.focus();
  return new Promise((resolve) => {
    view.confirm.addEventListener(
      'close',
      () => {
        if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
        resolve(view.confirm.returnValue === 'confirm');
      },
      { once: true },
    );
  });
}

function toast(message) {
  view.toast.textContent = message;
  view.toast.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => view.toast.classList.remove('shown'), TOAST_MS);
}

for (const button of [$('new-event'), $('empty-new-event')]) {
  button.addEventListener('click', () => form.open(null, button));
}

// ---- Start --------------------------------------------------------------------------------------

if (session.key()) showEvents();
else signOut(null);
