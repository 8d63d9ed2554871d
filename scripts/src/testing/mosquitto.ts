import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres.js';

/** Where Debian installs the broker. */
export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

export function mosquittoInstalled(): boolean {
  return existsSync(MOSQUITTO_BIN);
}

export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  /** Stops the broker (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Test support: a real mosquitto on 127.0.0.1 and a free port (or `port`,
 * to restart one on the same port), anonymous access, no persistence.
 * Resolves once the broker logs that it is listening.
 */
export async function startMosquitto(port?: number): Promise<Mosquitto> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'solarhub-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${chosen} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n`);
  const child = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`mosquitto did not start within 5 s: ${output}`)), 5000);
    child.once('error', reject);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Opening ipv4 listen socket on port|running/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mosquitto exited (${code}): ${output}`));
    });
  });
  return {
    port: chosen,
    url: `mqtt://127.0.0.1:${chosen}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
