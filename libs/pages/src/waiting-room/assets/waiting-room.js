/*
 * The waiting-room page's script: takes or resumes a place, polls it, and shows one screen at a
 * time. Plain JavaScript with no build step, so it stays a few kilobytes on a slow phone.
 *
 * One tab of a browser polls (the holder of a Web Lock); the others show what it broadcasts and
 * take over when it goes away. The place is the ticket kept in localStorage.
 *
 * A hidden tab keeps polling as long as the browser lets it run: its poll timer lives in a small
 * dedicated worker (waiting-room-timer.js), whose timers browsers do not slow down the way they slow
 * a hidden page's own (see "the poll timer" below). A frozen or discarded tab runs nothing at all,
 * worker included; it polls the moment it runs again, and if its place lapsed meanwhile it says so
 * and offers to join again.
 */
(() => {
  'use strict';

  const config = JSON.parse(document.getElementById('wr-config').textContent);
  const eventId = config.eventId;
  const text = config.text;
  const STORE_KEY = 'foyer-wr:' + eventId;
  const REQUEST_TIMEOUT_MS = 15000;
  const BACKOFF_BASE_MS = 1000;
  const BACKOFF_CAP_MS = 30000;
  // A tab coming back to view polls at once, but never twice within this.
  const MIN_GAP_MS = 1000;
  // Rank changes are announced to screen readers at most this often, except near the front.
  const ANNOUNCE_EVERY_MS = 30000;

  const $ = (id) => document.getElementById(id);
  const baseTitle = document.title;
  const continueLabel = $('wr-continue').textContent;
  const numbers = new Intl.NumberFormat(config.lang);
  const clock = (date) =>
    date.toLocaleTimeString(config.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
  const apiUrl = (path) => new URL('../' + path, location.href).toString();

  // The place, as kept in localStorage.
  let ticket = null;
  let placeId = null;
  let arrivalRank = null;
  // The latest QueueState this tab knows, when it was received, and a screen shown instead of it.
  let state = null;
  let updatedAt = null;
  let problem = null;

  let leader = false;
  let busy = false;
  let queued = null;
  let pendingKind = null;
  let nextAt = 0;
  let lastRequestAt = 0;
  let holdUntil = 0;
  let failures = 0;
  let offline = false;
  let screen = 'loading';
  let spokenRank = null;
  let spokenAt = 0;
  let pendingRedirect = null;
  let redirected = false;
  // "You're in" without a successUrl: going back did nothing (nothing behind), so the code is offered.
  let backFailed = false;
  let backCheck = null;

  // An idToken from the customer's site arrives in the fragment, which never reaches a server log.
  let idToken = null;
  const fragment = /(?:^#|&)idToken=([^&]+)/.exec(location.hash);
  if (fragment) {
    try {
      idToken = decodeURIComponent(fragment[1]);
    } catch (err) {
      // A mangled link: sent as it is, so Foyer refuses it and the page says why, rather than hang.
      idToken = fragment[1];
    }
    history.replaceState(null, '', location.pathname + location.search);
  }

  // ---- storage ---------------------------------------------------------------------------------

  function loadSaved() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
      return saved && typeof saved === 'object' ? saved : null;
    } catch (err) {
      return null;
    }
  }

  function save() {
    // The successToken is not kept: a saved ENTER only ever shows the screen, never redirects.
    const kept = state && Object.assign({}, state);
    if (kept) {
      delete kept.successToken;
      delete kept.successUrl;
    }
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ ticket, id: placeId, arrivalRank, state: kept, updatedAt }));
    } catch (err) {
      // Storage refused (a private window): the place lasts as long as this tab.
    }
  }

  function forget() {
    ticket = null;
    placeId = null;
    arrivalRank = null;
    state = null;
    try {
      localStorage.removeItem(STORE_KEY);
    } catch (err) {
      // nothing kept
    }
  }

  // ---- talking to Foyer ------------------------------------------------------------------------

  async function call(method, path, body, withTicket) {
    const headers = {};
    if (withTicket && ticket) headers.authorization = 'Bearer ' + ticket;
    if (body) headers['content-type'] = 'application/json';
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(apiUrl(path), {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        cache: 'no-store',
        credentials: 'omit',
        signal: abort.signal,
      });
      let json = null;
      try {
        json = await response.json();
      } catch (err) {
        json = null;
      }
      return { status: response.status, body: json, retryAfter: Number(response.headers.get('retry-after')) || 0 };
    } finally {
      clearTimeout(timeout);
    }
  }

  /** `enter`: take a new place; `resume`: POST enter with the ticket; `poll`: GET status. */
  async function run(kind) {
    if (!leader) return;
    if (busy) {
      queued = kind;
      return;
    }
    if (kind !== 'enter' && !ticket) kind = 'enter';
    stopTimer();
    pendingKind = null;
    busy = true;
    lastRequestAt = Date.now();
    let answer = null;
    try {
      if (kind === 'poll') {
        answer = await call('GET', 'v1/queue/status', null, true);
      } else {
        const body = idToken ? { eventId, idToken } : { eventId };
        answer = await call('POST', 'v1/queue/enter', body, kind === 'resume');
      }
    } catch (err) {
      answer = null; // offline, timed out, or refused
    }
    busy = false;
    if (queued) {
      // The visitor asked for something else meanwhile (join again, try again): that wins.
      const next = queued;
      queued = null;
      run(next);
      return;
    }
    handle(kind, answer);
  }

  function handle(kind, answer) {
    if (!answer || answer.status >= 500) {
      failures += 1;
      setOffline(true);
      schedule(kind, backoff(failures));
      return;
    }
    setOffline(false);
    const code = answer.body && answer.body.code;
    if (answer.status === 200 && answer.body && answer.body.status) {
      failures = 0;
      accept(answer.body, true);
    } else if (answer.status === 429) {
      failures += 1;
      const wait = answer.retryAfter > 0 ? answer.retryAfter * 1000 + Math.random() * 500 : backoff(failures);
      holdUntil = Date.now() + wait;
      schedule(kind, wait);
    } else if (answer.status === 401 && code === 'INVALID_TICKET' && kind !== 'enter') {
      // The ticket no longer names a place (another event, a new secret): take a new one.
      forget();
      run('enter');
    } else if (answer.status === 404 && code === 'EVENT_NOT_FOUND') {
      showProblem('notfound', code, true);
    } else if (answer.status === 409 && code === 'EVENT_NOT_OPEN') {
      showProblem('closed', code, true);
    } else {
      showProblem('error', code || String(answer.status), true);
    }
  }

  /** Exponential, capped, and jittered, so a crowd that lost the network does not return at once. */
  function backoff(attempt) {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempt - 1));
    return ceiling * (0.5 + Math.random() * 0.5);
  }

  function schedule(kind, delayMs) {
    pendingKind = kind;
    nextAt = Date.now() + delayMs;
    startTimer(delayMs);
  }

  function cancel() {
    stopTimer();
    pendingKind = null;
  }

  /** Poll now rather than at the scheduled time (the tab came back to view, or the network did). */
  function checkNow() {
    if (!leader) {
      post({ type: 'check' });
      return;
    }
    if (busy || !pendingKind) return;
    const now = Date.now();
    const wait = Math.max(0, lastRequestAt + MIN_GAP_MS - now, holdUntil - now);
    if (nextAt - now > wait) schedule(pendingKind, wait);
  }

  // ---- the poll timer --------------------------------------------------------------------------
  //
  // A place is lost when no poll reaches Foyer for waitTimeoutSec, and browsers slow a hidden page's
  // timers: Chrome wakes chained timers of a page hidden for 5 minutes at most once a minute
  // (intensive wake-up throttling), and Safari slows a background page's timers to tens of seconds
  // after a few minutes. Chrome's throttling is of a page's (a window's) timers, not of a dedicated
  // worker's, so the wait runs in a tiny worker that wakes the page with a message; without
  // workers, or if it fails to load, the page's own setTimeout does it. Neither runs in a frozen
  // page (background tabs on Android, tabs Chrome freezes or discards on desktop to save energy or
  // memory, Safari's suspended tabs): such a tab polls as soon as it runs again ('resume',
  // visibilitychange and pageshow below), and a place that lapsed meanwhile says so.

  let timerWorker = null; // null: not tried yet; false: none, the page's own timers instead
  let wakeCount = 0;
  let awaited = 0; // the wake-up waited for (0: none); the worker may still post one stopped since
  let pageTimer = null;

  function startTimer(delayMs) {
    stopTimer();
    wakeCount += 1;
    awaited = wakeCount;
    const worker = timerWorker === null ? startTimerWorker() : timerWorker;
    if (worker) worker.postMessage({ id: awaited, delayMs });
    else pageTimer = setTimeout(wake, delayMs, awaited);
  }

  function stopTimer() {
    if (awaited && timerWorker) timerWorker.postMessage({ id: 0 });
    clearTimeout(pageTimer);
    pageTimer = null;
    awaited = 0;
  }

  function wake(id) {
    if (id !== awaited) return;
    awaited = 0;
    pageTimer = null;
    if (pendingKind) run(pendingKind);
  }

  function startTimerWorker() {
    timerWorker = false;
    if (typeof Worker !== 'function' || !config.timerUrl) return false;
    let worker;
    try {
      worker = new Worker(config.timerUrl);
    } catch (err) {
      return false; // refused (a policy, an old browser)
    }
    worker.onmessage = (event) => wake(event.data);
    worker.onerror = () => {
      // It did not load (offline just then, blocked) or broke: the page's own timer takes over the wait.
      worker.terminate();
      timerWorker = false;
      if (awaited) pageTimer = setTimeout(wake, Math.max(0, nextAt - Date.now()), awaited);
    };
    timerWorker = worker;
    return worker;
  }

  // ---- what the answers mean ---------------------------------------------------------------------

  function accept(next, own) {
    problem = null;
    if (next.ticket && next.ticket !== ticket) {
      ticket = next.ticket;
      arrivalRank = null; // a new place
    }
    placeId = next.id;
    if (next.status === 'WAIT' && (!arrivalRank || next.expectedInfo.rank > arrivalRank)) {
      arrivalRank = next.expectedInfo.rank;
    }
    const previous = state;
    state = next;
    updatedAt = own ? Date.now() : updatedAt || Date.now();
    if (own) {
      save();
      post({ type: 'state', state: next, arrivalRank, updatedAt });
    }
    render(previous, true);
    if (leader && own) {
      if (next.status === 'WAIT') {
        // Never sooner than the server asked; a little later, at random, so polls spread out.
        schedule('poll', next.pollAfterMs * (1 + Math.random() * 0.1));
      } else {
        cancel();
      }
    }
  }

  function render(previous, fresh) {
    if (!state) return;
    const message = state.message || '';
    $('wr-message-text').textContent = message;
    $('wr-message').hidden = !message;
    $('wr-id').textContent = state.id || '';
    $('wr-id-line').hidden = !state.id;
    if (updatedAt) {
      const at = new Date(updatedAt);
      $('wr-updated').textContent = clock(at);
      $('wr-updated').dateTime = at.toISOString();
    }
    switch (state.status) {
      case 'WAIT':
        renderWait(previous);
        break;
      case 'ENTER':
        renderIn(fresh);
        break;
      case 'BLOCK':
        document.title = baseTitle;
        showAndSay('blocked');
        break;
      case 'EXPIRED':
        document.title = baseTitle;
        $('wr-expired-reason').textContent = text.expiredReasons[state.reason] || '';
        showAndSay('expired');
        break;
    }
  }

  function renderWait(previous) {
    const rank = state.expectedInfo.rank;
    const ahead = rank - 1;
    $('wr-rank').textContent = numbers.format(rank);
    $('wr-ahead').textContent =
      ahead === 0 ? text.aheadNone : ahead === 1 ? text.aheadOne : fill(text.aheadMany, { n: numbers.format(ahead) });
    // Rank 1 is the front: the bar is full there, whatever the rank at arrival was.
    setProgress(arrivalRank > 1 ? (arrivalRank - rank) / (arrivalRank - 1) : rank === 1 ? 1 : 0);
    $('wr-eta').textContent = waitText(state.expectedInfo.waitSeconds);
    const paused = state.eventStatus === 'PAUSED';
    $('wr-paused').hidden = !paused;
    updateNotifyButton();
    document.title = '(' + numbers.format(rank) + ') ' + baseTitle;
    const appeared = show('wait');
    if (paused && (appeared || !previous || previous.eventStatus !== 'PAUSED')) {
      say(text.livePaused);
    } else if (!paused) {
      announceRank(rank, appeared || (previous && previous.eventStatus === 'PAUSED'));
    }
  }

  function renderIn(fresh) {
    setProgress(1);
    const until = state.expiresAt ? fill(text.inLeadUntil, { time: clock(new Date(state.expiresAt)) }) : '';
    const way = wayOn();
    const link = $('wr-continue');
    const action = $('wr-in-action');
    link.hidden = !way.href;
    if (way.href) {
      link.href = way.href;
      link.textContent = way.label;
    }
    // The code arrives with the resume that follows a reload (it is not kept in storage).
    action.hidden = !way.action || (way.action === 'code' && !state.successToken);
    if (way.action) {
      action.dataset.way = way.action;
      action.textContent = way.label;
    }
    if (way.action !== 'code') $('wr-code-box').hidden = true;
    const lead = state.successUrl
      ? fresh && !document.hidden
        ? text.inRedirecting
        : until
      : until + ' ' + (way.action === 'code' ? text.inCodeLead : text.inNoTarget);
    $('wr-in-lead').textContent = lead.trim();
    showAndSay('in');
    if (!fresh) return;
    if (document.hidden) {
      pendingRedirect = state.successUrl || null;
      turnInBackground();
    } else if (state.successUrl) {
      go(state.successUrl);
    }
  }

  /**
   * Where "you're in" leads: the event's successUrl; without one, back to the site that sent the
   * visitor, else back in history, else the admission code (the successToken) for the visitor to
   * copy where the site asks for it. Something always offers the way on.
   */
  function wayOn() {
    if (state.successUrl) return { href: state.successUrl, label: continueLabel };
    const from = referrerElsewhere();
    if (from) return { href: from.href, label: fill(text.inBackTo, { site: from.host }) };
    if (history.length > 1 && !backFailed) return { action: 'back', label: text.inGoBack };
    return { action: 'code', label: text.inShowCode };
  }

  function referrerElsewhere() {
    try {
      const from = new URL(document.referrer);
      return /^https?:$/.test(from.protocol) && from.origin !== location.origin ? from : null;
    } catch (err) {
      return null;
    }
  }

  function goBack() {
    history.back();
    // history.length counts pages ahead too: with nothing behind, nothing happens; offer the code then.
    clearTimeout(backCheck);
    backCheck = setTimeout(() => {
      backFailed = true;
      if (state && state.status === 'ENTER') renderIn(false);
    }, 1500);
  }

  function showCode() {
    const token = state && state.successToken;
    if (!token) return;
    const field = $('wr-code');
    field.value = token;
    $('wr-code-box').hidden = false;
    const done = (copied) => {
      const note = copied ? text.inCopied : text.inCopyByHand;
      $('wr-code-note').textContent = note;
      say(note);
      if (!copied) {
        field.focus();
        field.select();
      }
    };
    // The clipboard API needs https (or localhost); elsewhere the code is selected for the visitor.
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(token).then(() => done(true), () => done(false));
    else done(false);
  }

  function go(url) {
    if (redirected || !/^https?:/i.test(url)) return;
    redirected = true;
    // replace: the back button from the shop skips the waiting room.
    location.replace(url);
  }

  function turnInBackground() {
    document.title = text.titleTurn + ' · ' + baseTitle;
    if (!leader || !('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const note = new Notification(text.titleTurn, { body: text.notifyBody, tag: STORE_KEY });
      note.onclick = () => {
        window.focus();
        note.close();
      };
    } catch (err) {
      // Some mobile browsers only notify through a service worker: the title still says it.
    }
  }

  function showProblem(name, code, own) {
    problem = { name, code };
    cancel();
    $('wr-message').hidden = true;
    document.title = baseTitle;
    if (name === 'error') $('wr-error-lead').textContent = fill(text.errorLead, { code });
    showAndSay(name);
    if (own) post({ type: 'problem', name, code });
  }

  function waitText(seconds) {
    if (seconds === null || seconds === undefined) return text.etaUnknown;
    if (seconds < 60) return text.etaUnderMinute;
    const minutes = Math.ceil(seconds / 60);
    if (minutes < 60) return fill(text.etaMinutes, { m: numbers.format(minutes) });
    return fill(text.etaHours, { h: numbers.format(Math.floor(minutes / 60)), m: minutes % 60 });
  }

  // ---- the page --------------------------------------------------------------------------------

  function show(name) {
    if (name === screen) return false;
    for (const section of document.querySelectorAll('[data-screen]')) section.hidden = section.dataset.screen !== name;
    screen = name;
    return true;
  }

  /** Shows a screen and, when it is a new one, reads out its heading and lead. */
  function showAndSay(name) {
    if (!show(name)) return;
    const section = document.querySelector('[data-screen="' + name + '"]');
    say(Array.from(section.querySelectorAll('h1, .lead'), (el) => el.textContent).join(' '));
  }

  function say(message) {
    $('wr-live').textContent = message;
  }

  /** Every change near the front, further back at most every ANNOUNCE_EVERY_MS: a screen reader is not flooded. */
  function announceRank(rank, force) {
    if (rank === spokenRank && !force) return;
    const now = Date.now();
    if (!force && spokenRank !== null && rank > 3 && now - spokenAt < ANNOUNCE_EVERY_MS) return;
    spokenRank = rank;
    spokenAt = now;
    say(rank === 1 ? text.liveNext : fill(text.liveRank, { n: numbers.format(rank) }));
  }

  function setProgress(fraction) {
    const clamped = Math.max(0, Math.min(1, fraction));
    $('wr-fill').style.transform = 'scaleX(' + clamped + ')';
    $('wr-progress').setAttribute('aria-valuenow', String(Math.round(clamped * 100)));
  }

  /** The notice sits outside the screens: a first enter that gets no answer shows it over the loading screen. */
  function setOffline(value) {
    if (value === offline) return;
    offline = value;
    $('wr-offline').hidden = !value;
    if (value) say($('wr-offline').textContent);
    if (leader) post({ type: 'offline', offline: value });
  }

  function updateNotifyButton() {
    $('wr-notify').hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  /** The visitor's buttons: `join` takes a new place at the back, `retry` tries the same again. */
  function act(kind) {
    cancel();
    problem = null;
    failures = 0;
    holdUntil = 0;
    if (kind === 'join') forget();
    show('loading');
    if (!leader) {
      post({ type: kind });
      return;
    }
    run(kind === 'join' || !ticket ? 'enter' : 'resume');
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('[data-action]');
    if (!button) return;
    event.preventDefault();
    act(button.dataset.action);
  });

  $('wr-in-action').addEventListener('click', () => {
    if ($('wr-in-action').dataset.way === 'back') goBack();
    else showCode();
  });

  // The other language replaces this page in history, so going back still leads where the visitor came from.
  document.querySelector('.lang').addEventListener('click', (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    location.replace(event.currentTarget.href);
  });

  $('wr-notify').addEventListener('click', () => {
    // Asked only from this click, never on load.
    const done = () => updateNotifyButton();
    try {
      const asked = Notification.requestPermission(done);
      if (asked && asked.then) asked.then(done, done);
    } catch (err) {
      done();
    }
  });

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    if (pendingRedirect) {
      go(pendingRedirect);
      return;
    }
    if (state && state.status === 'WAIT') document.title = '(' + numbers.format(state.expectedInfo.rank) + ') ' + baseTitle;
    else if (state && state.status === 'ENTER') document.title = baseTitle;
    checkNow();
  });
  window.addEventListener('online', checkNow);
  // A frozen tab (see "the poll timer") is told when it runs again.
  document.addEventListener('resume', checkNow);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) checkNow();
  });
  window.addEventListener('pagehide', () => clearTimeout(backCheck));

  // ---- tabs ------------------------------------------------------------------------------------

  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(STORE_KEY) : null;

  function post(message) {
    if (channel) channel.postMessage(message);
  }

  if (channel) {
    channel.onmessage = (event) => {
      const message = event.data;
      if (!message || typeof message !== 'object') return;
      if (message.type === 'hello' || message.type === 'check' || message.type === 'join' || message.type === 'retry') {
        if (!leader) return;
        if (message.type === 'hello') tellNewcomer();
        else if (message.type === 'check') checkNow();
        else act(message.type);
        return;
      }
      if (leader) return;
      if (message.type === 'state' && message.state) {
        ticket = message.state.ticket || ticket;
        arrivalRank = message.arrivalRank;
        updatedAt = message.updatedAt;
        accept(message.state, false);
      } else if (message.type === 'problem') {
        showProblem(message.name, message.code, false);
      } else if (message.type === 'offline') {
        setOffline(Boolean(message.offline));
      }
    };
  }

  /** A tab that just opened shows what this one knows, without waiting for the next poll. */
  function tellNewcomer() {
    if (problem) post({ type: 'problem', name: problem.name, code: problem.code });
    else if (state) post({ type: 'state', state, arrivalRank, updatedAt });
    if (offline) post({ type: 'offline', offline: true });
  }

  /** `takeover`: another tab led until now; what it last showed is what this tab shows. */
  function lead(takeover) {
    leader = true;
    const saved = loadSaved();
    if (saved) {
      ticket = saved.ticket || null;
      placeId = saved.id || null;
      arrivalRank = saved.arrivalRank || null;
    }
    if (!takeover) {
      run(ticket ? 'resume' : 'enter');
      return;
    }
    // A lapsed place or a refusal waits for the visitor's button; a live place goes on being polled.
    if (problem || (state && (state.status === 'EXPIRED' || state.status === 'BLOCK'))) return;
    if (!ticket) run('enter');
    else schedule(state && state.status === 'WAIT' ? 'poll' : 'resume', 0);
  }

  function start() {
    const saved = loadSaved();
    if (saved && saved.state && saved.state.status) {
      ticket = saved.ticket || null;
      placeId = saved.id || null;
      arrivalRank = saved.arrivalRank || null;
      state = saved.state;
      updatedAt = saved.updatedAt || null;
      render(null, false);
    }
    const locks = navigator.locks;
    if (!locks || !locks.request) {
      // No Web Locks (an old browser, or a page not served over HTTPS): every tab polls for itself.
      lead(false);
      return;
    }
    const forever = () => new Promise(() => {});
    locks
      .request(STORE_KEY, { ifAvailable: true }, (lock) => {
        if (lock) {
          lead(false);
          return forever();
        }
        // Another tab polls; follow it until this tab gets the lock, when that tab is gone.
        post({ type: 'hello' });
        locks
          .request(STORE_KEY, () => {
            lead(true);
            return forever();
          })
          .catch(() => lead(true));
        return undefined;
      })
      .catch(() => lead(false));
  }

  start();
})();
