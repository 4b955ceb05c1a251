import 'reflect-metadata';
import { ConfigError, loadConfig } from '@foyer/config';
import { createFoyerHttpApp, startupLogger } from '@foyer/composition';

/** The HTTP entry point; with the default FOYER_ROLES it also runs the scheduler (one process, `npm start`). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createFoyerHttpApp(config);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  const embedded = [config.queueStore.kind === 'embedded' && 'queue', config.database.kind === 'embedded' && 'database'].filter(Boolean).join(' and ');
  startupLogger.log(`Foyer listening on ${config.publicUrl} (roles: ${[...config.roles].join(',')})`);
  if (embedded) startupLogger.log(`embedded ${embedded} under ${config.dataDir} (development only)`);
  if (config.adminApiKeyGenerated) startupLogger.log(`admin API key (generated, kept in ${config.dataDir}): ${config.adminApiKey}`);
  startupLogger.log(`API docs: ${config.publicUrl}/docs`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`Foyer cannot start:\n- ${err.problems.join('\n- ')}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
