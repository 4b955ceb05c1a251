/**
 * Runs a k6 script with the shim, for checking a script without k6 installed:
 *
 *   node --import ./loadtest/node-loader/register.mjs loadtest/k6-shim/cli.ts \
 *        -e BASE_URL=http://localhost:3000 -e ADMIN_API_KEY=... loadtest/k6/waiting-room.ts
 *
 * Like `k6 run`: prints what handleSummary returns as stdout, writes its other keys as files, and
 * exits 99 when a threshold is crossed. For real load, use k6.
 */
import { writeFileSync } from 'node:fs';
import { runK6 } from './run-k6.js';

async function main(): Promise<number> {
  const env: Record<string, string> = {};
  let script: string | undefined;
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-e' || args[i] === '--env') {
      const pair = args[++i] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`-e needs NAME=value, got '${pair}'`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else {
      script = args[i];
    }
  }
  if (!script) throw new Error('usage: cli.ts [-e NAME=value]... script.ts');

  const result = await runK6(script, { env });
  for (const [target, content] of Object.entries(result.summaryOutput ?? {})) {
    if (target === 'stdout') process.stdout.write(content);
    else if (target === 'stderr') process.stderr.write(content);
    else writeFileSync(target, content);
  }
  if (!result.summaryOutput) {
    for (const [name, metric] of Object.entries(result.summary.metrics)) {
      const values = Object.entries(metric.values).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`);
      console.log(`${name.padEnd(40)} ${values.join(' ')}`);
    }
  }
  const { completed, interrupted, dropped } = result.iterations;
  console.error(`k6 shim: ${completed} iterations, ${interrupted} interrupted, ${dropped} dropped, ${result.errors.length} errors; exit ${result.exitCode}`);
  for (const t of result.thresholds.filter((x) => !x.ok)) console.error(`  threshold crossed: ${t.metric} ${t.expression} (was ${t.actual})`);
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
