import type { DeviceReport, GapReport, Reading, SyncStatusReport } from '@solarhub/shared';

export interface BatchBody {
  /** The IngestBatch as JSON text. */
  json: string;
  /** The readings it carries (a prefix of those offered). */
  readings: Reading[];
}

/**
 * Serializes an IngestBatch, taking readings in order until the next would
 * push the JSON past `maxBytes` (at least one reading always goes, so a
 * single huge reading cannot stall the queue). Each reading is serialized
 * once: its length decides the cut and the text becomes the body.
 */
export function buildBatchBody(
  offered: readonly Reading[],
  maxBytes: number,
  rest: { sentAt: number; devices: DeviceReport[]; gaps: GapReport[]; syncStatus?: SyncStatusReport | undefined },
): BatchBody {
  const head = `{"sentAt":${rest.sentAt},"devices":${JSON.stringify(rest.devices)},"gaps":${JSON.stringify(rest.gaps)}${
    rest.syncStatus ? `,"syncStatus":${JSON.stringify(rest.syncStatus)}` : ''
  },"readings":[`;
  let size = Buffer.byteLength(head) + 2;
  const parts: string[] = [];
  for (const reading of offered) {
    const text = JSON.stringify(reading);
    // Readings are ASCII apart from rare point names; length is bytes for ASCII.
    const bytes = text.length + 1;
    if (parts.length > 0 && size + bytes > maxBytes) break;
    parts.push(text);
    size += bytes;
  }
  return { json: `${head}${parts.join(',')}]}`, readings: offered.slice(0, parts.length) };
}
