import { connect, type Socket } from 'node:net';

/** What came back on a socket: the status line's code, the headers, the body, and whether the server closed it. */
export interface RawAnswer {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  closedByServer: boolean;
}

/**
 * Sends bytes on a fresh TCP connection exactly as given (so they may be anything but HTTP) and
 * collects what comes back until the server closes the connection or `waitMs` passes. `trickle`
 * sends the bytes after the first `trickle.after` one at a time, `trickle.everyMs` apart: a slow client.
 */
export function rawExchange(
  baseUrl: string,
  bytes: string | Buffer,
  options: { waitMs?: number; trickle?: { after: number; everyMs: number } } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let trickler: NodeJS.Timeout | undefined;
    const socket: Socket = connect(Number(port), hostname, () => {
      const head = options.trickle ? data.subarray(0, options.trickle.after) : data;
      socket.write(head);
      if (!options.trickle) return;
      let next = options.trickle.after;
      trickler = setInterval(() => {
        if (next >= data.length || socket.destroyed) return void clearInterval(trickler);
        socket.write(data.subarray(next, next + 1));
        next += 1;
      }, options.trickle.everyMs);
    });
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      clearInterval(trickler);
      socket.destroy();
      resolve({ ...parse(Buffer.concat(chunks).toString('utf8')), closedByServer });
    };
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    // A reset after the answer was written (the server destroys the socket) still ends the exchange.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    const timer = setTimeout(() => finish(false), options.waitMs ?? 10_000);
  });
}

function parse(text: string): Omit<RawAnswer, 'closedByServer'> {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { status: null, headers: {}, body: text };
  const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  return { status: Number.isNaN(status) ? null : status, headers, body: text.slice(split + 4) };
}
