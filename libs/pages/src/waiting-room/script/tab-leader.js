// One tab of a browser polls a place: the holder of a Web Lock. The others show what it broadcasts
// and take over when it goes away.

/** `key`: the lock's and the channel's name, one per event. */
export function createTabs(key) {
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(key) : null;

  return {
    post(message) {
      if (channel) channel.postMessage(message);
    },

    listen(handler) {
      if (!channel) return;
      channel.onmessage = (event) => {
        const message = event.data;
        if (message && typeof message === 'object') handler(message);
      };
    },

    /**
     * Calls `lead(false)` when this tab is the one to poll, or `follow()` and later `lead(true)`
     * when another tab polls until it goes away.
     */
    elect({ lead, follow }) {
      const locks = navigator.locks;
      if (!locks || !locks.request) {
        // No Web Locks (an old browser, or a page not served over HTTPS): every tab polls for itself.
        lead(false);
        return;
      }
      const forever = () => new Promise(() => {});
      locks
        .request(key, { ifAvailable: true }, (lock) => {
          if (lock) {
            lead(false);
            return forever();
          }
          follow();
          locks
            .request(key, () => {
              lead(true);
              return forever();
            })
            .catch(() => lead(true));
          return undefined;
        })
        .catch(() => lead(false));
    },
  };
}
