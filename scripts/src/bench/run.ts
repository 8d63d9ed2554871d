/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME [NAME...]` runs
 * those whose name starts with NAME. Each figure is one JSON line on stdout:
 * {"bench":NAME,"value":N,"unit":U,"baseline":N,"ratio":N}. Progress goes to stderr.
 */
import type { Bench, Figure } from './figure.js';
import { benches } from './registry.js';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen = wanted.length ? benches.filter((b) => wanted.some((w) => b.name.startsWith(w))) : benches;
  if (chosen.length === 0) {
    process.stderr.write(`no benchmark matches ${wanted.join(', ')}; there are: ${benches.map((b) => b.name).join(', ')}\n`);
    process.exit(2);
  }
  const emit = (f: Figure) => process.stdout.write(`${JSON.stringify(f)}\n`);
  let failed = 0;
  for (const bench of chosen as Bench[]) {
    process.stderr.write(`# ${bench.name}: ${bench.description}\n`);
    try {
      await bench.run(emit);
    } catch (err) {
      failed++;
      process.stderr.write(`# ${bench.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
