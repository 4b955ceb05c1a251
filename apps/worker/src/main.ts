import 'reflect-metadata';
import { ConfigError, loadConfig } from '@foyer/config';
import { createFoyerWorker, startupLogger } from '@foyer/waiting-room';

/** The background entry point: the scheduler (and, later, the callback dispatcher); no HTTP. */
async function main(): Promise<void> {
  const config = loadConfig();
  await createFoyerWorker(config);
  startupLogger.log(`Foyer worker running (roles: ${[...config.roles].filter((r) => r !== 'api').join(',') || 'none'})`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`Foyer worker cannot start:\n- ${(err as ConfigError).problems.join('\n- ')}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
