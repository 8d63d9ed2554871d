import type { Logger } from 'pino';
import type { ModbusRtuDeviceConfig, ModbusRtuOverTcpDeviceConfig, ModbusTcpDeviceConfig } from '../config/devices.js';
import { compileProfile } from '../decoder/registers/compile.js';
import { loadProfile, type Profile } from '../decoder/registers/profile.js';
import { createRegisterMapSource } from '../decoder/registers/source.js';
import type { ModelLibrary } from '../decoder/sunspec/definition.js';
import { createSunSpecSession } from '../decoder/sunspec/session.js';
import type { BusRegistry } from '../device/bus-registry.js';
import type { BusLink, ModbusBusOptions } from '../device/modbus-bus.js';
import { ModbusUnit } from '../device/modbus-unit.js';
import type { DeviceSource } from './device-poller.js';

export type ModbusDeviceConfig = ModbusTcpDeviceConfig | ModbusRtuDeviceConfig | ModbusRtuOverTcpDeviceConfig;

/** The link a device's frames travel on, and the bus timing it asks for. */
export function deviceLink(device: ModbusDeviceConfig): { link: BusLink; timing: Omit<ModbusBusOptions, 'link' | 'log'> } {
  switch (device.protocol) {
    case 'modbus_tcp':
      return { link: { kind: 'tcp', host: device.host, port: device.port }, timing: { connectTimeoutMs: device.timeoutMs } };
    case 'modbus_rtu_over_tcp':
      return {
        link: { kind: 'rtu_over_tcp', host: device.host, port: device.port },
        timing: { connectTimeoutMs: device.timeoutMs, interFrameGapMs: device.interFrameGapMs, recoverySilenceMs: device.recoverySilenceMs },
      };
    case 'modbus_rtu': {
      const { path, baudRate, parity, dataBits, stopBits, interFrameGapMs, recoverySilenceMs } = device.serial;
      return {
        link: { kind: 'rtu', path, baudRate, parity, dataBits, stopBits },
        timing: { interFrameGapMs, recoverySilenceMs, connectTimeoutMs: device.timeoutMs },
      };
    }
  }
}

/** Loads every register-map profile the devices name, so a bad profile stops start-up (with every problem listed). */
export function loadDeviceProfiles(devices: readonly ModbusDeviceConfig[]): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  for (const d of devices) {
    if (d.profile === 'sunspec' || profiles.has(d.profile)) continue;
    const profile = loadProfile(d.profile);
    compileProfile(profile);
    profiles.set(d.profile, profile);
  }
  return profiles;
}

/** Transport + register map of one Modbus device: a unit on its (possibly shared) bus and a SunSpec or profile source. */
export function createModbusSource(
  device: ModbusDeviceConfig,
  deps: { buses: BusRegistry; library: ModelLibrary; profiles: ReadonlyMap<string, Profile>; log: Logger },
): DeviceSource {
  const { link, timing } = deviceLink(device);
  const unit = new ModbusUnit({ bus: deps.buses.busFor(link, timing), unitId: device.unitId, timeoutMs: device.timeoutMs, retries: device.retries });
  const profile = deps.profiles.get(device.profile);
  if (profile) {
    return createRegisterMapSource({ read: (table, address, count) => unit.read(table, address, count), profile, log: deps.log.child({ component: 'registers', profile: profile.id }) });
  }
  return createSunSpecSession({
    read: (address, count) => unit.readHoldingRegisters(address, count),
    library: deps.library,
    baseAddress: device.baseAddress,
    log: deps.log.child({ component: 'sunspec' }),
  });
}
