/*
 * The waiting-room page's script: takes or resumes a place, polls it, and shows one screen at a
 * time. Bundled by scripts/build-pages.mjs into one file, with the SDK's FoyerClient doing the
 * talking to Foyer, so the page and the SDK pace polls and back off alike.
 *
 * One tab of a browser polls (tab-leader.js); the others show what it broadcasts and take over
 * when it goes away. The place is the ticket kept in localStorage (saved-place.js).
 *
 * A hidden tab keeps polling as long as the browser lets it run: its waits run in a small
 * dedicated worker (poll-timer.js). A frozen or discarded tab runs nothing at all, worker
 * included; it polls the moment it runs again, and if its place lapsed meanwhile it says so and
 * offers to join again.
 */
import { FoyerClient, FoyerError, newIdempotencyKey } from '@foyer/sdk';
import { config } from './page.js';
import { createPollTimer } from './poll-timer.js';
import { savedPlace } from './saved-place.js';
import { createScreens } from './screens.js';
import { createTabs } from './tab-leader.js';

const eventId = config.eventId;
const STORE_KEY = 'foyer-wr:' + eventId;
// A tab coming back to view polls at once, but never twice within this.
const MIN_GAP_MS = 1000;

// The place this tab shows, and a screen shown instead of it. `enterKey`: the Idempotency-Key of an
// enter that has no ticket back yet, kept (and saved) until one comes, so every retry of that enter,
// after a reload or in another tab too, finds the place it may have taken rather than a second one.
const place = { ticket: null, id: null, arrivalRank: null, state: null, updatedAt: null, enterKey: null };
let problem = null;

let leader = false;
let offline = false;
// The wait this tab runs (leader only): enter or resume, then polls until the line settles it.
let running = null;
let lastRequestAt = 0;
let holdUntil = 0;

const saved = savedPlace(STORE_KEY);
const tabs = createTabs(STORE_KEY);
const timer = createPollTimer(config.timerUrl);
const screens = createScreens({ place, isLeader: () => leader, notifyTag: STORE_KEY });
const client = new FoyerClient({
  // The API is the page's parent (`/wr/x` → `/`), which stays right behind a path prefix in front of Foyer.
  foyerUrl: new URL('..', location.href).href,
  fetch: (url, init) => {
    lastRequestAt = Date.now();
    return fetch(url, Object.assign({}, init, { cache: 'no-store', credentials: 'omit' }));
  },
  sleep: timer.sleep,
});

