export * from './enums.js';
export * from './metrics.js';
export * from './telemetry.js';
export * from './provisioning.js';
export * from './reading-columns.js';
