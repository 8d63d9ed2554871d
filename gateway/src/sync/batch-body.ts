import { QUALITY_CODES, qualityOfCode, type BatchSeries, type DeviceReport, type GapReport, type SyncStatusReport } from '@solarhub/shared';
import type { OutboxColumns } from '../buffer/columns.js';
import type { OutboxRow } from '../buffer/outbox.js';

export interface BatchBody {
  /** The IngestBatch as JSON text. */
  json: string;
  /** How many of the offered rows it carries (a prefix of them), and their sequence range (0 when none). */
  count: number;
  firstSeq: number;
  lastSeq: number;
}

/** Resolves the ids of outbox rows (Outbox.dictionary). */
export interface RowNames {
  series(id: number): BatchSeries;
  boot(id: number): string;
}

/** What a batch carries besides its readings. */
export interface BatchRest {
  sentAt: number;
  devices: DeviceReport[];
  gaps: GapReport[];
  syncStatus?: SyncStatusReport | undefined;
}

/** The batch's JSON up to its series list (without the closing brace). */
const headJson = (rest: BatchRest): string =>
  `{"sentAt":${rest.sentAt},"devices":${JSON.stringify(rest.devices)},"gaps":${JSON.stringify(rest.gaps)}${
    rest.syncStatus ? `,"syncStatus":${JSON.stringify(rest.syncStatus)}` : ''
  }`;

/** JSON of a number as JSON.stringify writes it (finite numbers only reach here; the rest become null, as there). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

const QUALITY_JSON = new Map<number, string>(Object.entries(QUALITY_CODES).map(([name, code]) => [code, JSON.stringify(name)]));
/** JSON of the quality a stored code stands for (an unknown code as qualityOfCode reads it). */
const qualityJson = (code: number): string => QUALITY_JSON.get(code) ?? JSON.stringify(qualityOfCode(code));
const GOOD = QUALITY_CODES.good;

/** JSON of each series, made once per dictionary entry (the dictionary hands out the same object for an id). */
const seriesJsonCache = new WeakMap<BatchSeries, string>();
function seriesJsonOf(s: BatchSeries): string {
  let json = seriesJsonCache.get(s);
  if (json === undefined) {
    json = JSON.stringify(s);
    seriesJsonCache.set(s, json);
  }
  return json;
}

/** Batch-local index of an outbox id, listing the JSON of each new one once. */
class IndexList {
  readonly json: string[] = [];
  private readonly index = new Map<number, number>();
  /** The index, and the bytes a first listing adds (0 when listed already). */
  lookup(id: number, toJson: (id: number) => string): { i: number; text: string | null } {
    const i = this.index.get(id);
    if (i !== undefined) return { i, text: null };
    return { i: this.json.length, text: toJson(id) };
  }
  add(id: number, text: string): void {
    this.index.set(id, this.json.length);
    this.json.push(text);
  }
  /** The index, listing the id first if new. */
  indexOf(id: number, toJson: (id: number) => string): number {
    const i = this.index.get(id);
    if (i !== undefined) return i;
    this.add(id, toJson(id));
    return this.json.length - 1;
  }
}

/**
 * Serializes an IngestBatch (readings by column, see shared ReadingColumns)
 * from raw outbox rows, taking them in order until the next would push the
 * JSON past `maxBytes` (at least one reading always goes, so a single huge
 * reading cannot stall the queue). Each number is turned into text once: its
 * length decides the cut and the text becomes the body.
 */
