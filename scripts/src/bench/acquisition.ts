import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModelLibrary,
  createRegisterMapSource,
  createSunSpecSession,
  loadProfile,
  ModbusBus,
  ModbusUnit,
  type BusLink,
  type RegisterTable,
} from '@solarhub/gateway';
import { pino } from 'pino';
import { programCommand, startService } from '../process/service.js';
import { createSimulatedSite, parseSiteSimulatorOptions, routeRequest, startModbusTcpServer, type RegisterSpace } from '../simulator/index.js';
import { startModbusRtuServer } from '../simulator/modbus-rtu-server.js';
import { Sdm630Image } from '../simulator/sdm630-image.js';
import { freePort } from '../testing/postgres.js';
import { startPtyPair } from '../testing/socat.js';
import { figure, type Bench, type Figure } from './figure.js';

/**
 * Acquisition against the local simulator:
 * - SunSpec inverter polls and readings per second over Modbus TCP and over
 *   RTU on a socat pty at 115200 baud (line speed emulated); baseline: the
 *   rate of single 2-register reads on the same link (one request's round trip).
 * - Requests per poll with request planning vs one request per point
 *   (SunSpec model 103 inverter, SDM630 profile).
 * - Resident memory of the gateway daemon polling 50 simulated devices;
 *   baseline: the same daemon with no device.
 */
const log = pino({ level: 'silent' });
const say = (msg: string) => process.stderr.write(`  ${msg}\n`);

async function pollRates(name: string, link: BusLink, iterations: number, emit: (f: Figure) => void): Promise<void> {
  const bus = new ModbusBus({ link, log });
  try {
    const unit = new ModbusUnit({ bus, unitId: 1, timeoutMs: 2000, retries: 0 });
    const session = createSunSpecSession({ read: (a, c) => unit.readHoldingRegisters(a, c), library: createModelLibrary(), log });
    await session.poll();
    let readings = 0;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) readings += (await session.poll()).blocks.reduce((n, b) => n + b.values.length, 0);
    const seconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (let i = 0; i < iterations; i++) await unit.readHoldingRegisters(40000, 2);
    const rawPerSecond = iterations / ((performance.now() - t1) / 1000);
    emit(figure(`acquisition.${name}.sunspec_polls_per_s`, iterations / seconds, 'polls/s', rawPerSecond));
    emit(figure(`acquisition.${name}.readings_per_s`, readings / seconds, 'readings/s', rawPerSecond));
    say(`${name}: ${(iterations / seconds).toFixed(1)} polls/s, ${(readings / iterations).toFixed(0)} readings a poll, ${rawPerSecond.toFixed(0)} raw reads/s`);
  } finally {
    await bus.close();
  }
}

async function requestsPerPoll(emit: (f: Figure) => void): Promise<void> {
  const site = createSimulatedSite(parseSiteSimulatorOptions({}));
  const meter = new Sdm630Image();
  const units = new Map<number, RegisterSpace>([...site.units, [3, meter]]);
  const server = await startModbusTcpServer({ port: 0, handle: (u, pdu) => routeRequest(units, u, pdu, 'gateway-exception') });
  const bus = new ModbusBus({ link: { kind: 'tcp', host: '127.0.0.1', port: server.port }, log });
  try {
    let requests = 0;
    const inverter = new ModbusUnit({ bus, unitId: 1, timeoutMs: 2000, retries: 0 });
    const session = createSunSpecSession({ read: (a, c) => (requests++, inverter.readHoldingRegisters(a, c)), library: createModelLibrary(), log });
    await session.poll();
    requests = 0;
    const poll = await session.poll();
    const points = poll.blocks.reduce((n, b) => n + b.values.length, 0);
    emit(figure('acquisition.sunspec_103.requests_per_poll', requests, 'requests', points));
    const meterUnit = new ModbusUnit({ bus, unitId: 3, timeoutMs: 2000, retries: 0 });
    let meterRequests = 0;
    const source = createRegisterMapSource({
      read: (t: RegisterTable, a, c) => (meterRequests++, meterUnit.read(t, a, c)),
      profile: loadProfile('eastron_sdm630'),
      log,
    });
    const meterPoll = await source.poll();
    const meterPoints = meterPoll.blocks.reduce((n, b) => n + b.values.length, 0);
    emit(figure('acquisition.sdm630.requests_per_poll', meterRequests, 'requests', meterPoints));
    say(`requests per poll: SunSpec 103 ${requests} for ${points} points; SDM630 ${meterRequests} for ${meterPoints} points (baseline: one request per point)`);
  } finally {
    await bus.close();
    await server.close();
    site.stop();
  }
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

async function daemonRss(devices: number, simPort: number, dir: string): Promise<number> {
  const configPath = join(dir, `gateway-${devices}.json`);
  const cloudPort = await freePort();
  writeFileSync(configPath, JSON.stringify({
    gateway: { name: `bench-${devices}` },
    cloud: { url: `http://127.0.0.1:${cloudPort}`, token: 'bench' },
    dataDir: join(dir, `data-${devices}`),
    devices: Array.from({ length: devices }, (_, i) => ({
      id: `dev-${i}`, type: i % 2 ? 'meter' : 'inverter', protocol: 'modbus_tcp', host: '127.0.0.1', port: simPort, unitId: (i % 2) + 1, pollIntervalMs: 1000,
    })),
  }));
  const gateway = await startService({
    name: `gateway-${devices}`,
    command: [...programCommand('gateway', 'main', 'dist'), 'run', '--config', configPath, '--log-level', 'warn'],
    ready: () => true,
    readyTimeoutMs: 20_000,
  });
  try {
    // Let every device be discovered and polled a few times.
    await new Promise((r) => setTimeout(r, 8000));
    return rssKiB(gateway.child.pid!);
  } finally {
    await gateway.stop();
  }
}

export const acquisitionBench: Bench = {
  name: 'acquisition',
  description: 'polls/readings per second (TCP, RTU 115200 on a pty), requests per poll vs one per point, gateway RSS with 50 devices',
  async run(emit) {
    const site = createSimulatedSite(parseSiteSimulatorOptions({}));
    const server = await startModbusTcpServer({ port: 0, handle: (u, pdu) => routeRequest(site.units, u, pdu, 'gateway-exception') });
    const dir = mkdtempSync(join(tmpdir(), 'solarhub-bench-acq-'));
    try {
      await pollRates('tcp', { kind: 'tcp', host: '127.0.0.1', port: server.port }, 300, emit);
      const pty = await startPtyPair();
      const rtu = await startModbusRtuServer({ path: pty.devicePath, baudRate: 115200, bitsPerCharacter: 10, emulateLineSpeed: true, handle: (u, pdu) => routeRequest(site.units, u, pdu, 'no-reply') });
      try {
        await pollRates('rtu_115200', { kind: 'rtu', path: pty.masterPath, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 }, 60, emit);
      } finally {
        await rtu.close();
        await pty.close();
      }
      await requestsPerPoll(emit);
      const base = await daemonRss(0, server.port, dir);
      const fifty = await daemonRss(50, server.port, dir);
      emit(figure('acquisition.gateway_rss_50_devices', fifty / 1024, 'MiB', base / 1024));
      say(`gateway RSS: ${(fifty / 1024).toFixed(1)} MiB with 50 devices, ${(base / 1024).toFixed(1)} MiB with none`);
    } finally {
      await server.close();
      site.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
