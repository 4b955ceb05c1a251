export { createFoyerHttpApp, createFoyerWorker, foyerLogger, startupLogger, type FoyerAppOptions } from './foyer-app.js';
