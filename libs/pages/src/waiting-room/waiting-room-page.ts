import type { EventStatus } from '@foyer/domain';
import { escapeHtml, jsonForHtml } from '../shared/page-html.js';
import { PAGE_LANGUAGES, type PageLanguage } from './page-language.js';
import { WAITING_ROOM_TEXT } from './waiting-room-strings.js';

export interface WaitingRoomPageInput {
  eventId: string;
  /** The event's display name; its id when the event could not be read. */
  eventName: string;
  lang: PageLanguage;
  /** The versioned links of the page's script, stylesheet and poll-timer worker. */
  scriptUrl: string;
  stylesheetUrl: string;
  timerUrl: string;
  /**
   * What the server knows of the event: its status, `missing` when there is none to be had (an id
   * that cannot be an eventId), `null` when it could not be read or may yet appear.
   */
  eventStatus?: EventStatus | 'MISSING' | null;
}

/** What the script reads from the page's JSON block (no inline script: the CSP allows only 'self'). */
export interface WaitingRoomScriptConfig {
  eventId: string;
  lang: PageLanguage;
  /** The worker that times polls, relative to the page (see script/poll-timer.js). */
  timerUrl: string;
  text: (typeof WAITING_ROOM_TEXT)[PageLanguage]['script'];
  /** `MISSING`: the script shows the "no waiting room here" screen at once and takes no place. */
  eventStatus: EventStatus | 'MISSING' | null;
}

/**
 * The waiting-room page: every screen is in the HTML, in the visitor's language, and the script
 * shows one at a time. Rendering it writes nothing: a GET never takes a place.
 */
export function renderWaitingRoomPage({ eventId, eventName, lang, scriptUrl, stylesheetUrl, timerUrl, eventStatus = null }: WaitingRoomPageInput): string {
  const { page: t, script } = WAITING_ROOM_TEXT[lang];
  const other = PAGE_LANGUAGES.find((l) => l !== lang) ?? lang;
  const config: WaitingRoomScriptConfig = { eventId, lang, timerUrl, text: script, eventStatus };
  const e = escapeHtml;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="theme-color" content="#1e3a8a">
<title>${e(t.title)} · ${e(eventName)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${e(stylesheetUrl)}">
<script src="${e(scriptUrl)}" defer></script>
<script type="application/json" id="wr-config">${jsonForHtml(config)}</script>
</head>
<body>
<div class="page">
<header class="top">
<span class="brand"><span class="brand-mark" aria-hidden="true"></span>${e(t.brand)}</span>
<a class="lang" href="?lang=${other}" hreflang="${other}" lang="${other}">${e(t.otherLanguageName)}</a>
</header>
<main class="card" id="wr">
<p class="event">${e(eventName)}</p>
<section class="screen" data-screen="loading">
<h1>${e(t.loadingHeading)}</h1>
<p class="lead">${e(t.loadingLead)}</p>
<div class="spinner" aria-hidden="true"></div>
<noscript><p class="notice">${e(t.noScript)}</p></noscript>
</section>
<section class="screen" data-screen="wait" hidden>
<h1>${e(t.waitHeading)}</h1>
<div class="rank-box">
<p class="rank-label" id="wr-rank-label">${e(t.rankLabel)}</p>
<p class="rank" id="wr-rank" aria-describedby="wr-rank-label">–</p>
<p class="ahead" id="wr-ahead"></p>
</div>
<p class="sr-only" id="wr-progress-label">${e(t.progressLabel)}</p>
<div class="progress" id="wr-progress" role="progressbar" aria-labelledby="wr-progress-label" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="fill" id="wr-fill"></div></div>
<dl class="facts">
<div><dt>${e(t.etaLabel)}</dt><dd id="wr-eta">–</dd></div>
<div><dt>${e(t.updatedLabel)}</dt><dd><time id="wr-updated">–</time></dd></div>
</dl>
<p class="notice paused" id="wr-paused" hidden>${e(t.paused)}</p>
<p class="lead">${e(t.waitLead)}</p>
<button type="button" class="button secondary quiet" id="wr-notify" hidden>${e(t.notifyButton)}</button>
</section>
<section class="screen" data-screen="in" hidden>
<div class="badge ok" aria-hidden="true">✓</div>
<h1>${e(t.inHeading)}</h1>
<p class="lead" id="wr-in-lead"></p>
<a class="button" id="wr-continue" href="#" rel="noreferrer" hidden>${e(t.inContinue)}</a>
<button type="button" class="button" id="wr-in-action" hidden></button>
<div class="code-box" id="wr-code-box" hidden>
<label for="wr-code">${e(t.inCodeLabel)}</label>
<input id="wr-code" readonly autocomplete="off" spellcheck="false">
<p class="hint" id="wr-code-note"></p>
</div>
</section>
<section class="screen" data-screen="blocked" hidden>
<div class="badge stop" aria-hidden="true">!</div>
<h1>${e(t.blockedHeading)}</h1>
<p class="lead">${e(t.blockedLead)}</p>
</section>
<section class="screen" data-screen="expired" hidden>
<div class="badge stop" aria-hidden="true">!</div>
<h1>${e(t.expiredHeading)}</h1>
<p class="lead" id="wr-expired-reason"></p>
<button type="button" class="button" data-action="join">${e(t.joinAgain)}</button>
<p class="hint">${e(t.joinAgainHint)}</p>
</section>
<section class="screen" data-screen="closed" hidden>
<div class="badge stop" aria-hidden="true">!</div>
<h1>${e(t.closedHeading)}</h1>
<p class="lead">${e(t.closedLead)}</p>
</section>
<section class="screen" data-screen="notopen" hidden>
<div class="badge" aria-hidden="true">…</div>
<h1>${e(t.notOpenHeading)}</h1>
<p class="lead">${e(t.notOpenLead)}</p>
<button type="button" class="button secondary" data-action="retry">${e(t.tryAgain)}</button>
</section>
<section class="screen" data-screen="notfound" hidden>
<div class="badge stop" aria-hidden="true">?</div>
<h1>${e(t.notFoundHeading)}</h1>
<p class="lead">${e(t.notFoundLead)}</p>
</section>
<section class="screen" data-screen="error" hidden>
<div class="badge stop" aria-hidden="true">!</div>
<h1>${e(t.errorHeading)}</h1>
<p class="lead" id="wr-error-lead"></p>
<button type="button" class="button secondary" data-action="retry">${e(t.tryAgain)}</button>
</section>
<p class="notice offline" id="wr-offline" hidden>${e(t.offline)}</p>
<aside class="message" id="wr-message" aria-label="${e(t.messageLabel)}" hidden><p id="wr-message-text"></p></aside>
<p class="sr-only" id="wr-live" aria-live="polite" aria-atomic="true"></p>
</main>
<footer class="foot"><p id="wr-id-line" hidden>${e(t.queueId)} <code id="wr-id"></code></p></footer>
</div>
</body>
</html>
`;
}
