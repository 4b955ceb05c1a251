import 'reflect-metadata';
import { ConfigError, loadConfig } from '@foyer/config';
import { createFoyerHttpApp, foyerLogger } from '@foyer/composition';

/** The HTTP entry point; with the default FOYER_ROLES it also runs the scheduler (one process, `npm start`). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = foyerLogger(config);
  const app = await createFoyerHttpApp(config, { logger });
  await app.listen({ port: config.port, host: '0.0.0.0' });
  const embedded = [config.queueStore.kind === 'embedded' && 'queue', config.database.kind === 'embedded' && 'database'].filter(Boolean).join(' and ');
  // Development: a banner above the lines that follow; production: one JSON line per entry.
  const entries: [string, string][] = [
    ['URL', config.publicUrl],
    ['Roles', [...config.roles].join(',')],
    // Printed only when generated for development; an operator's own key is never logged.
    ...(config.adminApiKeyGenerated ? [['Admin key', `${config.adminApiKey} (generated, kept in ${config.dataDir})`] as [string, string]] : []),
    ...(embedded ? [['Data folder', `${config.dataDir} (embedded ${embedded}; development only)`] as [string, string]] : []),
    ['Dashboard', `${config.publicUrl}/admin`],
    ['API docs', `${config.publicUrl}/docs`],
  ];
  logger.banner('Foyer listening', entries);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`Foyer cannot start:\n- ${err.problems.join('\n- ')}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
