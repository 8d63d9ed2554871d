/** The newest value of each metric of each device, for `solarhub-gateway status`. */
export interface LastValue {
  value: number;
  unit: string;
  ts: number;
}

export type LastValues = Record<string, Record<string, LastValue>>;

export interface LastValuesTracker {
  record(readings: readonly { device: string; metric: string; value: number; unit: string; ts: number }[]): void;
  snapshot(): LastValues;
}

export function createLastValuesTracker(): LastValuesTracker {
  const byDevice = new Map<string, Map<string, LastValue>>();
  return {
    record(readings) {
      for (const r of readings) {
        let metrics = byDevice.get(r.device);
        if (!metrics) byDevice.set(r.device, (metrics = new Map()));
        const prev = metrics.get(r.metric);
        // A late MQTT message with an older payload timestamp does not hide a newer value.
        if (!prev || prev.ts <= r.ts) metrics.set(r.metric, { value: r.value, unit: r.unit, ts: r.ts });
      }
    },
    snapshot() {
      const out: LastValues = {};
      for (const [device, metrics] of byDevice) out[device] = Object.fromEntries(metrics);
      return out;
    },
  };
}
