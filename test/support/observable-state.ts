import { ADMIN_KEY } from './foyer.js';
import { eventually } from './services.js';

/**
 * Everything an admin can see of an app's state, read over plain HTTP (no answer checking): every
 * event with its live stats, the whole journal, every callback message and ingest route. Two
 * snapshots that are equal mean nothing observable changed in between.
 */
export async function observableState(baseUrl: string): Promise<unknown> {
  const read = async (path: string) => {
    const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<any>;
  };
  const events = (await read('/v1/admin/events')).items as { eventId: string }[];
  const detailed = await Promise.all(events.map((event) => read(`/v1/admin/events/${encodeURIComponent(event.eventId)}`)));
  const journal: unknown[] = [];
  for (let after = 0; ;) {
    const page = await read(`/v1/admin/journal?after=${after}&limit=1000`);
    journal.push(...page.items);
    if (page.items.length === 0) break;
    after = page.nextAfter;
  }
  const callbacks = (await read('/v1/callbacks?limit=1000')).items;
  const routes = (await read('/v1/admin/callback-routes')).items;
  return { events: detailed, journal, callbacks, routes };
}

/** The state once it has stopped changing (the journal forwarder and the scheduler catch up first). */
export async function settledState(baseUrl: string): Promise<unknown> {
  let previous = JSON.stringify(await observableState(baseUrl));
  return eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const current = JSON.stringify(await observableState(baseUrl));
      const settled = current === previous;
      previous = current;
      return settled ? JSON.parse(current) : undefined;
    },
    30_000,
    'the observable state to settle',
  );
}
