import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unpackReadings } from '@solarhub/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config/load.js';
import { startGateway, type Gateway } from './daemon.js';
import { createModelLibrary } from './decoder/sunspec/definition.js';
import { captureLog } from './testing/capture-log.js';
import { startCloudStandIn } from './testing/cloud-stand-in.js';
import { startModbusServer } from './testing/modbus-server.js';
import { buildImage, encodeModel } from './testing/sunspec-image.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startGateway: Modbus device -> outbox -> cloud', () => {
  it('polls a SunSpec inverter, uploads scaled readings with device identity, and survives a dead device', async () => {
    const library = createModelLibrary();
    const image = buildImage([
      encodeModel(library.get(1)!, { Mn: 'SolarHub Sim', Md: 'SH-3P', SN: 'SN-7', Vr: '1.0' }),
      encodeModel(library.get(103)!, { W: 3100, W_SF: 0, PhVphA: 2305, V_SF: -1, Hz: 4998, Hz_SF: -2, St: 4 }),
    ]);
    const modbus = await startModbusServer(image);
    cleanups.push(() => modbus.close());
    const dead = await startModbusServer(new Map());
    const deadPort = dead.port;
    await dead.close();
    const cloud = await startCloudStandIn();
    cleanups.push(() => cloud.close());

    const config = parseConfig({
      gateway: { name: 'test-gw' },
      cloud: { url: cloud.url, token: 'shg_test' },
      dataDir: mkdtempSync(path.join(tmpdir(), 'gw-daemon-')),
      sync: { intervalMs: 100 },
      devices: [
        { id: 'inverter-1', type: 'inverter', protocol: 'modbus_tcp', host: '127.0.0.1', port: modbus.port, pollIntervalMs: 200, timeoutMs: 500 },
        { id: 'inverter-2', type: 'inverter', protocol: 'modbus_tcp', host: '127.0.0.1', port: deadPort, pollIntervalMs: 200, timeoutMs: 300 },
      ],
    });
    const { log, lines } = captureLog('info');
    const gateway: Gateway = startGateway({ config, log });
    cleanups.push(() => gateway.stop());

    const uploaded = () => cloud.requests.flatMap((r) => (r.batch ? unpackReadings(r.batch) : []));
    await until(() => uploaded().filter((r) => r.metric === 'ac_power_w').length >= 2, 'two polls to reach the cloud');
    await until(() => gateway.devices().find((d) => d.device === 'inverter-2')?.status === 'offline', 'the dead device to be offline');

    const power = uploaded().find((r) => r.metric === 'ac_power_w')!;
    expect(power).toMatchObject({ device: 'inverter-1', value: 3100, unit: 'W', point: 'sunspec.103.W', quality: 'good', boot: gateway.bootId });
    expect(power.mono).toBeGreaterThan(0);
    expect(uploaded().find((r) => r.metric === 'ac_voltage_l1_n_v')?.value).toBe(230.5);
    expect(uploaded().find((r) => r.metric === 'grid_frequency_hz')?.value).toBe(49.98);
    // Every reading of one poll is in the outbox (and then the cloud) once, in order.
    const seqs = uploaded().map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    await until(
      () => cloud.requests.some((r) => r.batch?.devices.some((d) => d.device === 'inverter-2' && d.status === 'offline')),
      'a device report with the dead device',
    );
    const reports = cloud.requests.at(-1)!.batch!.devices;
    expect(reports.find((d) => d.device === 'inverter-1')).toMatchObject({
      status: 'online', manufacturer: 'SolarHub Sim', model: 'SH-3P', serialNumber: 'SN-7', firmwareVersion: '1.0', type: 'inverter', protocol: 'modbus_tcp',
    });
    expect(reports.find((d) => d.device === 'inverter-2')).toMatchObject({ status: 'offline', lastError: expect.stringContaining('connect') });

    // The dead device's state change is logged once, not once per poll.
    await new Promise((r) => setTimeout(r, 700));
    expect(lines.filter((l) => l.msg === 'device offline' && l.deviceId === 'inverter-2')).toHaveLength(1);
    expect(gateway.syncStatus()).toMatchObject({ lastError: null });

    await gateway.stop();
    expect(lines.some((l) => l.msg === 'gateway stopped')).toBe(true);
  });
});
