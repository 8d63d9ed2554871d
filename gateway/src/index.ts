export { startGateway, OUTBOX_FILE, type Gateway, type GatewayOptions } from './daemon.js';
export {
  GatewayConfig,
  DeviceConfig,
  ModbusTcpDeviceConfig,
  ModbusRtuDeviceConfig,
  ModbusRtuOverTcpDeviceConfig,
  MqttDeviceConfig,
  MqttBrokerConfig,
  CloudConfig,
  SyncConfig,
  type GatewayConfigInput,
} from './config/schema.js';
export { loadConfig, parseConfig, formatIssue, formatPath, ConfigError, type ConfigIssue, type ConfigOverrides } from './config/load.js';
export { openOutbox, type Outbox, type OutboxOptions, type OutboxReading, type OutboxStats } from './buffer/outbox.js';
export { BufferWriteError } from './buffer/errors.js';
export { openSqlite, sqliteBinding } from './buffer/sqlite.js';
export type { StoredGap } from './buffer/gap-store.js';
export { SYNC_STATUS_FILE, type LocalSyncStatus } from './sync/status-file.js';
export { createClockWatch, judgeClock, CLOCK_FLOOR_MS, type ClockState, type ClockWatch } from './clock/clock-watch.js';
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
export { ModbusBus, linkKey, describeLink, type BusLink, type BusRequest, type BusStats, type ModbusBusOptions, type RegisterTable } from './device/modbus-bus.js';
export { ModbusUnit, isRetryable, type ModbusUnitOptions } from './device/modbus-unit.js';
export { BusRegistry } from './device/bus-registry.js';
export { interFrameGapMs, bitsPerCharacter, transmitTimeMs, type SerialFraming, type Parity } from './device/bus-timing.js';
export { startMqttDevices, reconnectDelay, type MqttDevices, type MqttDeviceStats } from './device/mqtt/mqtt-devices.js';
export { decodeMessage, PayloadError, type PayloadMapping } from './device/mqtt/payload.js';
export { topicMatches } from './device/mqtt/topic.js';
export { Profile, ProfilePoint, ProfileError, parseProfile, loadProfile, PROFILES_DIR, type ProfileInput } from './decoder/registers/profile.js';
export { planReads, type PlannedRead, type Span, type PlanOptions } from './decoder/registers/planner.js';
export { compileProfile, decodePoint, type CompiledPoint } from './decoder/registers/compile.js';
export { createRegisterMapSource, type RegisterMapSource, type TableReader } from './decoder/registers/source.js';
export { decodeRaw, canonicalBytes, VALUE_TYPES, type ValueType, type ValueFormat } from './decoder/registers/value-types.js';
export { createSyncLoop, type SyncLoop, type SyncStatus } from './sync/sync-loop.js';
export { createCloudClient, CloudHttpError, CloudUnavailableError, type CloudClient } from './sync/cloud-client.js';
export {
  GatewayError,
  DeviceTimeoutError,
  DeviceConnectionError,
  ModbusExceptionError,
  DecodeError,
  FrameError,
} from './errors.js';
