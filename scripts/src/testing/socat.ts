import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test support: a pair of connected pseudo-terminals made by socat, a
 * stand-in for an RS-485 bus: the simulator opens one end, the gateway the
 * other. Resolves once socat reports the transfer loop running.
 */
export interface PtyPair {
  /** The end the simulator (slaves) opens. */
  readonly devicePath: string;
  /** The end the gateway (master) opens. */
  readonly masterPath: string;
  close(): Promise<void>;
}

export async function startPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'solarhub-pty-'));
  const devicePath = join(dir, 'device');
  const masterPath = join(dir, 'master');
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${masterPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start within 5 s: ${output}`)), 5000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}): ${output}`));
    });
  });
  return {
    devicePath,
    masterPath,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
