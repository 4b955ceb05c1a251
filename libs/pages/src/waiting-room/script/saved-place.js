// The place as this browser keeps it in localStorage, shared by its tabs and kept across visits.

/** `key`: one entry per event. */
export function savedPlace(key) {
  return {
    load() {
      try {
        const saved = JSON.parse(localStorage.getItem(key) || 'null');
        return saved && typeof saved === 'object' ? saved : null;
      } catch {
        return null;
      }
    },

    save({ ticket, id, arrivalRank, state, updatedAt, enterKey }) {
      // The successToken is not kept: a saved ENTER only ever shows the screen, never redirects.
      const kept = state && Object.assign({}, state);
      if (kept) {
        delete kept.successToken;
        delete kept.successUrl;
      }
      try {
        localStorage.setItem(key, JSON.stringify({ ticket, id, arrivalRank, state: kept, updatedAt, enterKey }));
      } catch {
        // Storage refused (a private window): the place lasts as long as this tab.
      }
    },

    clear() {
      try {
        localStorage.removeItem(key);
      } catch {
        // nothing kept
      }
    },
  };
}
