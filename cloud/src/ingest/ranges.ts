/** An inclusive interval of gateway sequence numbers. */
export interface SeqRange {
  first: number;
  last: number;
}

/** Whether `seq` lies in one of `ranges` (sorted by `first`, disjoint). */
export function isCovered(ranges: readonly SeqRange[], seq: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (seq < r.first) hi = mid - 1;
    else if (seq > r.last) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The parts of `bounds` that no range of `acknowledged` (sorted by `first`,
 * disjoint) covers, in order: the ranges a batch claims.
 */
export function uncovered(bounds: SeqRange, acknowledged: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  let next = bounds.first;
  for (const r of acknowledged) {
    if (r.last < next) continue;
    if (r.first > bounds.last) break;
    if (r.first > next) out.push({ first: next, last: r.first - 1 });
    next = r.last + 1;
    if (next > bounds.last) return out;
  }
  out.push({ first: next, last: bounds.last });
  return out;
}

/**
 * Which sequence numbers to store: the indexes (into `seqs`) of those not in
 * `acknowledged` (sorted, disjoint) and not repeating an earlier one of the
 * same batch (the first one wins); the rest are duplicates. A gateway sends
 * its seqs ascending, so the common batch repeats none and needs no set.
 */
export function freshIndexes(seqs: readonly number[], acknowledged: readonly SeqRange[]): { fresh: number[]; duplicates: number } {
  let ascending = true;
  for (let i = 1; i < seqs.length && ascending; i++) ascending = seqs[i]! > seqs[i - 1]!;
  const seen = ascending ? null : new Set<number>();
  const fresh: number[] = [];
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    if (seen?.has(seq) || (acknowledged.length > 0 && isCovered(acknowledged, seq))) continue;
    seen?.add(seq);
    fresh.push(i);
  }
  return { fresh, duplicates: seqs.length - fresh.length };
}

/** Lowest and highest seq, or null for none. */
export function seqBounds(seqs: readonly number[]): SeqRange | null {
  if (seqs.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const seq of seqs) {
    if (seq < first) first = seq;
    if (seq > last) last = seq;
  }
  return { first, last };
}
