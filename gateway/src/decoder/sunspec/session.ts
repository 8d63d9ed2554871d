import type { Logger } from 'pino';
import { DecodeError, isOfflineError } from '../../errors.js';
import { decodeModel } from './decode.js';
import type { ModelDefinition, ModelLibrary } from './definition.js';
import { discoverSunSpec, SUNSPEC_BASE_ADDRESSES, type DiscoveredModel, type ReadRegisters, type SunSpecMap } from './discovery.js';
import { layoutModel, nextReadEnd } from './layout.js';
import { modelMetrics, type MetricValue } from './readings.js';

/** What the common model (1) says about the device. */
export interface SunSpecIdentity {
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
}

export interface TimedValues {
  /** Wall clock when the model's last register arrived. */
  ts: number;
  /** performance.now() then. */
  mono: number;
  values: MetricValue[];
}

export interface SunSpecPollResult {
  identity: SunSpecIdentity;
  blocks: TimedValues[];
  /** Models that could not be read or decoded this time (the rest still count). */
  errors: Error[];
}

export interface SunSpecSessionOptions {
  read: ReadRegisters;
  library: ModelLibrary;
  log: Logger;
  /** Known base address; otherwise 40000, 0 and 50000 are probed. */
  baseAddress?: number | undefined;
  /** Registers per request (Modbus allows 125). */
  maxRegistersPerRead?: number;
  now?: () => number;
}

export interface SunSpecSession {
  /** Reads and decodes every model the device has; discovers and identifies first if needed. */
  poll(): Promise<SunSpecPollResult>;
  /** Forget the model map and identity (e.g. after the connection was lost). */
  reset(): void;
  readonly map: SunSpecMap | undefined;
}

const ONE_REGISTER_UNIMPLEMENTED_SF = 0x8000;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 64) : undefined;
}

export function createSunSpecSession(options: SunSpecSessionOptions): SunSpecSession {
  const { read, library, log } = options;
  const maxRead = options.maxRegistersPerRead ?? 125;
  const now = options.now ?? Date.now;
  let map: SunSpecMap | undefined;
  let identity: SunSpecIdentity | undefined;
  const warnedUnknown = new Set<number>();

  /**
   * Reads one model block in requests of at most maxRead registers, never
   * splitting a point. Scale factors that ended up in another request than
   * values they scale are read again afterwards; if one changed in between,
   * it is treated as not implemented this time, so no value is ever scaled
   * by a factor from another moment.
   */
  async function readBlock(definition: ModelDefinition, model: DiscoveredModel): Promise<number[]> {
    const total = model.length + 2;
    const block: Array<number | undefined> = new Array<number | undefined>(total).fill(undefined);
    const chunkStarts: number[] = [];
    let from = 0;
    while (from < total) {
      const end = nextReadEnd(layoutModel(definition, model.length, block), from, maxRead);
      const words = await read(model.start + from, end - from);
      if (words.length !== end - from) {
        throw new DecodeError(`asked for ${end - from} registers at ${model.start + from}, got ${words.length}`, { model: model.id });
      }
      words.forEach((word, i) => (block[from + i] = word));
      chunkStarts.push(from);
      from = end;
    }
    if (block[0] !== model.id) {
      throw new DecodeError(`model ${model.id} expected at ${model.start}, found ID ${block[0]}: the register map changed`, {
        model: model.id,
        start: model.start,
        reason: 'map_changed',
      });
    }
    if (chunkStarts.length > 1) await recheckScaleFactors(definition, model, block as number[], chunkStarts);
    return block as number[];
  }

  async function recheckScaleFactors(definition: ModelDefinition, model: DiscoveredModel, block: number[], chunkStarts: number[]) {
    const chunkOf = (offset: number) => chunkStarts.filter((start) => start <= offset).length;
    const layout = layoutModel(definition, model.length, block);
    const split = [...new Set(layout.slots.filter((s) => s.sfSlot && chunkOf(s.sfSlot.offset) !== chunkOf(s.offset)).map((s) => s.sfSlot!))];
    if (split.length === 0) return;
    const lo = Math.min(...split.map((s) => s.offset));
    const hi = Math.max(...split.map((s) => s.offset + s.size));
    // One request for all of them when they sit close together (the usual case), else one each.
    const again = new Map<number, number>();
    const ranges: Array<[number, number]> = hi - lo <= maxRead ? [[lo, hi]] : split.map((s) => [s.offset, s.offset + s.size]);
    for (const [from, to] of ranges) {
      (await read(model.start + from, to - from)).forEach((word, i) => again.set(from + i, word));
    }
    for (const sf of split) {
      if (again.get(sf.offset) !== block[sf.offset]) {
        log.debug({ model: model.id, point: sf.path, before: block[sf.offset], after: again.get(sf.offset) }, 'scale factor changed during the read');
        block[sf.offset] = ONE_REGISTER_UNIMPLEMENTED_SF;
      }
    }
  }

  async function identify(current: SunSpecMap): Promise<SunSpecIdentity> {
    const common = current.models.find((m) => m.id === 1);
    const definition = library.get(1);
    if (!common || !definition) return {};
    const decoded = decodeModel(definition, await readBlock(definition, common));
    return {
      manufacturer: text(decoded.points.Mn),
      model: text(decoded.points.Md),
      serialNumber: text(decoded.points.SN),
      firmwareVersion: text(decoded.points.Vr),
    };
  }

  return {
    get map() {
      return map;
    },
    reset() {
      map = undefined;
      identity = undefined;
    },
    async poll() {
      if (!map) {
        const candidates = options.baseAddress === undefined ? SUNSPEC_BASE_ADDRESSES : [options.baseAddress];
        map = await discoverSunSpec(read, candidates);
        log.info({ base: map.base, models: map.models.map((m) => `${m.id}@${m.start}+${m.length}`) }, 'SunSpec models discovered');
      }
      const current = map;
      const blocks: TimedValues[] = [];
      const errors: Error[] = [];
      if (!identity) {
        try {
          identity = await identify(current);
        } catch (err) {
          if (isOfflineError(err)) throw err;
          errors.push(err as Error);
        }
      }
      for (const model of current.models) {
        if (model.id === 1) continue;
        const definition = library.get(model.id);
        if (!definition) {
          if (!warnedUnknown.has(model.id)) log.info({ model: model.id }, 'no definition for SunSpec model: skipped');
          warnedUnknown.add(model.id);
          continue;
        }
        try {
          const decoded = decodeModel(definition, await readBlock(definition, model));
          blocks.push({ ts: now(), mono: performance.now(), values: modelMetrics(decoded) });
        } catch (err) {
          if (isOfflineError(err)) throw err;
          if (err instanceof DecodeError && err.context.reason === 'map_changed') map = undefined;
          errors.push(err as Error);
        }
      }
      return { identity: identity ?? {}, blocks, errors };
    },
  };
}
