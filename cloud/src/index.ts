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
export { maintainPartitions, listPartitions, type PartitionMaintenanceOptions, type PartitionMaintenanceResult } from './timeseries/partitions.js';
export { enforceRetention, type RetentionOptions, type RetentionResult } from './timeseries/retention.js';
export { counterBuckets, gaugeBuckets, type Agg, type BucketRange, type BucketValue, type GaugeAgg, type ReadOptions, type ReadSource } from './timeseries/series-query.js';
export { refreshHourly, HourlyRollupError, type HourlyRefreshOptions, type HourlyRefreshResult } from './timeseries/hourly-refresh.js';
export { planSources, type SourcePlan } from './timeseries/hourly-plan.js';
export { alignRange, autoBucket, bucketStart, type Bucket } from './timeseries/buckets.js';
export { startTimeseriesJobs, type TimeseriesJobs, type TimeseriesJobsOptions } from './timeseries/jobs.js';
export { withTenant, APP_ROLE } from './storage/tenancy.js';
export { runExclusive, runLocked, type ExclusiveResult } from './storage/exclusive.js';
export { ACTIONS, MEMBER_ROLES, PERMISSIONS, can, canGrant, type Action, type MemberRole } from './auth/permissions.js';
export { hashPassword, verifyPassword } from './auth/passwords.js';
export { createSession, CSRF_HEADER, PLAIN_COOKIE, SECURE_COOKIE } from './auth/sessions.js';
export type { Access } from './auth/access.js';
export type { CatalogRoute } from './api/catalog.js';
export { createOrganizationWithOwner, ensureUser, issuePasswordResetToken, resetPassword, type CreateOrganizationInput } from './provisioning/users.js';
export { createClaimCode, claimGateway, rotateGatewayToken, revokeGateway, normalizeClaimCode } from './provisioning/claim.js';
export { ProvisioningError } from './provisioning/errors.js';
export { weekPartition, weekStart, type WeekPartition } from './timeseries/weeks.js';
export { cleanupAuth, startAuthCleanup } from './auth/cleanup.js';
export { compactIngestRanges } from './ingest/range-compaction.js';
