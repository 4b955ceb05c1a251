// What the visitor sees: one screen at a time, the title, the progress bar, what a screen reader
// hears, and the way on once admitted.

import { $, clock, fill, numbers, text } from './page.js';

// Rank changes are announced to screen readers at most this often, except near the front.
const ANNOUNCE_EVERY_MS = 30000;

/**
 * `place`: the place this tab shows (`state`, `arrivalRank`, `updatedAt`), read at each render.
 * `isLeader()`: whether this tab polls (only that one notifies). `notifyTag`: one notification per event.
 */
export function createScreens({ place, isLeader, notifyTag }) {
  const baseTitle = document.title;
  const continueLabel = $('wr-continue').textContent;
  let screen = 'loading';
  let spokenRank = null;
  let spokenAt = 0;
  let pendingRedirect = null;
  let redirected = false;
  // "You're in" without a successUrl: going back did nothing (nothing behind), so the code is offered.
  let backFailed = false;
  let backCheck = null;

  /** `fresh`: the state was just received (by this tab or the one that polls), not read from storage. */
  function render(previous, fresh) {
    const state = place.state;
    if (!state) return;
    const message = state.message || '';
    $('wr-message-text').textContent = message;
    $('wr-message').hidden = !message;
    $('wr-id').textContent = state.id || '';
    $('wr-id-line').hidden = !state.id;
    if (place.updatedAt) {
      const at = new Date(place.updatedAt);
      $('wr-updated').textContent = clock(at);
      $('wr-updated').dateTime = at.toISOString();
    }
    switch (state.status) {
      case 'WAIT':
        renderWait(state, previous);
        break;
      case 'ENTER':
        renderIn(state, fresh);
        break;
      case 'BLOCK':
        document.title = baseTitle;
        showAndSay('blocked');
        break;
      case 'EXPIRED':
        document.title = baseTitle;
        // The event closed (or went back to draft): joining again would only be refused.
        if (state.reason === 'EVENT_CLOSED') {
          showAndSay(state.eventStatus === 'DRAFT' ? 'notopen' : 'closed');
          break;
        }
        $('wr-expired-reason').textContent = text.expiredReasons[state.reason] || '';
        showAndSay('expired');
        break;
    }
  }

  function renderWait(state, previous) {
    const rank = state.expectedInfo.rank;
    const ahead = rank - 1;
    const arrivalRank = place.arrivalRank;
    // No estimate: the event admits nobody now (PAUSED, or limitCnt 0), so the front is not "next".
    const stalled = state.expectedInfo.waitSeconds === null;
    $('wr-rank').textContent = numbers.format(rank);
    $('wr-ahead').textContent =
      ahead === 0 ? (stalled ? text.aheadNoneStalled : text.aheadNone) : ahead === 1 ? text.aheadOne : fill(text.aheadMany, { n: numbers.format(ahead) });
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
      announceRank(rank, appeared || (previous && previous.eventStatus === 'PAUSED'), stalled);
    }
  }

  function renderIn(state, fresh) {
    setProgress(1);
    const until = state.expiresAt ? fill(text.inLeadUntil, { time: clock(new Date(state.expiresAt)) }) : '';
    const way = wayOn(state);
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
  function wayOn(state) {
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
    } catch {
      return null;
    }
  }

  function goBack() {
    history.back();
    // history.length counts pages ahead too: with nothing behind, nothing happens; offer the code then.
    clearTimeout(backCheck);
    backCheck = setTimeout(() => {
      backFailed = true;
      if (place.state && place.state.status === 'ENTER') renderIn(place.state, false);
    }, 1500);
  }

  function showCode() {
    const token = place.state && place.state.successToken;
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
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(token).then(
        () => done(true),
        () => done(false),
      );
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
    if (!isLeader() || !('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const note = new Notification(text.titleTurn, { body: text.notifyBody, tag: notifyTag });
      note.onclick = () => {
        window.focus();
        note.close();
      };
    } catch {
      // Some mobile browsers only notify through a service worker: the title still says it.
    }
  }

  /** A screen instead of the place: `notfound`, `closed`, `notopen` or `error` (with the code it names). */
  function showProblem(name, code) {
    $('wr-message').hidden = true;
    document.title = baseTitle;
    if (name === 'error') $('wr-error-lead').textContent = fill(text.errorLead, { code });
    showAndSay(name);
  }

  function waitText(seconds) {
    if (seconds === null || seconds === undefined) return text.etaUnknown;
    if (seconds < 60) return text.etaUnderMinute;
    const minutes = Math.ceil(seconds / 60);
    if (minutes < 60) return fill(text.etaMinutes, { m: numbers.format(minutes) });
    return fill(text.etaHours, { h: numbers.format(Math.floor(minutes / 60)), m: minutes % 60 });
  }

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
  function announceRank(rank, force, stalled) {
    if (rank === spokenRank && !force) return;
    const now = Date.now();
    if (!force && spokenRank !== null && rank > 3 && now - spokenAt < ANNOUNCE_EVERY_MS) return;
    spokenRank = rank;
    spokenAt = now;
    say(rank === 1 ? (stalled ? text.liveStalled : text.liveNext) : fill(text.liveRank, { n: numbers.format(rank) }));
  }

  function setProgress(fraction) {
    const clamped = Math.max(0, Math.min(1, fraction));
    $('wr-fill').style.transform = 'scaleX(' + clamped + ')';
    $('wr-progress').setAttribute('aria-valuenow', String(Math.round(clamped * 100)));
  }

  /** The notice sits outside the screens: a first enter that gets no answer shows it over the loading screen. */
  function showOffline(offline) {
    $('wr-offline').hidden = !offline;
    if (offline) say($('wr-offline').textContent);
  }

  function updateNotifyButton() {
    $('wr-notify').hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  /** The tab is in view again: false when it leaves for the successUrl instead. */
  function visible() {
    if (pendingRedirect) {
      go(pendingRedirect);
      return false;
    }
    const state = place.state;
    if (state && state.status === 'WAIT') document.title = '(' + numbers.format(state.expectedInfo.rank) + ') ' + baseTitle;
    else if (state && state.status === 'ENTER') document.title = baseTitle;
    return true;
  }

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
    } catch {
      done();
    }
  });

  window.addEventListener('pagehide', () => clearTimeout(backCheck));

  return { render, show, showProblem, showOffline, visible };
}
