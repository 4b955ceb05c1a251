/*
 * The waiting-room page's poll timer, run as a dedicated Web Worker (see script/poll-timer.js
 * for why). One timer: `{ id, delayMs }` replaces it, `{ id: 0 }` clears it, and
 * when it runs out the worker posts the id back; the page ignores ids it no longer waits for.
 */
'use strict';

let timer = null;

onmessage = (event) => {
  const wanted = event.data || {};
  clearTimeout(timer);
  timer = null;
  if (!wanted.id) return;
  timer = setTimeout(
    () => {
      timer = null;
      postMessage(wanted.id);
    },
    Math.max(0, Number(wanted.delayMs) || 0),
  );
};
