export { buildApp, type AppDeps } from './app.js';
export { AppConfig, type AppConfigInput } from './config.js';
export {
  openDatabase,
  type Database,
  type DatabaseKind,
  type Db,
  type DbOrTx,
  type OpenDatabaseOptions,
  type Schema,
  type Tx,
} from './storage/database.js';
export { MIGRATIONS_FOLDER, runMigrations } from './storage/migrate.js';
export * as schema from './storage/schema/index.js';
export { storeBatch } from './ingest/store-batch.js';
export type { GatewayRef } from './ingest/gateway-ref.js';
export { provisionDemo, type ProvisionDemoInput, type ProvisionDemoResult } from './provisioning/demo.js';
export { hashToken, issueToken, type IssuedToken, type TokenKind } from './auth/tokens.js';
export { HttpError, toApiError, type ErrorDetail } from './http/errors.js';
