import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * A small file beside the buffer remembering the sequence high-water mark
 * and the oldest unacknowledged sequence. If the buffer file is ever lost to
 * corruption, the fresh one continues above this mark, so the cloud (which
 * dedupes by sequence) never mistakes new readings for old ones.
 */
export interface SeqMark {
  maxSeq: number;
  oldestSeq: number | null;
}

export const seqMarkFile = (bufferFile: string) => `${bufferFile}.seq`;

export function readSeqMark(bufferFile: string): SeqMark | null {
  try {
    const raw = JSON.parse(readFileSync(seqMarkFile(bufferFile), 'utf8')) as Partial<SeqMark>;
    if (typeof raw.maxSeq !== 'number' || !Number.isSafeInteger(raw.maxSeq) || raw.maxSeq < 0) return null;
    return { maxSeq: raw.maxSeq, oldestSeq: typeof raw.oldestSeq === 'number' ? raw.oldestSeq : null };
  } catch {
    return null;
  }
}

/** Atomic (write then rename); a failure (disk full) is ignored: the mark is a safety net, not the truth. */
export function writeSeqMark(bufferFile: string, mark: SeqMark): boolean {
  const target = seqMarkFile(bufferFile);
  try {
    writeFileSync(`${target}.tmp`, JSON.stringify({ ...mark, at: new Date().toISOString() }));
    renameSync(`${target}.tmp`, target);
    return true;
  } catch {
    return false;
  }
}
