/**
 * Modbus application layer (PDU in, PDU out), shared by every transport: the
 * TCP server here, and an RTU server over a pty later. No framing, no sockets.
 */

export const FunctionCode = {
  READ_HOLDING_REGISTERS: 0x03,
  READ_INPUT_REGISTERS: 0x04,
} as const;

export const ExceptionCode = {
  ILLEGAL_FUNCTION: 0x01,
  ILLEGAL_DATA_ADDRESS: 0x02,
  ILLEGAL_DATA_VALUE: 0x03,
  SERVER_DEVICE_BUSY: 0x06,
  GATEWAY_PATH_UNAVAILABLE: 0x0a,
  GATEWAY_TARGET_FAILED_TO_RESPOND: 0x0b,
} as const;

/** Most registers one read may ask for (Modbus application protocol 1.1b3, 6.3). */
export const MAX_READ_REGISTERS = 125;

/** What a unit serves: a register space that can say whether a range exists and read it. */
export interface RegisterSpace {
  contains(address: number, count: number): boolean;
  read(address: number, count: number): Uint16Array;
  /** Input registers (function 4) when they differ from the holding registers; absent: function 4 reads these. */
  readonly input?: RegisterSpace | undefined;
}

export function exceptionPdu(functionCode: number, exceptionCode: number): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, exceptionCode]);
}

/**
 * Answers one request PDU for one unit. Functions 3 and 4 read the same
 * registers (the image is read-only); every other function gets 0x01.
 * A count of 0 or over 125 gets 0x03; a range outside the map gets 0x02.
 */
export function handleRequestPdu(pdu: Buffer, space: RegisterSpace): Buffer {
  const fc = pdu[0] ?? 0;
  if (fc !== FunctionCode.READ_HOLDING_REGISTERS && fc !== FunctionCode.READ_INPUT_REGISTERS) {
    return exceptionPdu(fc, ExceptionCode.ILLEGAL_FUNCTION);
  }
  if (pdu.length !== 5) return exceptionPdu(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = pdu.readUInt16BE(1);
  const count = pdu.readUInt16BE(3);
  if (count < 1 || count > MAX_READ_REGISTERS) return exceptionPdu(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
  const table = fc === FunctionCode.READ_INPUT_REGISTERS && space.input ? space.input : space;
  if (!table.contains(address, count)) return exceptionPdu(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  const regs = table.read(address, count);
  const out = Buffer.alloc(2 + count * 2);
  out[0] = fc;
  out[1] = count * 2;
  regs.forEach((r, i) => out.writeUInt16BE(r, 2 + i * 2));
  return out;
}

/** How a request for a unit id that nobody answers to is treated. */
export type UnknownUnitPolicy = 'gateway-exception' | 'no-reply';

/**
 * Routes a request to its unit. An unknown unit gets exception 0x0B (gateway
 * target device failed to respond) with 'gateway-exception', as a TCP device
 * serving several unit ids does; with 'no-reply' it gets nothing (null), as
 * on a serial bus where that address is absent.
 */
export function routeRequest(
  units: ReadonlyMap<number, RegisterSpace>,
  unitId: number,
  pdu: Buffer,
  policy: UnknownUnitPolicy,
): Buffer | null {
  const space = units.get(unitId);
  if (space) return handleRequestPdu(pdu, space);
  return policy === 'no-reply' ? null : exceptionPdu(pdu[0] ?? 0, ExceptionCode.GATEWAY_TARGET_FAILED_TO_RESPOND);
}
