// The server's rules for events, from the page's JSON block (see dashboard-config.ts): defaults,
// limits, statuses, id policies and the eventId pattern live on the server only.

export const config = JSON.parse(document.getElementById('dashboard-config').textContent);
export const eventRules = config.event;
