export * from './organizations.js';
export * from './sites.js';
export * from './gateways.js';
export * from './api-tokens.js';
export * from './devices.js';
export * from './series.js';
export * from './measurements.js';
export * from './ingest-ranges.js';
