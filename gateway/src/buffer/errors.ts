import { GatewayError } from '../errors.js';

/** SQLite result codes (better-sqlite3's `err.code`) that mean the disk, not our data, is the problem. */
const WRITE_FAILURE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED)/;
/** Codes that mean the file itself is damaged. */
const CORRUPTION = /^SQLITE_(CORRUPT|NOTADB)/;

export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isWriteFailure = (err: unknown): boolean => WRITE_FAILURE.test(sqliteCode(err) ?? '');
export const isCorruption = (err: unknown): boolean => CORRUPTION.test(sqliteCode(err) ?? '');

/** Readings could not be written to the buffer (disk full, read-only, I/O error). They are counted as a gap. */
export class BufferWriteError extends GatewayError {
  constructor(message: string, context: Record<string, unknown>, options?: { cause?: unknown }) {
    super('BUFFER_WRITE_FAILED', message, context, options);
  }
}

/** A hint for the log line: what the user can do about a write failure. */
export function writeFailureHint(code: string | undefined): string {
  if (code?.startsWith('SQLITE_FULL')) return 'the disk is full: free space on it; readings are counted as lost until writes succeed again';
  if (code?.startsWith('SQLITE_READONLY')) return 'the buffer file or its folder is read-only: check permissions and mount options (a failing SD card often remounts read-only)';
  return 'the buffer cannot be written: check the disk (dmesg); readings are counted as lost until writes succeed again';
}
