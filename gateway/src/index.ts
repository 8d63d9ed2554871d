export { startGateway, OUTBOX_FILE, type Gateway, type GatewayOptions } from './daemon.js';
export {
  GatewayConfig,
  DeviceConfig,
  ModbusTcpDeviceConfig,
  CloudConfig,
  SyncConfig,
  type GatewayConfigInput,
} from './config/schema.js';
export { loadConfig, parseConfig, formatIssue, formatPath, ConfigError, type ConfigIssue, type ConfigOverrides } from './config/load.js';
export { openOutbox, type Outbox, type OutboxReading, type OutboxStats } from './buffer/outbox.js';
export {
  createModelLibrary,
  parseModelDefinition,
  MODELS_DIR,
  ModelDefinition,
  GroupDefinition,
  PointDefinition,
  type ModelLibrary,
} from './decoder/sunspec/definition.js';
export { decodeModel, type DecodedModel, type DecodedPoint } from './decoder/sunspec/decode.js';
export { decodePointValue, applyScaleFactor, type PointValue } from './decoder/sunspec/point-types.js';
export { layoutModel, nextReadEnd, type ModelLayout, type PointSlot } from './decoder/sunspec/layout.js';
export { discoverSunSpec, SUNSPEC_BASE_ADDRESSES, type ReadRegisters, type SunSpecMap, type DiscoveredModel } from './decoder/sunspec/discovery.js';
export { modelMetrics, type MetricValue } from './decoder/sunspec/readings.js';
export { SUNSPEC_METRIC_MAP, SUNSPEC_UNITS, UNIT_CONVERSIONS } from './decoder/sunspec/metric-map.js';
export { createSunSpecSession, type SunSpecSession, type SunSpecIdentity, type SunSpecPollResult } from './decoder/sunspec/session.js';
export { ModbusTcpConnection, type ModbusTcpOptions } from './device/modbus-tcp.js';
export { createSyncLoop, type SyncLoop, type SyncStatus } from './sync/sync-loop.js';
export { createCloudClient, CloudHttpError, CloudUnavailableError, type CloudClient } from './sync/cloud-client.js';
export {
  GatewayError,
  DeviceTimeoutError,
  DeviceConnectionError,
  ModbusExceptionError,
  DecodeError,
} from './errors.js';
