import { chownSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/schema.js';
import { CliError, EXIT } from './io.js';

/** Where the installer script and the systemd unit expect the configuration. */
export const DEFAULT_CONFIG_PATH = '/etc/solarhub/gateway.json';

/** The file as JSON, unvalidated: commands that edit it keep what they do not touch. */
export type RawConfig = Record<string, unknown>;

export function readRawConfig(file: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ENOENT';
    throw new CliError(missing ? 'CONFIG_MISSING' : 'CONFIG_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, {
      hint: missing
        ? 'create it with `solarhub-gateway init --cloud <url> --claim-code <code>` (or pass --config <file>)'
        : 'the file is readable by root and the solarhub user only: use sudo',
      exitCode: EXIT.usage,
    });
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('the top level must be an object { ... }');
    return raw as RawConfig;
  } catch (err) {
    throw new CliError('CONFIG_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, { exitCode: EXIT.usage });
  }
}

/** Loads and validates; prints nothing. Throws CliError(usage) listing every problem. */
export function loadValidConfig(file: string, env: NodeJS.ProcessEnv): GatewayConfig {
  try {
    return loadConfig(file, { token: env.SOLARHUB_GATEWAY_TOKEN });
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new CliError('CONFIG_INVALID', `invalid configuration ${file}:\n${err.issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`, {
        hint: `\`solarhub-gateway config validate --config ${file}\` explains each problem`,
        exitCode: EXIT.usage,
      });
    }
    throw err;
  }
}

/**
 * Validates `raw` and writes it atomically (temporary file + rename) with
 * mode 0600, keeping the owner of the file it replaces (so a file edited with
 * sudo stays readable by the service user).
 */
export function writeConfigFile(file: string, raw: RawConfig, env: NodeJS.ProcessEnv): GatewayConfig {
  let config: GatewayConfig;
  try {
    config = parseConfig(raw, { token: env.SOLARHUB_GATEWAY_TOKEN }, path.dirname(path.resolve(file)));
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new CliError('CONFIG_INVALID', `the change would make ${file} invalid:\n${err.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, {
        exitCode: EXIT.usage,
      });
    }
    throw err;
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = statSync(file);
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    owner = undefined;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  if (owner && process.getuid?.() === 0) chownSync(tmp, owner.uid, owner.gid);
  renameSync(tmp, file);
  return config;
}
