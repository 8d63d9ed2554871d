import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programCommand, startService } from '../process/service.js';
import { startSiteSimulator, type SiteSimulator } from '../simulator/index.js';
import { figure, type Bench } from './figure.js';
import { readMemory } from './gateway-process.js';
import { startCloudStand } from './sync-stand.js';

/**
 * The gateway's budget on a Raspberry Pi: resident memory and CPU share of
 * the gateway process (compiled, as installed) polling 50 simulated SunSpec
 * devices every 5 s and syncing to a real cloud, beside an idle Node process
 * measured over the same window (the floor any Node program pays).
 */
const DEVICES = 50;
const POLL_MS = 5000;
const WARMUP_MS = 15_000;
const MEASURE_MS = 60_000;
const CLOCK_TICKS = 100;

/** utime + stime of a process, seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface Usage {
  meanRssMiB: number;
  peakRssMiB: number;
  cpuPercent: number;
}

/** Samples RSS every second and CPU time at both ends, for two processes over the same window. */
async function measure(pids: number[], ms: number): Promise<Usage[]> {
  const cpu0 = pids.map(cpuSeconds);
  const start = performance.now();
  const rss = pids.map(() => [] as number[]);
  while (performance.now() - start < ms) {
    pids.forEach((pid, i) => rss[i]!.push(readMemory(pid).rssMiB));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seconds = (performance.now() - start) / 1000;
  return pids.map((pid, i) => ({
    meanRssMiB: rss[i]!.reduce((a, b) => a + b, 0) / rss[i]!.length,
    peakRssMiB: Math.max(...rss[i]!),
    cpuPercent: ((cpuSeconds(pid) - cpu0[i]!) / seconds) * 100,
  }));
}

export const gatewayFootprintBench: Bench = {
  name: 'gateway-footprint',
  description: `gateway RSS and CPU with ${DEVICES} SunSpec devices polled every ${POLL_MS / 1000} s, vs an idle Node process`,
  async run(emit) {
    const dir = mkdtempSync(join(tmpdir(), 'solarhub-footprint-'));
    const simulators: SiteSimulator[] = [];
    const cloud = await startCloudStand();
    const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < DEVICES / 2; i++) simulators.push(await startSiteSimulator({ port: 0 }));
      const devices = simulators.flatMap((sim, i) => [
        { id: `inverter-${i + 1}`, type: 'inverter', protocol: 'modbus_tcp', host: '127.0.0.1', port: sim.port, unitId: 1, pollIntervalMs: POLL_MS },
        { id: `meter-${i + 1}`, type: 'meter', protocol: 'modbus_tcp', host: '127.0.0.1', port: sim.port, unitId: 2, pollIntervalMs: POLL_MS },
      ]);
      const config = join(dir, 'gateway.json');
      writeFileSync(config, JSON.stringify({ gateway: { name: 'footprint' }, cloud: { url: cloud.baseUrl, token: cloud.gatewayToken }, dataDir: join(dir, 'data'), devices }), { mode: 0o600 });
      const gateway = await startService({
        name: 'gateway',
        command: [...programCommand('gateway', 'main', 'dist'), 'run', '--config', config, '--log-level', 'info'],
        ready: (l) => l.msg === 'gateway started',
        env: { ...process.env, NODE_ENV: 'production' },
      });
      try {
        process.stderr.write(`# warming up ${WARMUP_MS / 1000} s, then measuring ${MEASURE_MS / 1000} s\n`);
        await new Promise((r) => setTimeout(r, WARMUP_MS));
        const [gw, base] = await measure([gateway.child.pid!, idle.pid!], MEASURE_MS);
        const stored = await cloud.acknowledged();
        process.stderr.write(`# gateway: mean RSS ${gw!.meanRssMiB.toFixed(1)} MiB (peak ${gw!.peakRssMiB.toFixed(1)}), CPU ${gw!.cpuPercent.toFixed(2)}% of one core; cloud acknowledged ${stored} readings\n`);
        emit(figure('gateway-footprint.rss', gw!.meanRssMiB, 'MiB', base!.meanRssMiB));
        emit(figure('gateway-footprint.rss-peak', gw!.peakRssMiB, 'MiB', base!.peakRssMiB));
        emit(figure('gateway-footprint.cpu', gw!.cpuPercent, '% of one core', Math.max(base!.cpuPercent, 0.01)));
        if (stored === 0) throw new Error('the cloud received nothing: the gateway did not work during the measurement');
      } finally {
        await gateway.stop();
      }
    } finally {
      idle.kill();
      for (const sim of simulators) await sim.close();
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
