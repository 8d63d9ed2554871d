import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedSite, parseSiteSimulatorOptions, routeRequest, type SimulatedSite } from '../../scripts/src/simulator/index.js';
import { startModbusRtuServer, type ModbusRtuServer } from '../../scripts/src/simulator/modbus-rtu-server.js';
import { crc16, encodeRtuFrame, parseRtuRequests } from '../../scripts/src/simulator/rtu-frame.js';
import { startPtyPair, type PtyPair } from '../../scripts/src/testing/socat.js';

const execFileAsync = promisify(execFile);

describe('RTU framing', () => {
  it.each<[string, number[], number]>([
    ['read 10 holding registers from unit 1', [0x01, 0x03, 0x00, 0x00, 0x00, 0x0a], 0xcdc5],
    ['read 1 input register from unit 17', [0x11, 0x04, 0x00, 0x08, 0x00, 0x01], 0x98b2],
  ])('CRC-16 of %s', (_name, bytes, crc) => {
    expect(crc16(Uint8Array.from(bytes))).toBe(crc);
  });

  it('parses frames back to back, keeps a partial tail, drops a bad CRC', () => {
    const a = encodeRtuFrame(1, Buffer.from([3, 0, 0, 0, 2]));
    const b = encodeRtuFrame(2, Buffer.from([4, 0, 8, 0, 1]));
    const parsed = parseRtuRequests(Buffer.concat([a, b.subarray(0, 5)]));
    expect(parsed.requests.map((r) => r.unitId)).toEqual([1]);
    expect(parsed.rest.length).toBe(5);
    const broken = Buffer.from(a);
    broken[7] = broken[7]! ^ 0xff;
    expect(parseRtuRequests(broken)).toMatchObject({ requests: [], dropped: 8 });
  });
});

// mbpoll (Debian package) as an independent RTU master on the pty. CI installs it.
describe.runIf(existsSync('/usr/bin/mbpoll') || process.env.CI)('the RTU simulator seen by mbpoll', () => {
  let pty: PtyPair;
  let site: SimulatedSite;
  let server: ModbusRtuServer;
  beforeAll(async () => {
    pty = await startPtyPair();
    site = createSimulatedSite(parseSiteSimulatorOptions({}));
    server = await startModbusRtuServer({ path: pty.devicePath, baudRate: 19200, handle: (u, pdu) => routeRequest(site.units, u, pdu, 'no-reply') });
  });
  afterAll(async () => {
    await server?.close();
    site?.stop();
    await pty?.close();
  });

  it("reads 'SunS' and model 1's header from unit 2", async () => {
    const { stdout } = await execFileAsync(
      'mbpoll',
      ['-m', 'rtu', '-b', '19200', '-P', 'none', '-a', '2', '-r', '40001', '-c', '4', '-t', '4:hex', '-1', '-o', '2', pty.masterPath],
      { timeout: 15_000 },
    );
    const values = [...stdout.matchAll(/^\[(\d+)\]:\s+0x([0-9A-Fa-f]{4})/gm)].map((m) => [Number(m[1]), parseInt(m[2]!, 16)]);
    expect(values).toEqual([[40001, 0x5375], [40002, 0x6e53], [40003, 1], [40004, 66]]);
  });

  it('gets no answer from a unit nobody serves', async () => {
    const err = await execFileAsync('mbpoll', ['-m', 'rtu', '-b', '19200', '-P', 'none', '-a', '9', '-r', '40001', '-c', '1', '-1', '-o', '0.3', pty.masterPath], { timeout: 15_000 }).then(
      () => null,
      (e: unknown) => e as { stderr?: string; stdout?: string },
    );
    expect(`${err?.stdout ?? ''}${err?.stderr ?? ''}`).toMatch(/timed out|timeout/i);
  });
});
