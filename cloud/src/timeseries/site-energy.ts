import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { counterBuckets, type BucketRange } from './series-query.js';

/** The counters a site roll-up reads, and what each stands for. */
export const ENERGY_METRICS = {
  production: 'ac_energy_wh',
  gridImport: 'energy_imported_wh',
  gridExport: 'energy_exported_wh',
} as const;
export type EnergyFlow = keyof typeof ENERGY_METRICS;

/** kWh per bucket; null where the site has no series to tell (no inverter, no grid meter). */
export interface EnergyBucket {
  ts: number;
  production: number | null;
  consumption: number | null;
  gridImport: number | null;
  gridExport: number | null;
}

export interface EnergyIncrease {
  flow: EnergyFlow;
  ts: number;
  wh: number;
}

const round = (kwh: number) => Math.round(kwh * 1e6) / 1e6;

/**
 * Sums increases (Wh) per bucket and flow into kWh, with consumption =
 * production + import - export. A flow the site has no series for is null
 * in every bucket, and so is consumption when it cannot be balanced (no
 * grid meter). Buckets without any reading are left out.
 */
export function combineEnergy(increases: readonly EnergyIncrease[], available: ReadonlySet<EnergyFlow>): EnergyBucket[] {
  const byTs = new Map<number, Record<EnergyFlow, number>>();
  for (const { flow, ts, wh } of increases) {
    let b = byTs.get(ts);
    if (!b) byTs.set(ts, (b = { production: 0, gridImport: 0, gridExport: 0 }));
    b[flow] += wh;
  }
  const kwh = (flow: EnergyFlow, wh: number) => (available.has(flow) ? round(wh / 1000) : null);
  const balanced = available.has('gridImport') && available.has('gridExport');
  return [...byTs.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, b]) => ({
      ts,
      production: kwh('production', b.production),
      consumption: balanced ? round((b.production + b.gridImport - b.gridExport) / 1000) : null,
      gridImport: kwh('gridImport', b.gridImport),
      gridExport: kwh('gridExport', b.gridExport),
    }));
}

/**
 * A site's energy per bucket: production from inverters' ac_energy_wh
 * (devices not typed as meters), grid import/export from meters'
 * energy_imported_wh / energy_exported_wh, summed over every device of the
 * site that reports them.
 */
export async function siteEnergy(db: DbOrTx, siteId: string, range: BucketRange): Promise<{ buckets: EnergyBucket[]; series: Record<EnergyFlow, number> }> {
  const series = await queryRows<{ id: number | string; metric: string }>(
    db,
    sql`SELECT s.id, s.metric FROM series s JOIN devices d ON d.id = s.device_id
        WHERE d.site_id = ${siteId}::uuid
          AND (s.metric IN (${ENERGY_METRICS.gridImport}, ${ENERGY_METRICS.gridExport})
               OR (s.metric = ${ENERGY_METRICS.production} AND d.type IS DISTINCT FROM 'meter'))`,
  );
  const flowOf = new Map<number, EnergyFlow>();
  const counts: Record<EnergyFlow, number> = { production: 0, gridImport: 0, gridExport: 0 };
  for (const s of series) {
    const flow = (Object.keys(ENERGY_METRICS) as EnergyFlow[]).find((f) => ENERGY_METRICS[f] === s.metric)!;
    flowOf.set(Number(s.id), flow);
    counts[flow]++;
  }
  const rows = await counterBuckets(db, [...flowOf.keys()], range);
  const available = new Set((Object.keys(counts) as EnergyFlow[]).filter((f) => counts[f] > 0));
  return {
    buckets: combineEnergy(rows.map((r) => ({ flow: flowOf.get(r.seriesId)!, ts: r.ts, wh: r.value })), available),
    series: counts,
  };
}
