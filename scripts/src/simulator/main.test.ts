import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ModbusSerial from 'modbus-serial';
import { describe, expect, it } from 'vitest';

// modbus-serial is CommonJS: module.exports is the client class and `.default` points back at it.
const ModbusRTU = ModbusSerial.default;

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs main.ts from source (through tsx), as `node scripts/dist/simulator/main.js` runs the build. */
function runMain(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`main.ts exited with ${code} before printing: ${stderr}`)));
  });
  return { child, firstLine, exited, lines, stderr: () => stderr };
}

describe('main.ts', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints one JSON "listening" line, serves, and stops cleanly on %s', async (signal) => {
    const run = runMain(['--host', '127.0.0.1', '--port', '0']);
    try {
      const line = JSON.parse(await run.firstLine) as { msg: string; host: string; port: number };
      expect(line.msg).toBe('simulator listening');
      expect(line.host).toBe('127.0.0.1');
      expect(line.port).toBeGreaterThan(0);

      const c = new ModbusRTU();
      await c.connectTCP('127.0.0.1', { port: line.port });
      c.setID(1);
      c.setTimeout(2000);
      expect((await c.readHoldingRegisters(40000, 2)).data).toEqual([0x5375, 0x6e53]);
      await new Promise<void>((r) => c.close(() => r()));

      const rest: string[] = [];
      run.lines.on('line', (l) => rest.push(l));
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      expect(rest.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('simulator stopped');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('refuses bad arguments with exit code 2', async () => {
    const run = runMain(['--port', 'http']);
    run.firstLine.catch(() => undefined);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/port/);
  });
});
