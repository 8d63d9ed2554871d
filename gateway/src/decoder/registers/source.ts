import type { Logger } from 'pino';
import { errorMessage, isOfflineError, ModbusExceptionError } from '../../errors.js';
import type { DeviceIdentity } from '../../poller/health.js';
import type { DeviceSource, PollOutcome, PolledValues } from '../../poller/device-poller.js';
import { compileProfile, decodePoint, pointSpan, type CompiledPoint } from './compile.js';
import { planReads, type PlannedRead, type Span, type Table } from './planner.js';
import type { Profile } from './profile.js';

/** Reads `count` registers (or bits as 0/1) of one table. Throws the gateway's device errors. */
export type TableReader = (table: Table, address: number, count: number) => Promise<number[]>;

export interface RegisterMapSourceOptions {
  read: TableReader;
  profile: Profile;
  log: Logger;
  now?: () => number;
}

export interface RegisterMapSource extends DeviceSource {
  /** The reads one poll makes now (after any unreadable points were set apart). */
  plan(): Array<PlannedRead<CompiledPoint>>;
  /** Points the device refused with "illegal data address", isolated by splitting reads. */
  readonly unreadable: ReadonlySet<string>;
}

const ILLEGAL_DATA_ADDRESS = 0x02;

/**
 * Polls a device through a register-map profile. Reads are planned once
 * (merged per planner rules) and planned again when a point turns out to be
 * unreadable: a merged read refused with exception 0x02 is split in halves
 * until the refused point is isolated; that point is then left out (a
 * configuration error, logged once, not retried until the device is reset)
 * and the rest keeps being read. Identity points are read once.
 */
export function createRegisterMapSource(options: RegisterMapSourceOptions): RegisterMapSource {
  const { read, profile, log } = options;
  const now = options.now ?? Date.now;
  const points = compileProfile(profile);
  const unreadable = new Set<string>();
  let identity: DeviceIdentity | undefined;
  let plan: Array<PlannedRead<CompiledPoint>> | undefined;
  const planOptions = { maxRegisters: profile.requests.maxRegisters, maxGap: profile.requests.maxGap };

  const currentPlan = () => {
    const avoid = points.filter((p) => unreadable.has(p.name)).map((p) => ({ table: p.table, start: p.address, end: p.address + p.size }));
    plan ??= planReads(
      points.filter((p) => !unreadable.has(p.name) && (!p.identity || !identity)).map(pointSpan),
      { ...planOptions, avoid },
    );
    return plan;
  };

  async function execute(request: PlannedRead<CompiledPoint>, out: PolledValues[], found: DeviceIdentity, errors: Error[]): Promise<void> {
    let words: number[];
    try {
      words = await read(request.table, request.address, request.count);
    } catch (err) {
      if (err instanceof ModbusExceptionError && err.exceptionCode === ILLEGAL_DATA_ADDRESS) {
        if (request.spans.length > 1) {
          const half = Math.ceil(request.spans.length / 2);
          for (const part of [request.spans.slice(0, half), request.spans.slice(half)]) {
            for (const sub of planReads(part as Array<Span<CompiledPoint>>, planOptions)) await execute(sub, out, found, errors);
          }
          return;
        }
        const point = request.spans[0]!.key;
        unreadable.add(point.name);
        plan = undefined;
        log.warn({ point: point.name, table: point.table, address: point.address, profile: profile.id }, 'device refuses this register (illegal data address): left out until the device is reset; check the profile');
        errors.push(err);
        return;
      }
      if (isOfflineError(err)) throw err;
      errors.push(err as Error);
      return;
    }
    const lookup = (address: number) => (address >= request.address && address < request.address + words.length ? words[address - request.address] : undefined);
    const values: PolledValues['values'][number][] = [];
    for (const { key: p } of request.spans) {
      const value = decodePoint(p, lookup);
      if (value === null) continue;
      if (p.identity) {
        if (typeof value === 'string') found[p.identity] = value.slice(0, 64);
        else found[p.identity] = String(value);
        continue;
      }
      if (typeof value !== 'number') continue;
      values.push({ metric: p.metric, value, unit: p.unit, point: p.point });
    }
    if (values.length > 0) out.push({ ts: now(), mono: performance.now(), values });
  }

  return {
    plan: currentPlan,
    unreadable,
    reset() {
      identity = undefined;
      unreadable.clear();
      plan = undefined;
    },
    async poll(): Promise<PollOutcome> {
      const blocks: PolledValues[] = [];
      const errors: Error[] = [];
      const found: DeviceIdentity = {};
      for (const request of currentPlan()) await execute(request, blocks, found, errors);
      if (!identity && points.some((p) => p.identity)) {
        identity = { manufacturer: profile.manufacturer, model: profile.model, ...found };
        plan = undefined;
      }
      for (const err of errors.slice(1)) log.debug({ err: errorMessage(err) }, 'poll problem');
      return { identity: identity ?? { manufacturer: profile.manufacturer, model: profile.model }, blocks, errors };
    },
  };
}
