export * from './enums.js';
export * from './metrics.js';
export * from './telemetry.js';
