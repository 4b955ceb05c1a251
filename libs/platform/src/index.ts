export * from './admin.guard.js';
export * from './error-response.dto.js';
export * from './foyer-exception.filter.js';
export * from './metrics.js';
export * from './plain-route.js';
export * from './tokens.js';
export * from './validation.js';
export { StoreUnavailableError } from '@foyer/domain';
export * from './http-server.js';
