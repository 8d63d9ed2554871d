/** A progress bar with a time estimate, for stderr. Pure: the caller decides when and where to print. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Time left from the mean time per step so far; undefined before the first step. */
export function estimateLeftMs(done: number, total: number, elapsedMs: number): number | undefined {
  if (done <= 0) return undefined;
  return (elapsedMs / done) * (total - done);
}

export function progressLine(done: number, total: number, elapsedMs: number, label: string, width = 24): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * width);
  const left = estimateLeftMs(done, total, elapsedMs);
  const eta = done >= total ? `done in ${formatDuration(elapsedMs)}` : left === undefined ? 'estimating…' : `about ${formatDuration(left)} left`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}, ${eta}`;
}

/** Redraws in place on a terminal; elsewhere prints a line at each quarter, so logs stay short. */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number, now: () => number) {
  const started = now();
  let lastQuarter = -1;
  return {
    update(done: number, label: string) {
      const line = progressLine(done, total, now() - started, label);
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K${done >= total ? '\n' : ''}`);
        return;
      }
      const quarter = Math.floor((done / Math.max(1, total)) * 4);
      if (quarter !== lastQuarter) {
        lastQuarter = quarter;
        stream.write(`${line}\n`);
      }
    },
  };
}
