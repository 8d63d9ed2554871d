import { describe, expect, it } from 'vitest';
import { closestKey, genericPath, hintFor } from './config-hints.js';
import { schemaKeys } from './config-validate.js';

const keys = schemaKeys();

describe('hintFor: what to write instead', () => {
  it.each<[string, string, string, RegExp]>([
    ['missing token', 'cloud.token', 'required: set cloud.token in the file or the SOLARHUB_GATEWAY_TOKEN environment variable', /solarhub-gateway init/],
    ['bad cloud url', 'cloud.url', 'expected an http:// or https:// URL', /https:\/\//],
    ['typo in a device key', 'devices[0].unitID', 'unknown key (a typo?)', /did you mean "unitId"\?/],
    ['typo in a top-level key', 'datadir', 'unknown key (a typo?)', /did you mean "dataDir"\?/],
    ['unknown key far from any', 'devices[2].frobnicate', 'unknown key (a typo?)', /remove it/],
    ['unit id out of range', 'devices[3].unitId', 'expected a number between 0 and 255', /1\.\.247/],
    ['duplicate device id', 'devices[1].id', 'duplicate device id "inv" (also devices[0].id)', /its own id/],
    ['bad device id', 'devices[1].id', 'device key: letters, digits', /letters, digits/],
    ['bad protocol', 'devices[0].protocol', 'expected "protocol" to be one of: modbus_tcp', /modbus_tcp/],
    ['poll interval', 'devices[0].pollIntervalMs', 'expected a number between 100 and 86400000', /5000 is 5 seconds/],
    ['broken JSON', '', 'gw.json is not valid JSON: Unexpected token', /missing comma/],
    ['sync settings', 'sync.intervalMs', 'expected a number', /defaults/],
  ])('%s', (_name, path, message, hint) => {
    expect(hintFor({ path, message }, keys)).toMatch(hint);
  });

  it('has no hint for a problem it does not know', () => {
    expect(hintFor({ path: 'something.else', message: 'odd' }, keys)).toBeUndefined();
  });
});

describe('helpers', () => {
  it.each<[string, string]>([
    ['devices[3].unitId', 'devices[].unitId'],
    ['devices[10].x[2]', 'devices[].x[]'],
    ['cloud.url', 'cloud.url'],
  ])('genericPath %s', (path, generic) => expect(genericPath(path)).toBe(generic));

  it.each<[string, string | undefined]>([
    ['pollInterval', 'pollIntervalMs'],
    ['hots', 'host'],
    ['timeoutms', 'timeoutMs'],
    ['zzzzzz', undefined],
  ])('closestKey %s', (key, close) => expect(closestKey(key, keys)).toBe(close));

  it('knows the keys of every level of the schema', () => {
    expect(keys).toEqual(expect.arrayContaining(['gateway', 'cloud', 'dataDir', 'devices', 'unitId', 'host', 'token', 'maxBatchReadings']));
  });
});
