/** One line of live values for the demo's terminal, read through the public API. */
interface DeviceItem {
  id: string;
  key: string;
  status?: string | null;
}
interface LatestValue {
  metric: string;
  value: number;
  unit: string;
}

const SHOWN = ['ac_power_w', 'ac_energy_wh', 'energy_exported_wh', 'irradiance_w_m2', 'module_temperature_c'];

export async function printStatus(opts: { cloudUrl: string; apiToken: string; siteId: string; out: (s: string) => void }): Promise<void> {
  const headers = { authorization: `Bearer ${opts.apiToken}` };
  try {
    const res = await fetch(`${opts.cloudUrl}/api/v1/sites/${opts.siteId}/devices`, { headers });
    if (!res.ok) throw new Error(`devices: HTTP ${res.status}`);
    const { items } = (await res.json()) as { items: DeviceItem[] };
    const parts: string[] = [];
    for (const d of items) {
      const r = await fetch(`${opts.cloudUrl}/api/v1/devices/${d.id}/latest`, { headers });
      if (!r.ok) continue;
      const { values } = (await r.json()) as { values: LatestValue[] };
      const shown = values
        .filter((v) => SHOWN.includes(v.metric))
        .map((v) => `${v.metric}=${Math.round(v.value * 10) / 10} ${v.unit}`)
        .join(', ');
      parts.push(`${d.key} [${d.status ?? 'unknown'}] ${shown || 'no data yet'}`);
    }
    opts.out(`${new Date().toISOString().slice(11, 19)}  ${parts.join('  |  ') || 'waiting for the first readings...'}`);
  } catch (err) {
    opts.out(`status unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}
