import { ExceptionCode, exceptionPdu } from './modbus-pdu.js';

/**
 * Faults a simulated unit can be told to show, as devices in the field do.
 * Counters (`busy`, `corrupt`, `truncate`) count down per request answered.
 */
export interface UnitFaults {
  /** Never answer (a dead or unplugged unit). */
  silent: boolean;
  /** Answer the next N requests with exception 0x06 (server device busy). */
  busy: number;
  /** Send the next N replies with a broken CRC (RTU only). */
  corrupt: number;
  /** Send only the first half of the next N replies (RTU only). */
  truncate: number;
  /** Wait this long before answering, ms. */
  delayMs: number;
}

export function noFaults(): UnitFaults {
  return { silent: false, busy: 0, corrupt: 0, truncate: 0, delayMs: 0 };
}

/** Faults per unit id, created on first use; tests and the CLI change them while the server runs. */
export class FaultInjector {
  private readonly units = new Map<number, UnitFaults>();

  unit(unitId: number): UnitFaults {
    let faults = this.units.get(unitId);
    if (!faults) {
      faults = noFaults();
      this.units.set(unitId, faults);
    }
    return faults;
  }

  /** The reply PDU after silence and busy faults (null = no reply). */
  applyToPdu(unitId: number, request: Buffer, answer: () => Buffer | null): Buffer | null {
    const faults = this.units.get(unitId);
    if (faults?.silent) return null;
    if (faults && faults.busy > 0) {
      faults.busy--;
      return exceptionPdu(request[0] ?? 0, ExceptionCode.SERVER_DEVICE_BUSY);
    }
    return answer();
  }

  /** The bytes to put on the wire for a reply frame after corruption faults. */
  applyToFrame(unitId: number, frame: Buffer): Buffer {
    const faults = this.units.get(unitId);
    if (faults && faults.corrupt > 0) {
      faults.corrupt--;
      const broken = Buffer.from(frame);
      broken[broken.length - 1] = (broken[broken.length - 1]! ^ 0xff) & 0xff;
      return broken;
    }
    if (faults && faults.truncate > 0) {
      faults.truncate--;
      return frame.subarray(0, Math.max(3, frame.length >> 1));
    }
    return frame;
  }

  delayMs(unitId: number): number {
    return this.units.get(unitId)?.delayMs ?? 0;
  }
}