export function buildBatchBody(offered: readonly OutboxRow[], maxBytes: number, rest: BatchRest, names: RowNames): BatchBody {
  const head = headJson(rest);
  const series = new IndexList();
  const boots = new IndexList();
  const seriesJson = (id: number) => seriesJsonOf(names.series(id));
  const bootJson = (id: number) => JSON.stringify(names.boot(id));
  const cols = { seq: [] as string[], series: [] as number[], ts: [] as string[], value: [] as string[], quality: [] as string[], boot: [] as string[], mono: [] as string[] };
  let allGood = true;
  let anyBoot = false;
  let anyMono = false;
  // Head, the column names and brackets: a fixed overhead.
  let size = Buffer.byteLength(head) + 128;
  let count = 0;
  for (const [seq, seriesId, ts, value, quality, boot, mono] of offered) {
    const s = series.lookup(seriesId, seriesJson);
    const b = boot === null ? null : boots.lookup(boot, bootJson);
    const seqText = String(seq);
    const tsText = num(ts);
    const valueText = num(value);
    const qualityText = qualityJson(quality);
    const bootText = b === null ? 'null' : String(b.i);
    const monoText = mono === null ? 'null' : num(mono);
    // Each value and its comma, in every column (optional ones counted as if sent).
    let bytes = seqText.length + String(s.i).length + tsText.length + valueText.length + qualityText.length + bootText.length + monoText.length + 7;
    if (s.text !== null) bytes += Buffer.byteLength(s.text) + 1;
    if (b !== null && b.text !== null) bytes += Buffer.byteLength(b.text) + 1;
    if (count > 0 && size + bytes > maxBytes) break;
    if (s.text !== null) series.add(seriesId, s.text);
    if (b !== null && b.text !== null) boots.add(boot!, b.text);
    cols.seq.push(seqText);
    cols.series.push(s.i);
    cols.ts.push(tsText);
    cols.value.push(valueText);
    cols.quality.push(qualityText);
    cols.boot.push(bootText);
    cols.mono.push(monoText);
    if (quality !== GOOD) allGood = false;
    if (boot !== null) anyBoot = true;
    if (mono !== null) anyMono = true;
    size += bytes;
    count++;
  }
  let readings = `"seq":[${cols.seq.join(',')}],"series":[${cols.series.join(',')}],"ts":[${cols.ts.join(',')}],"value":[${cols.value.join(',')}]`;
  if (!allGood) readings += `,"quality":[${cols.quality.join(',')}]`;
  if (anyBoot) readings += `,"boot":[${cols.boot.join(',')}]`;
  if (anyMono) readings += `,"mono":[${cols.mono.join(',')}]`;
  const json = `${head},"series":[${series.json.join(',')}],"boots":[${boots.json.join(',')}],"readings":{${readings}}}`;
  return { json, count, firstSeq: count > 0 ? offered[0]![0] : 0, lastSeq: count > 0 ? offered[count - 1]![0] : 0 };
}

/**
 * The same batch from buffered columns (OutboxColumns), all of them, or null
 * when they do not fit in `maxBytes` (the caller then cuts from rows with
 * buildBatchBody). The body has the same readings as buildBatchBody's; a
 * monotonic time may be written with more digits (SQLite's exact form).
 */
export function buildColumnBody(cols: OutboxColumns, maxBytes: number, rest: BatchRest, names: RowNames): BatchBody | null {
  const n = cols.count;
  const seriesJson = (id: number) => seriesJsonOf(names.series(id));
  const bootJson = (id: number) => JSON.stringify(names.boot(id));
  const series = new IndexList();
  const seriesIndex = new Array<number>(n);
  for (let i = 0; i < n; i++) seriesIndex[i] = series.indexOf(cols.series[i]!, seriesJson);
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) values[i] = num(cols.value[i]!);
  let readings = `"seq":[${cols.seqText}],"series":[${seriesIndex.join(',')}],"ts":[${cols.tsText}],"value":[${values.join(',')}]`;
  if (cols.quality !== null) readings += `,"quality":[${cols.quality.map(qualityJson).join(',')}]`;
  const boots = new IndexList();
  if (cols.boot !== null) {
    const bootIndex = cols.boot.map((id) => (id < 0 ? 'null' : String(boots.indexOf(id, bootJson))));
    readings += `,"boot":[${bootIndex.join(',')}]`;
  }
  if (cols.monoText !== null) readings += `,"mono":[${cols.monoText}]`;
  const json = `${headJson(rest)},"series":[${series.json.join(',')}],"boots":[${boots.json.join(',')}],"readings":{${readings}}}`;
  // JSON text is ASCII but for names (series, boot ids, device reports): count bytes only when it could matter.
  if (json.length > maxBytes || (json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes)) return null;
  return { json, count: n, firstSeq: cols.firstSeq, lastSeq: cols.lastSeq };
}

