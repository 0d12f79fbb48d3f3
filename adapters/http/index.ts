// The HTTP service for hosts: the Hono app from injected parts, its credentials and login limiter,
// and the standalone service `npm start` runs.
export { createHttpApp, type AppEnv, type HttpParts } from './app.js';
export type { Authenticator } from './auth.js';
export { ConfigError, parseConfig, type Config } from './config.js';
export type { Credentials, StaffToken } from './credentials/credentials.js';
export { memoryCredentials } from './credentials/memory-credentials.js';
export { loginLimiter, type LoginLimiter } from './credentials/rate-limit.js';
export { sqliteCredentials } from './credentials/sqlite-credentials.js';
export { createLogger } from './logger.js';
export { routes, type RouteSpec } from './routes.js';
export { startService, type RunningService } from './service.js';