// An idToken from the customer's site arrives in the fragment, which never reaches a server log.
let idToken = null;
const fragment = /(?:^#|&)idToken=([^&]+)/.exec(location.hash);
if (fragment) {
  try {
    idToken = decodeURIComponent(fragment[1]);
  } catch {
    // A mangled link: sent as it is, so Foyer refuses it and the page says why, rather than hang.
    idToken = fragment[1];
  }
  history.replaceState(null, '', location.pathname + location.search);
}

// ---- the place -------------------------------------------------------------------------------

function keep(kept) {
  place.ticket = kept.ticket || null;
  place.id = kept.id || null;
  place.arrivalRank = kept.arrivalRank || null;
  place.enterKey = kept.enterKey || null;
}

function forget() {
  place.ticket = null;
  place.id = null;
  place.arrivalRank = null;
  place.state = null;
  place.enterKey = null;
  saved.clear();
}

/** The key of the enter under way: the one not yet answered, else a fresh one, saved before it is sent. */
function enterKey() {
  if (!place.enterKey) {
    place.enterKey = newIdempotencyKey();
    saved.save(place);
  }
  return place.enterKey;
}

/** `own`: this tab received it from Foyer (and tells the others); else another tab broadcast it. */
function accept(next, own) {
  problem = null;
  if (next.ticket && next.ticket !== place.ticket) {
    place.ticket = next.ticket;
    place.arrivalRank = null; // a new place
  }
  // Answered: the ticket names the place from now on, and the next enter is a new one.
  if (own && next.ticket) place.enterKey = null;
  place.id = next.id;
  if (next.status === 'WAIT' && (!place.arrivalRank || next.expectedInfo.rank > place.arrivalRank)) {
    place.arrivalRank = next.expectedInfo.rank;
  }
  const previous = place.state;
  place.state = next;
  place.updatedAt = own ? Date.now() : place.updatedAt || Date.now();
  if (own) {
    saved.save(place);
    tabs.post({ type: 'state', state: next, arrivalRank: place.arrivalRank, updatedAt: place.updatedAt });
  }
  screens.render(previous, true);
}

function showProblem(name, code, own) {
  problem = { name, code };
  stop();
  screens.showProblem(name, code);
  if (own) tabs.post({ type: 'problem', name, code });
}

function setOffline(value) {
  if (value === offline) return;
  offline = value;
  screens.showOffline(value);
  if (leader) tabs.post({ type: 'offline', offline: value });
}

// ---- talking to Foyer ------------------------------------------------------------------------

/**
 * `enter`: take a new place; `resume`: enter with the ticket; `poll`: poll the ticket now (a place
 * another tab held). Replaces the wait running, once that one has stopped: one request at a time.
 */
function run(kind) {
  if (!leader) return;
  const previous = running;
  const controller = new AbortController();
  if (previous) previous.controller.abort();
  // A wait that broke (a bug: it is reported) does not keep the next one from running.
  const done = (previous ? previous.done.catch(() => {}) : Promise.resolve()).then(() => wait(kind, controller.signal));
  running = { controller, done };
}

function stop() {
  if (running) running.controller.abort();
}

async function wait(kind, signal) {
  if (signal.aborted) return;
  if (kind !== 'enter' && !place.ticket) kind = 'enter';
  const options = {
    signal,
    onState(state) {
      if (signal.aborted) return;
      setOffline(false);
      accept(state, true);
    },
    onRetry(error, delayMs) {
      // No answer, or the server side failing, is being offline; a 429 is an answer.
      setOffline(error.statusCode === 0 || error.statusCode >= 500);
      // Foyer asked for this wait: coming back to view must not cut it short.
      if (error.statusCode === 429) holdUntil = Date.now() + delayMs;
    },
    // The ticket no longer names a place (another event, a new secret): the client takes a new one.
    onTicketRejected: forget,
  };
  const request = idToken ? { eventId, idToken } : { eventId };
  if (kind === 'resume') request.ticket = place.ticket;
  else if (kind === 'enter') request.idempotencyKey = enterKey();
  try {
    if (kind === 'poll') await client.pollUntilSettled(place.ticket, options);
    else await client.waitUntilAdmitted(request, options);
  } catch (error) {
    if (signal.aborted) return;
    if (!(error instanceof FoyerError)) throw error;
    refused(error);
  }
}

/** An answer that ends the wait without a state. */
function refused(error) {
  setOffline(false);
  if (error.statusCode === 401 && error.code === 'INVALID_TICKET' && place.ticket) {
    // The ticket no longer names a place: take a new one.
    forget();
    run('enter');
  } else if (error.statusCode === 404 && error.code === 'EVENT_NOT_FOUND') {
    showProblem('notfound', error.code, true);
  } else if (error.statusCode === 409 && error.code === 'EVENT_NOT_OPEN') {
    // DRAFT (not open yet: worth trying again) or CLOSED (over): the message names which, else what the page was rendered with.
    const named = / is (DRAFT|CLOSED) /.exec(error.message || '');
    showProblem((named ? named[1] : config.eventStatus) === 'CLOSED' ? 'closed' : 'notopen', error.code, true);
  } else {
    showProblem('error', error.code, true);
  }
}

/** Poll now rather than at the scheduled time (the tab came back to view, or the network did). */
function checkNow() {
  if (!leader) {
    tabs.post({ type: 'check' });
    return;
  }
  const now = Date.now();
  timer.hurry(Math.max(0, lastRequestAt + MIN_GAP_MS - now, holdUntil - now));
}

/** The visitor's buttons: `join` takes a new place at the back, `retry` tries the same again. */
function act(kind) {
  stop();
  problem = null;
  holdUntil = 0;
  if (kind === 'join') forget();
  screens.show('loading');
  if (!leader) {
    tabs.post({ type: kind });
    return;
  }
  run(kind === 'join' || !place.ticket ? 'enter' : 'resume');
}

document.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('[data-action]');
  if (!button) return;
  event.preventDefault();
  act(button.dataset.action);
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && screens.visible()) checkNow();
});
window.addEventListener('online', checkNow);
// A frozen tab (see poll-timer.js) is told when it runs again.
document.addEventListener('resume', checkNow);
window.addEventListener('pageshow', (event) => {
  if (event.persisted) checkNow();
});

// ---- tabs ------------------------------------------------------------------------------------

tabs.listen((message) => {
  if (message.type === 'hello' || message.type === 'check' || message.type === 'join' || message.type === 'retry') {
    if (!leader) return;
    if (message.type === 'hello') tellNewcomer();
    else if (message.type === 'check') checkNow();
    else act(message.type);
    return;
  }
  if (leader) return;
  if (message.type === 'state' && message.state) {
    place.ticket = message.state.ticket || place.ticket;
    place.arrivalRank = message.arrivalRank;
    place.updatedAt = message.updatedAt;
    accept(message.state, false);
  } else if (message.type === 'problem') {
    showProblem(message.name, message.code, false);
  } else if (message.type === 'offline') {
    setOffline(Boolean(message.offline));
  }
});

/** A tab that just opened shows what this one knows, without waiting for the next poll. */
function tellNewcomer() {
  if (problem) tabs.post({ type: 'problem', name: problem.name, code: problem.code });
  else if (place.state) tabs.post({ type: 'state', state: place.state, arrivalRank: place.arrivalRank, updatedAt: place.updatedAt });
  if (offline) tabs.post({ type: 'offline', offline: true });
}

/** `takeover`: another tab led until now; what it last showed is what this tab shows. */
function lead(takeover) {
  leader = true;
  const kept = saved.load();
  if (kept) keep(kept);
  if (!takeover) {
    run(place.ticket ? 'resume' : 'enter');
    return;
  }
  // A lapsed place or a refusal waits for the visitor's button; a live place goes on being polled.
  const state = place.state;
  if (problem || (state && (state.status === 'EXPIRED' || state.status === 'BLOCK'))) return;
  if (!place.ticket) run('enter');
  else run(state && state.status === 'WAIT' ? 'poll' : 'resume');
}

// ---- start -----------------------------------------------------------------------------------

const kept = saved.load();
if (kept && kept.state && kept.state.status) {
  keep(kept);
  place.state = kept.state;
  place.updatedAt = kept.updatedAt || null;
  screens.render(null, false);
}
if (config.eventStatus === 'MISSING') {
  // An id that cannot name an event: nothing to join, nothing to poll.
  showProblem('notfound', 'EVENT_NOT_FOUND', false);
} else {
  // Another tab polls: follow it until this tab gets the lock, when that tab is gone.
  tabs.elect({ lead, follow: () => tabs.post({ type: 'hello' }) });
}
