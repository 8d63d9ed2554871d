import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** Test support: a real pino logger whose lines are kept in memory as objects. */
export function captureLog(level: pino.LevelWithSilent = 'debug'): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level }, stream), lines };
}
