import { DecodeError, DeviceTimeoutError, isOfflineError, ModbusExceptionError } from '../../errors.js';

/** Reads `count` holding registers from `address`. Throws the gateway's device errors. */
export type ReadRegisters = (address: number, count: number) => Promise<number[]>;

export interface DiscoveredModel {
  id: number;
  /** Address of the model's ID register. */
  start: number;
  /** The model length L the device reports (registers after ID and L). */
  length: number;
}

export interface SunSpecMap {
  base: number;
  models: DiscoveredModel[];
}

/**
 * Where 'SunS' may sit: 40000, 0 and 50000 (the specification), then the
 * same registers counted from 1 (40001, 1, 50001), for devices whose map was
 * laid out by "holding register 40001" rather than protocol address 40000.
 */
export const SUNSPEC_BASE_ADDRESSES: readonly number[] = [40000, 0, 50000, 40001, 1, 50001];
const SUNS = [0x5375, 0x6e53];
const END_MARKERS = new Set([0xffff, 0x0000]);
const MAX_MODELS = 200;

async function findBase(read: ReadRegisters, candidates: readonly number[]): Promise<number> {
  let lastTimeout: unknown;
  let answered = false;
  for (const base of candidates) {
    try {
      const words = await read(base, 2);
      answered = true;
      if (words[0] === SUNS[0] && words[1] === SUNS[1]) return base;
    } catch (err) {
      // An exception (illegal address) at one candidate: try the next. A timeout
      // too, but only from a device that has answered something: a dead device
      // must not cost the bus one timeout per candidate.
      if (err instanceof DeviceTimeoutError && answered) lastTimeout = err;
      else if (err instanceof ModbusExceptionError && !isOfflineError(err)) answered = true;
      else throw err;
    }
  }
  if (lastTimeout) throw lastTimeout;
  throw new DecodeError(`no SunSpec marker "SunS" at register ${candidates.join(', ')}`, { candidates });
}

/**
 * Finds the SunSpec base address and walks the model chain. The chain ends
 * at ID 0xFFFF, and also at 0x0000 or a Modbus exception, which devices in
 * the field use as end markers. Unknown models are kept (their length lets
 * the walk skip them).
 */
export async function discoverSunSpec(read: ReadRegisters, candidates: readonly number[] = SUNSPEC_BASE_ADDRESSES): Promise<SunSpecMap> {
  const base = await findBase(read, candidates);
  const models: DiscoveredModel[] = [];
  let address = base + 2;
  while (address + 1 <= 0xffff && models.length < MAX_MODELS) {
    let header: number[];
    try {
      header = await read(address, 2);
    } catch (err) {
      if (err instanceof ModbusExceptionError) break;
      throw err;
    }
    const [id, length] = header;
    if (id === undefined || length === undefined || END_MARKERS.has(id)) break;
    models.push({ id, start: address, length });
    address += length + 2;
  }
  return { base, models };
}
