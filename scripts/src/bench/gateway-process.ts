import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { programCommand, startService, type Service } from '../process/service.js';

/**
 * The gateway as users run it (`node gateway/dist/main.js run`), with no
 * devices: it only drains the outbox in its data folder. Its memory is read
 * from /proc/<pid>/status.
 */
export interface DrainGateway {
  readonly service: Service;
  /** Milliseconds (performance.now()) when the process was spawned. */
  readonly spawnedAt: number;
}

export function writeDrainConfig(dir: string, dataDir: string, cloudUrl: string, token: string, sync: Record<string, unknown> = {}): string {
  const file = join(dir, `gateway-${Math.random().toString(36).slice(2, 8)}.json`);
  writeFileSync(
    file,
    JSON.stringify({ gateway: { name: 'bench-gw' }, cloud: { url: cloudUrl, token }, dataDir, sync, devices: [] }),
    { mode: 0o600 },
  );
  return file;
}

export async function startDrainGateway(configPath: string): Promise<DrainGateway> {
  const spawnedAt = performance.now();
  const service = await startService({
    name: 'gateway',
    command: [...programCommand('gateway', 'main', 'dist'), 'run', '--config', configPath, '--no-watch', '--log-level', 'info'],
    ready: (l) => l.msg === 'gateway started',
  });
  return { service, spawnedAt };
}

export interface Memory {
  /** Resident set now, MiB. */
  rssMiB: number;
  /** Peak resident set since the process started (VmHWM), MiB. */
  peakMiB: number;
}

export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(m[1]) / 1024;
  };
  return { rssMiB: kb('VmRSS'), peakMiB: kb('VmHWM') };
}

/** Polls `done` every `everyMs` until it is true (or the time is up), sampling the process's memory meanwhile. */
export async function waitSampling(
  pid: number,
  done: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<{ finishedAt: number; peakRssMiB: number; samples: number }> {
  const deadline = performance.now() + timeoutMs;
  let peakRssMiB = 0;
  let samples = 0;
  while (performance.now() < deadline) {
    peakRssMiB = Math.max(peakRssMiB, readMemory(pid).rssMiB);
    samples++;
    if (await done()) return { finishedAt: performance.now(), peakRssMiB: Math.max(peakRssMiB, readMemory(pid).peakMiB), samples };
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`not done within ${timeoutMs} ms`);
}
