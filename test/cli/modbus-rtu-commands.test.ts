/**
 * The installer's Modbus RTU commands, as the real binary, against the
 * simulated site on an RS-485 bus made of a socat pty pair: printed text and
 * exit codes, the serial port's field errors included.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedSite, parseSiteSimulatorOptions, routeRequest, type SimulatedSite } from '../../scripts/src/simulator/index.js';
import { startModbusRtuServer, type ModbusRtuServer } from '../../scripts/src/simulator/modbus-rtu-server.js';
import { startPtyPair, type PtyPair } from '../../scripts/src/testing/socat.js';
import { runCli } from './run-cli.js';

let dir: string;
let pty: PtyPair;
let site: SimulatedSite;
let rtu: ModbusRtuServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'solarhub-cli-rtu-'));
  pty = await startPtyPair();
  site = createSimulatedSite(parseSiteSimulatorOptions({ inverterUnitId: 3, meterUnitId: 4 }));
  rtu = await startModbusRtuServer({ path: pty.devicePath, baudRate: 19200, handle: (unit, pdu) => routeRequest(site.units, unit, pdu, 'no-reply') });
});

afterAll(async () => {
  await rtu?.close();
  site?.stop();
  await pty?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Modbus RTU over a socat pty', () => {
  const serial = () => ['--serial', pty.masterPath, '--baud', '19200'];

  it('scan finds the units on the bus and device test reads one', async () => {
    const r = await runCli(['scan', ...serial(), '--units', '2-4', '--json']);
    expect(r.code).toBe(0);
    const found = JSON.parse(r.stdout.split('\n')[0]!) as Array<{ unitId: number; type: string; models: number[] }>;
    expect(found.map((d) => [d.unitId, d.type])).toEqual([
      [3, 'inverter'],
      [4, 'meter'],
    ]);
    expect(r.stderr).toContain('to add them: run again with --add');
    const test = await runCli(['device', 'test', ...serial(), '--unit', '3']);
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/^ac_energy_wh +\d+ +Wh +sunspec\.103\.WH$/m);
  });

  it('explains a unit that does not answer (timeout) with the serial hints', async () => {
    const r = await runCli(['device', 'test', ...serial(), '--unit', '9', '--timeout', '200']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: no answer from .* unit 9 gave no answer within 200 ms/);
    expect(r.stderr).toMatch(/hint: check the unit id \(slave address\), the baud rate and parity/);
  });

  it('explains a port held by another program', async () => {
    const holder = new SerialPort({ path: pty.masterPath, baudRate: 19200, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((err) => (err ? reject(err) : resolve())));
    try {
      const r = await runCli(['device', 'probe', ...serial(), '--address', '40000']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('is in use by another program');
      expect(r.stderr).toContain('systemctl stop solarhub-gateway');
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('explains a port the user may not open (dialout)', async () => {
    // Tests run as root, who may open anything: run the CLI as "nobody" against the pty device itself (root:tty, 0620).
    const device = realpathSync(pty.masterPath);
    const r = await runCli(['device', 'probe', '--serial', device, '--address', '40000'], { user: 'nobody' });
    expect(r.stderr).toContain(`error: permission denied opening the serial port ${device}`);
    expect(r.stderr).toContain('hint: serial ports belong to the "dialout" group');
    expect(r.code).toBe(1);
  });

  it('explains a port that is not there', async () => {
    const r = await runCli(['device', 'probe', '--serial', join(dir, 'ttyUSB9'), '--address', '40000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no serial port');
    expect(r.stderr).toContain('/dev/serial/by-id/');
  });
});
