import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { GatewayError } from '../errors.js';
import { GatewayConfig } from './schema.js';

export interface ConfigIssue {
  /** Where, e.g. "devices[1].port" ("" for the whole file). */
  path: string;
  message: string;
}

/** The configuration cannot be used. `issues` lists every problem; `message` has one `path: message` line each. */
export class ConfigError extends GatewayError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], context: Record<string, unknown> = {}) {
    super('CONFIG_INVALID', issues.map(formatIssue).join('\n'), context);
    this.issues = issues;
  }
}

export interface ConfigOverrides {
  /** Used when the file has no cloud.token (main.ts passes SOLARHUB_GATEWAY_TOKEN). */
  token?: string | undefined;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** `['devices', 1, 'port']` -> `devices[1].port`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

function zodIssues(error: z.ZodError): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: 'unknown key (a typo?)' });
      }
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return issues;
}

/**
 * Validates an already-parsed JSON value. `baseDir` resolves a relative
 * dataDir (loadConfig passes the config file's directory).
 */
export function parseConfig(raw: unknown, overrides: ConfigOverrides = {}, baseDir = process.cwd()): GatewayConfig {
  let input = raw;
  if (overrides.token && isRecord(raw) && isRecord(raw.cloud) && raw.cloud.token === undefined) {
    input = { ...raw, cloud: { ...raw.cloud, token: overrides.token } };
  }
  const result = GatewayConfig.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error).map((issue) =>
      issue.path === 'cloud.token' && issue.message.startsWith('expected the gateway token')
        ? { ...issue, message: 'required: set cloud.token in the file or the SOLARHUB_GATEWAY_TOKEN environment variable' }
        : issue,
    );
    throw new ConfigError(issues);
  }
  return { ...result.data, dataDir: path.resolve(baseDir, result.data.dataDir) };
}

/** Reads, parses and validates a JSON config file; throws ConfigError listing every problem. */
export function loadConfig(file: string, overrides: ConfigOverrides = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${(err as Error).message}` }], { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([{ path: '', message: `${file} is not valid JSON: ${(err as Error).message}` }], { file });
  }
  try {
    return parseConfig(raw, overrides, path.dirname(path.resolve(file)));
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.issues, { file });
    throw err;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
