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

/** Whether two ranges overlap or touch (so that their union is one range). */
export function touches(a: SeqRange, b: SeqRange): boolean {
  return a.first <= b.last + 1 && b.first <= a.last + 1;
}

/**
 * Adds `added` to disjoint `existing` ranges: returns the one merged range
 * that replaces `added` and every existing range it overlaps or touches,
 * and those absorbed ranges (to delete).
 */
export function mergeRange(existing: readonly SeqRange[], added: SeqRange): { merged: SeqRange; absorbed: SeqRange[] } {
  const absorbed = existing.filter((r) => touches(r, added));
  const merged = absorbed.reduce(
    (acc, r) => ({ first: Math.min(acc.first, r.first), last: Math.max(acc.last, r.last) }),
    { first: added.first, last: added.last },
  );
  return { merged, absorbed };
}

/**
 * Which sequence numbers to store: the indexes (into `seqs`) of those not in
 * `acknowledged` (sorted, disjoint) and not repeating an earlier one of the
 * same batch (the first one wins); the rest are duplicates.
 */
export function freshIndexes(seqs: readonly number[], acknowledged: readonly SeqRange[]): { fresh: number[]; duplicates: number } {
  const seen = new Set<number>();
  const fresh: number[] = [];
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    if (seen.has(seq) || isCovered(acknowledged, seq)) continue;
    seen.add(seq);
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
