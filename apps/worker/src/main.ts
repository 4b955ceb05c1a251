import 'reflect-metadata';
import { ConfigError, loadConfig } from '@foyer/config';
import { createFoyerWorker, foyerLogger } from '@foyer/composition';

/** The background entry point: the scheduler and the callback dispatcher; over HTTP only health and metrics. */
async function main(): Promise<void> {
  const config = loadConfig();
  // The embedded store and database live inside one process (`npm start`); a separate worker
  // would see a line of its own and could corrupt the embedded database's files.
  if (config.queueStore.kind === 'embedded' || config.database.kind === 'embedded') {
    throw new ConfigError([
      'the worker needs REDIS_URL (or REDIS_CLUSTER_NODES) and DATABASE_URL: the embedded stores belong to the single `npm start` process',
    ]);
  }
  const logger = foyerLogger(config);
  const app = await createFoyerWorker(config, { logger });
  await app.listen({ port: config.port, host: '0.0.0.0' });
  const roles = [...config.roles].filter((r) => r !== 'api').join(',') || 'none';
  logger.log(`Foyer worker running (roles: ${roles}; /health/ready and /metrics on port ${config.port})`, 'Foyer');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`Foyer worker cannot start:\n- ${err.problems.join('\n- ')}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
