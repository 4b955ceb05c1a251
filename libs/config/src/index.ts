export { ConfigError } from './config-error.js';
export { devSecretsPath } from './dev-secrets.js';
export { LOG_LEVELS, ROLES, type FoyerConfig, type LogLevel, type Role } from './foyer-config.js';
export { loadConfig } from './load-config.js';
