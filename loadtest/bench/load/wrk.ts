import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadGenerator, LoadResult, LoadSpec } from './load-generator.js';

const SCRIPT = fileURLToPath(new URL('./rotate.lua', import.meta.url));

interface WrkSummary {
  requests: number;
  durationUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
}

/** `wrk -v` of an installed wrk, or null when there is none. */
export function installedWrk(): string | null {
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (probe.error) return null;
  const version = /wrk\s+(\S+)/.exec(`${probe.stdout}${probe.stderr}`);
  return version ? version[1] : 'unknown version';
}

export class WrkLoadGenerator implements LoadGenerator {
  constructor(readonly version: string) {}

  get description(): string {
    return `wrk ${this.version}`;
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const threads = Math.max(1, Math.min(spec.threads ?? 2, spec.connections));
    const args = [
      `-t${threads}`,
      `-c${spec.connections}`,
      `-d${spec.durationSeconds}s`,
      '--timeout',
      '10s',
      '-s',
      SCRIPT,
      spec.request.url,
      '--',
      ...(spec.request.kind === 'poll' ? ['poll', spec.request.ticketsFile] : ['enter', spec.request.eventId, spec.request.idPrefix]),
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code) => {
        const line = output.split('\n').find((l) => l.startsWith('WRK_JSON '));
        if (code !== 0 || !line) {
          reject(new Error(`wrk ${args.join(' ')} failed (exit ${code}):\n${output}`));
          return;
        }
        resolve(toResult(JSON.parse(line.slice('WRK_JSON '.length)) as WrkSummary));
      });
    });
  }
}

function toResult(s: WrkSummary): LoadResult {
  const seconds = s.durationUs / 1e6;
  return {
    requests: s.requests,
    seconds,
    rps: seconds > 0 ? s.requests / seconds : 0,
    p50Ms: s.p50Us / 1000,
    p90Ms: s.p90Us / 1000,
    p99Ms: s.p99Us / 1000,
    maxMs: s.maxUs / 1000,
    non2xx: s.statusErrors,
    socketErrors: s.connectErrors + s.readErrors + s.writeErrors + s.timeouts,
  };
}
