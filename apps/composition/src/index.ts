export { createFoyerHttpApp, createFoyerWorker, startupLogger, type FoyerAppOptions } from './foyer-app.js';
