// The waits between polls, handed to the SDK's client as its `sleep`.
//
// A place is lost when no poll reaches Foyer for waitTimeoutSec, and browsers slow a hidden page's
// timers: Chrome wakes chained timers of a page hidden for 5 minutes at most once a minute
// (intensive wake-up throttling), and Safari slows a background page's timers to tens of seconds
// after a few minutes. Chrome's throttling is of a page's (a window's) timers, not of a dedicated
// worker's, so the wait runs in a tiny worker (waiting-room-timer.js) that wakes the page with a
// message; without workers, or if it fails to load, the page's own setTimeout does it. Neither runs
// in a frozen page (background tabs on Android, tabs Chrome freezes or discards on desktop to save
// energy or memory, Safari's suspended tabs): such a tab polls as soon as it runs again (see
// checkNow in waiting-room.js), and a place that lapsed meanwhile says so.

/** `timerUrl`: the worker's script, relative to the page. One wait at a time. */
export function createPollTimer(timerUrl) {
  let worker = null; // null: not tried yet; false: none, the page's own timers instead
  let wakeCount = 0;
  let awaited = 0; // the wake-up waited for (0: none); the worker may still post one stopped since
  let pageTimer = null;
  // The wait running: when it ends and what ends it.
  let pending = null;

  function start(delayMs) {
    stop();
    wakeCount += 1;
    awaited = wakeCount;
    const timer = worker === null ? startWorker() : worker;
    if (timer) timer.postMessage({ id: awaited, delayMs });
    else pageTimer = setTimeout(wake, delayMs, awaited);
  }

  function stop() {
    if (awaited && worker) worker.postMessage({ id: 0 });
    clearTimeout(pageTimer);
    pageTimer = null;
    awaited = 0;
  }

  function wake(id) {
    if (id !== awaited) return;
    awaited = 0;
    pageTimer = null;
    const done = pending;
    pending = null;
    if (done) done.resolve();
  }

  function startWorker() {
    worker = false;
    if (typeof Worker !== 'function' || !timerUrl) return false;
    let started;
    try {
      started = new Worker(timerUrl);
    } catch {
      return false; // refused (a policy, an old browser)
    }
    started.onmessage = (event) => wake(event.data);
    started.onerror = () => {
      // It did not load (offline just then, blocked) or broke: the page's own timer takes over the wait.
      started.terminate();
      worker = false;
      if (awaited) pageTimer = setTimeout(wake, Math.max(0, (pending ? pending.wakeAt : 0) - Date.now()), awaited);
    };
    worker = started;
    return started;
  }

  /** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
  function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal && signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        stop();
        pending = null;
        reject(signal.reason);
      };
      if (signal) signal.addEventListener('abort', onAbort);
      pending = {
        wakeAt: Date.now() + ms,
        resolve() {
          if (signal) signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      start(ms);
    });
  }

  /** Ends the wait running within `ms` from now, if it would end later; nothing when none runs. */
  function hurry(ms) {
    if (!pending || pending.wakeAt - Date.now() <= ms) return;
    pending.wakeAt = Date.now() + ms;
    start(ms);
  }

  return { sleep, hurry };
}
