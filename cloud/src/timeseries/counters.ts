/**
 * Energy counters (lifetime Wh): what a reading adds since the previous one.
 * A counter that drops was reset (replaced meter, firmware update, rollover):
 * the new value counts from zero, never a negative delta. The SQL of
 * series-query.ts applies the same rule (COUNTER_INCREASE_SQL).
 */
export function counterIncrease(previous: number | null, value: number): number {
  if (previous === null) return 0;
  return value >= previous ? value - previous : value;
}

/** The SQL twin of counterIncrease over columns `value` and `prev`. */
export const COUNTER_INCREASE_SQL = 'CASE WHEN prev IS NULL THEN 0 WHEN value >= prev THEN value - prev ELSE value END';

/** Sum of increases over readings in time order, as a bucket sums them. */
export function totalIncrease(values: readonly number[], previous: number | null = null): number {
  let total = 0;
  let prev = previous;
  for (const v of values) {
    total += counterIncrease(prev, v);
    prev = v;
  }
  return total;
}
