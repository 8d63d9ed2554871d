/**
 * Modbus RTU framing (Modbus over serial line V1.02): unit id, PDU, CRC-16
 * (polynomial 0xA001, initial 0xFFFF, low byte first). Pure: no I/O.
 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function encodeRtuFrame(unitId: number, pdu: Buffer): Buffer {
  const out = Buffer.alloc(pdu.length + 3);
  out[0] = unitId;
  pdu.copy(out, 1);
  out.writeUInt16LE(crc16(out.subarray(0, out.length - 2)), out.length - 2);
  return out;
}

export interface RtuRequest {
  unitId: number;
  pdu: Buffer;
}

/** Length of a request frame from its first bytes; undefined = not known yet; null = a function this parser does not know. */
function requestLength(data: Buffer): number | undefined | null {
  if (data.length < 2) return undefined;
  const fc = data[1]!;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return data.length < 7 ? undefined : 9 + data[6]!;
  return null;
}

/**
 * Splits received bytes into request frames. A frame with a bad CRC or an
 * unknown function throws the whole buffer away (a slave waits for the next
 * silence to resynchronise; on a pty there is no silence to see).
 */
export function parseRtuRequests(data: Buffer): { requests: RtuRequest[]; rest: Buffer; dropped: number } {
  const requests: RtuRequest[] = [];
  let at = 0;
  for (;;) {
    const tail = data.subarray(at);
    const length = requestLength(tail);
    if (length === null) return { requests, rest: Buffer.alloc(0), dropped: tail.length };
    if (length === undefined || tail.length < length) return { requests, rest: Buffer.from(tail), dropped: 0 };
    const frame = tail.subarray(0, length);
    if (crc16(frame.subarray(0, length - 2)) !== frame.readUInt16LE(length - 2)) return { requests, rest: Buffer.alloc(0), dropped: tail.length };
    requests.push({ unitId: frame[0]!, pdu: Buffer.from(frame.subarray(1, length - 2)) });
    at += length;
  }
}
