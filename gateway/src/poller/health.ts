import type { DeviceReport, DeviceStatus, DeviceType, Protocol } from '@solarhub/shared';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';

export interface DeviceIdentity {
  manufacturer?: string | undefined;
  model?: string | undefined;
  serialNumber?: string | undefined;
  firmwareVersion?: string | undefined;
}

interface Entry {
  report: DeviceReport;
  /** Status + error code of the last logged state, so each change is logged once. */
  logged: string;
}

/**
 * Health and identity of every device as the pollers see it. State changes
 * (online -> offline, a new kind of error...) are logged once, not per poll.
 */
export class HealthRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    devices: ReadonlyArray<{ id: string; type: DeviceType; protocol: Protocol }>,
    private readonly log: Logger,
  ) {
    for (const d of devices) {
      this.entries.set(d.id, { report: { device: d.id, type: d.type, protocol: d.protocol, status: 'unknown', lastError: null }, logged: 'unknown' });
    }
  }

  /** A poll got data. `problem` is set when part of the device could not be read (status "error"). */
  succeeded(deviceId: string, ts: number, problem?: Error): void {
    const entry = this.entry(deviceId);
    entry.report.lastSeen = ts;
    if (problem) this.failed(deviceId, 'error', problem);
    else this.transition(entry, 'online', null);
  }

  failed(deviceId: string, status: Extract<DeviceStatus, 'offline' | 'error'>, err: unknown): void {
    this.transition(this.entry(deviceId), status, err);
  }

  setIdentity(deviceId: string, identity: DeviceIdentity): void {
    const report = this.entry(deviceId).report;
    for (const [key, value] of Object.entries(identity) as Array<[keyof DeviceIdentity, string | undefined]>) {
      if (value !== undefined) report[key] = value;
    }
  }

  get(deviceId: string): DeviceReport | undefined {
    const entry = this.entries.get(deviceId);
    return entry ? { ...entry.report } : undefined;
  }

  reports(): DeviceReport[] {
    return [...this.entries.values()].map((e) => ({ ...e.report }));
  }

  private entry(deviceId: string): Entry {
    let entry = this.entries.get(deviceId);
    if (!entry) {
      entry = { report: { device: deviceId, status: 'unknown', lastError: null }, logged: 'unknown' };
      this.entries.set(deviceId, entry);
    }
    return entry;
  }

  private transition(entry: Entry, status: DeviceStatus, err: unknown): void {
    const previous = entry.report.status;
    entry.report.status = status;
    entry.report.lastError = err === null ? null : errorMessage(err).slice(0, 1024);
    const code = (err as { code?: unknown } | null)?.code;
    const state = `${status}:${typeof code === 'string' ? code : ''}`;
    if (state === entry.logged) return;
    entry.logged = state;
    const context = { deviceId: entry.report.device, status, previous };
    if (status === 'online') this.log.info(context, 'device online');
    else this.log.warn({ ...context, err }, status === 'offline' ? 'device offline' : 'device error');
  }
}
