import { describe, expect, it } from 'vitest';
import { buildDeviceImage } from './device-image.js';
import { loadModelDefinition } from './model-definition.js';
import { ExceptionCode, handleRequestPdu, routeRequest } from './modbus-pdu.js';
import { encodeMbapFrame, MbapFramingError, parseMbapFrames } from './modbus-tcp-server.js';

const image = buildDeviceImage([{ definition: loadModelDefinition(1), values: { Mn: 'SolarHub' } }]);
// 'SunS' + model 1 (68) + end (2) = 72 registers: 40000..40071
const read = (fc: number, address: number, count: number): Buffer => {
  const pdu = Buffer.alloc(5);
  pdu[0] = fc;
  pdu.writeUInt16BE(address, 1);
  pdu.writeUInt16BE(count, 3);
  return pdu;
};

describe('handleRequestPdu', () => {
  it('function 3 answers byte count and big-endian registers', () => {
    expect(handleRequestPdu(read(3, 40000, 2), image)).toEqual(Buffer.from([3, 4, 0x53, 0x75, 0x6e, 0x53]));
  });

  it('function 4 mirrors function 3', () => {
    expect(handleRequestPdu(read(4, 40000, 4), image).subarray(1)).toEqual(handleRequestPdu(read(3, 40000, 4), image).subarray(1));
    expect(handleRequestPdu(read(4, 40000, 1), image)[0]).toBe(4);
  });

  it.each([
    ['below the map', 3, 39999, 1, ExceptionCode.ILLEGAL_DATA_ADDRESS],
    ['straddling the start', 3, 39999, 2, ExceptionCode.ILLEGAL_DATA_ADDRESS],
    ['past the end marker', 3, 40072, 1, ExceptionCode.ILLEGAL_DATA_ADDRESS],
    ['straddling the end', 3, 40070, 3, ExceptionCode.ILLEGAL_DATA_ADDRESS],
    ['at address 0', 4, 0, 10, ExceptionCode.ILLEGAL_DATA_ADDRESS],
    ['count 0', 3, 40000, 0, ExceptionCode.ILLEGAL_DATA_VALUE],
    ['count 126', 3, 40000, 126, ExceptionCode.ILLEGAL_DATA_VALUE],
  ])('%s: exception %i', (_, fc, address, count, code) => {
    expect(handleRequestPdu(read(fc, address, count), image)).toEqual(Buffer.from([fc | 0x80, code]));
  });

  it('the last registers (end marker) can be read', () => {
    expect(handleRequestPdu(read(3, 40070, 2), image)).toEqual(Buffer.from([3, 4, 0xff, 0xff, 0, 0]));
  });

  it.each([1, 2, 5, 6, 16, 43])('function %i is illegal (the image is read-only)', (fc) => {
    expect(handleRequestPdu(Buffer.from([fc, 0, 0, 0, 1]), image)).toEqual(Buffer.from([fc | 0x80, ExceptionCode.ILLEGAL_FUNCTION]));
  });

  it('a truncated read request is an illegal data value', () => {
    expect(handleRequestPdu(Buffer.from([3, 0x9c, 0x40]), image)).toEqual(Buffer.from([0x83, ExceptionCode.ILLEGAL_DATA_VALUE]));
  });
});

describe('routeRequest', () => {
  const units = new Map([[1, image]]);
  it('serves a known unit', () => {
    expect(routeRequest(units, 1, read(3, 40000, 1), 'gateway-exception')).toEqual(Buffer.from([3, 2, 0x53, 0x75]));
  });
  it('answers 0x0B for an unknown unit, or nothing with no-reply', () => {
    expect(routeRequest(units, 7, read(3, 40000, 1), 'gateway-exception')).toEqual(Buffer.from([0x83, 0x0b]));
    expect(routeRequest(units, 7, read(3, 40000, 1), 'no-reply')).toBeNull();
  });
});

describe('MBAP framing', () => {
  const frame = (tid: number, unit: number, pdu: Buffer, protocol = 0): Buffer => {
    const f = encodeMbapFrame(tid, unit, pdu);
    f.writeUInt16BE(protocol, 2);
    return f;
  };

  it('encodes transaction id, protocol 0, length and unit', () => {
    expect(encodeMbapFrame(0x1234, 2, Buffer.from([3, 2, 0, 1]))).toEqual(Buffer.from([0x12, 0x34, 0, 0, 0, 5, 2, 3, 2, 0, 1]));
  });

  it('splits several frames and keeps an incomplete tail', () => {
    const a = frame(1, 1, read(3, 40000, 2));
    const b = frame(2, 2, read(4, 40002, 1));
    const all = Buffer.concat([a, b]);
    const cut = all.length - 3;
    const first = parseMbapFrames(all.subarray(0, cut));
    expect(first.frames.map((f) => [f.transactionId, f.unitId])).toEqual([[1, 1]]);
    const second = parseMbapFrames(Buffer.concat([first.rest, all.subarray(cut)]));
    expect(second.frames.map((f) => [f.transactionId, f.unitId, f.pdu[0]])).toEqual([[2, 2, 4]]);
    expect(second.rest.length).toBe(0);
  });

  it('waits for a header cut in the middle', () => {
    expect(parseMbapFrames(Buffer.from([0, 1, 0, 0, 0]))).toEqual({ frames: [], rest: Buffer.from([0, 1, 0, 0, 0]) });
  });

  it('reports the protocol id so the server can discard non-Modbus frames', () => {
    expect(parseMbapFrames(frame(9, 1, read(3, 40000, 1), 7)).frames[0]?.protocolId).toBe(7);
  });

  it.each([0, 1, 255, 0xffff])('refuses MBAP length %i', (len) => {
    const bad = Buffer.from([0, 1, 0, 0, len >> 8, len & 0xff, 1, 3]);
    expect(() => parseMbapFrames(bad)).toThrow(MbapFramingError);
  });
});
