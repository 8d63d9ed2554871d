/**
 * RS-485 timing (Modbus over serial line, V1.02, 2.5.1.1): frames are
 * separated by at least 3.5 character times of silence; above 19200 baud a
 * fixed 1.75 ms is used. A character is start bit + data bits + parity bit
 * (if any) + stop bits.
 */
export type Parity = 'none' | 'even' | 'odd';

export interface SerialFraming {
  baudRate: number;
  dataBits: 7 | 8;
  parity: Parity;
  stopBits: 1 | 2;
}

export function bitsPerCharacter(framing: Pick<SerialFraming, 'dataBits' | 'parity' | 'stopBits'>): number {
  return 1 + framing.dataBits + (framing.parity === 'none' ? 0 : 1) + framing.stopBits;
}

/** Silence needed between two frames, ms. */
export function interFrameGapMs(framing: SerialFraming): number {
  if (framing.baudRate > 19_200) return 1.75;
  return (3.5 * bitsPerCharacter(framing) * 1000) / framing.baudRate;
}

/** Time to put `bytes` on the wire, ms. */
export function transmitTimeMs(bytes: number, framing: SerialFraming): number {
  return (bytes * bitsPerCharacter(framing) * 1000) / framing.baudRate;
}
