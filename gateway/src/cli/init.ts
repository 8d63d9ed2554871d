import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ClaimGatewayRequest, ClaimGatewayResponse } from '@solarhub/shared';
import { Command } from 'commander';
import { DEFAULT_CONFIG_PATH, readRawConfig, writeConfigFile, type RawConfig } from './config-file.js';
import { clockLooksUnset, CLOCK_HINT } from './explain.js';
import { action, CliError, EXIT, explained, print, type CliIo } from './io.js';

/** Where the buffer lives under systemd (the unit's StateDirectory). */
export const SERVICE_DATA_DIR = '/var/lib/solarhub-gateway';
export const SERVICE_USER = 'solarhub';

interface InitOptions {
  cloud: string;
  claimCode: string;
  name?: string;
  config: string;
  dataDir?: string;
  force?: boolean;
  timeout: string;
}

/** The claim endpoint of a cloud base URL. */
export function claimUrl(cloud: string): string {
  let base: URL;
  try {
    base = new URL(cloud.endsWith('/') ? cloud : `${cloud}/`);
  } catch {
    throw new CliError('USAGE', `--cloud: "${cloud}" is not a URL`, { hint: 'e.g. https://cloud.example.org', exitCode: EXIT.usage });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new CliError('USAGE', `--cloud: expected an https:// URL, got "${cloud}"`, { exitCode: EXIT.usage });
  }
  return new URL('api/v1/gateways/claim', base).toString();
}

/** uid/gid of a local user from /etc/passwd, or undefined. */
export function lookupUser(name: string, passwd = '/etc/passwd'): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No passwd file: no such user.
  }
  return undefined;
}

/** Sends the claim code; returns the cloud's answer or throws a CliError saying why not. */
export async function claimGateway(cloud: string, request: ClaimGatewayRequest, timeoutMs: number, now: number): Promise<ClaimGatewayResponse> {
  const url = claimUrl(cloud);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw explained(err, { target: new URL(url).origin, now });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const apiError = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const code = apiError?.code ?? `http_${response.status}`;
    const hints: Record<string, string> = {
      invalid_claim_code: 'claim codes work once and expire (24 h by default): ask for a new one in the cloud (site > gateways > claim code)',
      name_taken: 'the site already has a gateway of that name: pass another --name',
      rate_limited: 'too many attempts: wait a minute',
    };
    if (response.status === 404 && !apiError) {
      throw new CliError('CLAIM_UNSUPPORTED', `${url} does not exist (404)`, { hint: 'check the --cloud URL (the base address, without /api)' });
    }
    throw new CliError('CLAIM_REFUSED', `the cloud refused the claim code: ${apiError?.message ?? `HTTP ${response.status}`} (${code})`, {
      hint: hints[code] ?? (response.status === 429 ? hints.rate_limited : undefined),
    });
  }
  const parsed = ClaimGatewayResponse.safeParse(body);
  if (!parsed.success) {
    throw new CliError('CLAIM_BAD_ANSWER', `${url} answered ${response.status} with something that is not a claim answer`, {
      hint: 'is --cloud the SolarHub cloud (and not a proxy or captive portal)?',
    });
  }
  return parsed.data;
}

export function initCommand(io: CliIo, defaultConfig: string): Command {
  return new Command('init')
    .description('Connect this gateway to the cloud: exchange a claim code for the gateway token, write the configuration (mode 0600) and the data folder')
    .requiredOption('--cloud <url>', 'the cloud, e.g. https://cloud.example.org')
    .requiredOption('--claim-code <code>', 'the one-time code made for this site in the cloud, e.g. SHC-7KQ2-M9XA-4T1B-ZP0D')
    .option('--name <name>', "this gateway's name on the site (default: the one given with the code)")
    .option('-c, --config <file>', 'configuration file to write', defaultConfig)
    .option('--data-dir <dir>', `where the buffer lives (default: ${SERVICE_DATA_DIR} for the system configuration, else "data" beside the file)`)
    .option('--force', 'replace the token of an already initialised configuration')
    .option('--timeout <ms>', 'timeout of the request, ms', '15000')
    .action(
      action(io, async (opts: InitOptions) => {
        const file = path.resolve(opts.config);
        const existing: RawConfig | undefined = existsSync(file) ? readRawConfig(file) : undefined;
        const existingCloud = existing?.cloud as Record<string, unknown> | undefined;
        if (existingCloud?.token && !opts.force) {
          throw new CliError('ALREADY_INITIALISED', `${file} already has a gateway token`, {
            hint: 'pass --force to claim again and replace it (the old token keeps working until it is revoked in the cloud)',
            exitCode: EXIT.usage,
          });
        }
        if (clockLooksUnset(io.now())) {
          print(io.stderr, `warning: the clock says ${new Date(io.now()).toISOString()}; HTTPS will fail until it is set\nhint: ${CLOCK_HINT}`);
        }
        const timeoutMs = Number(opts.timeout) > 0 ? Number(opts.timeout) : 15_000;
        print(io.stderr, `claiming at ${claimUrl(opts.cloud)} ...`);
        const claimed = await claimGateway(opts.cloud, { code: opts.claimCode, ...(opts.name ? { name: opts.name } : {}) }, timeoutMs, io.now());

        const systemConfig = file === path.resolve(DEFAULT_CONFIG_PATH);
        const dataDir = opts.dataDir ?? (existing?.dataDir as string | undefined) ?? (systemConfig ? SERVICE_DATA_DIR : 'data');
        const raw: RawConfig = {
          ...(existing ?? {}),
          gateway: { ...((existing?.gateway as object | undefined) ?? {}), name: claimed.gatewayName },
          cloud: { ...(existingCloud ?? {}), url: opts.cloud, token: claimed.token },
          dataDir,
          devices: existing?.devices ?? [],
        };
        const config = writeConfigFile(file, raw, io.env);
        mkdirSync(config.dataDir, { recursive: true, mode: 0o750 });
        // Under sudo: the service user must be able to read the file and write the data folder.
        const owner = process.getuid?.() === 0 ? lookupUser(SERVICE_USER) : undefined;
        if (owner) {
          chownSync(file, owner.uid, owner.gid);
          chownSync(config.dataDir, owner.uid, owner.gid);
        }
        print(io.stdout, `gateway "${claimed.gatewayName}" (${claimed.gatewayId}) claimed for site ${claimed.siteId}`);
        print(io.stdout, `wrote ${file} (mode 0600${owner ? `, owner ${SERVICE_USER}` : ''}); buffer in ${config.dataDir}`);
        print(io.stdout, 'next: add devices (`solarhub-gateway scan --host <ip> --add` or `--serial /dev/ttyUSB0`), then `sudo systemctl start solarhub-gateway`');
        return EXIT.ok;
      }),
    );
}
