import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { Redis } from 'ioredis';
import { ROOT } from './processes.js';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  redis: string;
  database: string;
  loadGenerator: string;
  commit: string;
  /** 1-minute load average when the run started and ended: above zero, something else was running. */
  loadAverage: { start: number; end: number };
}

export async function describeMachine(redis: Redis, database: string, loadGenerator: string): Promise<MachineInfo> {
  const info = await redis.info('server');
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown',
    database,
    loadGenerator,
    commit: gitCommit(),
    loadAverage: { start: loadavg()[0], end: Number.NaN },
  };
}

/** The commit the run measured, marked when the working tree had changes on top of it. */
function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  return `${head.stdout.trim()}${status.stdout.trim() ? ' (with uncommitted changes)' : ''}`;
}
