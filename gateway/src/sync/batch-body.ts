import type { DeviceReport, GapReport, SyncStatusReport } from '@solarhub/shared';
import type { OutboxRow } from '../buffer/outbox.js';

export interface BatchBody {
  /** The IngestBatch as JSON text. */
  json: string;
  /** How many of the offered rows it carries (a prefix of them), and their sequence range (0 when none). */
  count: number;
  firstSeq: number;
  lastSeq: number;
}

/** JSON of a number as JSON.stringify writes it (finite numbers only reach here; the rest become null, as there). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * One outbox row as the JSON of a Reading (the same text JSON.stringify gives
 * for the Reading object, without building the object first): absent
 * optional fields are left out.
 */
export function readingJson(row: OutboxRow, quote: (s: string) => string = JSON.stringify): string {
  const [seq, device, metric, ts, value, unit, quality, point, boot, mono] = row;
  let text = `{"seq":${seq},"device":${quote(device)},"metric":${quote(metric)},"ts":${num(ts)},"value":${num(value)},"unit":${quote(unit)},"quality":${quote(quality)}`;
  if (point !== null) text += `,"point":${quote(point)}`;
  if (boot !== null) text += `,"boot":${quote(boot)}`;
  if (mono !== null) text += `,"mono":${num(mono)}`;
  return `${text}}`;
}

/**
 * Serializes an IngestBatch from raw outbox rows, taking them in order until
 * the next would push the JSON past `maxBytes` (at least one reading always
 * goes, so a single huge reading cannot stall the queue). Each row is
 * serialized once, straight from the row: its length decides the cut and the
 * text becomes the body. Device, metric, unit and point names repeat, so
 * their JSON is made once per batch.
 */
export function buildBatchBody(
  offered: readonly OutboxRow[],
  maxBytes: number,
  rest: { sentAt: number; devices: DeviceReport[]; gaps: GapReport[]; syncStatus?: SyncStatusReport | undefined },
): BatchBody {
  const head = `{"sentAt":${rest.sentAt},"devices":${JSON.stringify(rest.devices)},"gaps":${JSON.stringify(rest.gaps)}${
    rest.syncStatus ? `,"syncStatus":${JSON.stringify(rest.syncStatus)}` : ''
  },"readings":[`;
  const quoted = new Map<string, string>();
  const quote = (s: string): string => {
    let q = quoted.get(s);
    if (q === undefined) {
      q = JSON.stringify(s);
      quoted.set(s, q);
    }
    return q;
  };
  let size = Buffer.byteLength(head) + 2;
  let body = head;
  let count = 0;
  for (const row of offered) {
    const text = readingJson(row, quote);
    // Readings are ASCII apart from rare point names; length is bytes for ASCII.
    const bytes = text.length + 1;
    if (count > 0 && size + bytes > maxBytes) break;
    body += count > 0 ? `,${text}` : text;
    size += bytes;
    count++;
  }
  return { json: `${body}]}`, count, firstSeq: count > 0 ? offered[0]![0] : 0, lastSeq: count > 0 ? offered[count - 1]![0] : 0 };
}
