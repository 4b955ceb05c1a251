// Foyer's admin API, called with the admin key this tab keeps in session storage (never elsewhere).

const KEY_ITEM = 'foyer.adminKey';

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  save: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

/** A non-2xx answer: the contract's `{ statusCode, code, message, details? }`. */
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.message === 'string' ? body.message : `Foyer answered HTTP ${status}`);
    this.status = status;
    this.code = typeof body?.code === 'string' ? body.code : `HTTP_${status}`;
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

/** No answer at all: Foyer is down, or the network is. */
export class NetworkError extends Error {}

let onUnauthorized = () => {};

/** What to do when the key is refused (401) on any call made with the session's key. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * Paths are relative to the page (`/admin` → `v1/…` is `/v1/…`), so a path prefix in front of
 * Foyer still works. `key`: to try a key before keeping it.
 */
async function call(method, path, body, key = session.key()) {
  const headers = { accept: 'application/json', authorization: `Bearer ${key ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new NetworkError('Foyer could not be reached');
  }
  if (response.status === 204) return null;
  let parsed;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, parsed);
    if (response.status === 401 && key === session.key()) onUnauthorized(error);
    throw error;
  }
  return parsed;
}

const eventPath = (eventId) => `v1/admin/events/${encodeURIComponent(eventId)}`;

export const api = {
  /** Lists the events with `key`, to check a key before keeping it. */
  tryKey: (key) => call('GET', 'v1/admin/events', undefined, key),
  listEvents: () => call('GET', 'v1/admin/events'),
  getEvent: (eventId) => call('GET', eventPath(eventId)),
  series: (eventId, minutes) => call('GET', `${eventPath(eventId)}/series?minutes=${minutes}`),
  createEvent: (body) => call('POST', 'v1/admin/events', body),
  updateEvent: (eventId, changes) => call('PATCH', eventPath(eventId), changes),
  deleteEvent: (eventId) => call('DELETE', eventPath(eventId)),
};
