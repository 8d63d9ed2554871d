import type { ConfigIssue } from '../config/load.js';

/**
 * A hint for each kind of configuration problem, so `config validate` says
 * not only what is wrong but what to write instead. Pure; tested with a table.
 */
export interface HintRule {
  /** Matches the issue's path with indexes replaced by [], e.g. "devices[].unitId". */
  path: RegExp;
  message?: RegExp;
  hint: string | ((issue: ConfigIssue) => string);
}

export const HINT_RULES: readonly HintRule[] = [
  { path: /^cloud\.token$/, hint: 'run `solarhub-gateway init --cloud <url> --claim-code <code>`: it fetches the token and writes it here' },
  { path: /^cloud\.url$/, hint: 'the address the cloud operator gave you, e.g. "https://cloud.example.org" (with https://, no path)' },
  { path: /^cloud$/, hint: 'add "cloud": { "url": "https://…", "token": "…" }, or run `solarhub-gateway init`' },
  { path: /^gateway(\.name)?$/, hint: 'add "gateway": { "name": "roof-gw-1" } (any name, for logs)' },
  { path: /^dataDir$/, hint: 'where the reading buffer lives; under systemd use "/var/lib/solarhub-gateway"' },
  { path: /^devices\[\]\.id$/, message: /duplicate/, hint: 'every device needs its own id; rename one (e.g. "inverter-2")' },
  { path: /^devices\[\]\.id$/, hint: 'a short name of letters, digits, "_", "." or "-", e.g. "inverter-1"; the cloud shows the device under it' },
  { path: /^devices\[\]\.protocol$/, hint: '"modbus_tcp" for a device on the network; "modbus_rtu" for one on an RS-485 adapter' },
  { path: /^devices\[\]\.host$/, hint: "the device's IP address, from its network menu or the router's DHCP list" },
  { path: /^devices\[\]\.port$/, hint: 'Modbus TCP listens on 502 unless the device says otherwise' },
  { path: /^devices\[\]\.unitId$/, hint: 'the Modbus unit id (slave address), 1..247; many inverters use 1, some 126; `solarhub-gateway scan` finds it' },
  { path: /^devices\[\]\.type$/, hint: 'one of: inverter, meter, battery, weather_station, mppt, other' },
  { path: /^devices\[\]\.(pollIntervalMs|timeoutMs)$/, hint: 'milliseconds: 5000 is 5 seconds' },
  { path: /^devices\[\]\.serial\.(baudRate|parity|dataBits|stopBits)$/, hint: "the serial settings from the device's communication menu (9600 8N1 and 19200 8E1 are common)" },
  { path: /^devices\[\]\.serial(\.path)?$/, hint: 'the serial port, e.g. "/dev/ttyUSB0" or a stable "/dev/serial/by-id/…" name; devices on one port share its settings' },
  { path: /^devices\[\]\.profile$/, hint: '"sunspec" for SunSpec devices, a built-in profile id, or the path of a profile JSON file' },
  { path: /^mqtt\./, hint: 'the MQTT broker, e.g. { "url": "mqtt://127.0.0.1:1883" }; leave "mqtt" out for a local mosquitto' },
  { path: /^sync\./, hint: 'milliseconds or counts; leave "sync" out to use the defaults' },
  { path: /^$/, message: /not valid JSON/, hint: 'look for a missing comma or quote near the position given; `python3 -m json.tool <file>` points at it' },
];

/** "devices[3].unitId" -> "devices[].unitId". */
export function genericPath(p: string): string {
  return p.replace(/\[\d+\]/g, '[]');
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length]!;
}

/** The closest known key to `key` (case-insensitive edit distance at most 2), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = levenshtein(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** A hint for one issue; `knownKeys` are the keys the schema accepts (for "did you mean"). */
export function hintFor(issue: ConfigIssue, knownKeys: readonly string[] = []): string | undefined {
  if (issue.message.startsWith('unknown key')) {
    const key = issue.path.split(/[.[\]]/).filter(Boolean).pop() ?? '';
    const close = closestKey(key, knownKeys);
    return close ? `did you mean "${close}"?` : 'remove it: unknown keys are refused so that a typo never falls back to a default';
  }
  const generic = genericPath(issue.path);
  for (const rule of HINT_RULES) {
    if (!rule.path.test(generic)) continue;
    if (rule.message && !rule.message.test(issue.message)) continue;
    return typeof rule.hint === 'string' ? rule.hint : rule.hint(issue);
  }
  return undefined;
}
