import { describe, expect, it } from 'vitest';
import { DeviceConnectionError, DeviceTimeoutError, FrameError, ModbusExceptionError } from '../errors.js';
import { CloudHttpError, CloudUnavailableError } from '../sync/cloud-client.js';
import { explainError, MODBUS_EXCEPTIONS } from './explain.js';

const NOW = Date.UTC(2026, 5, 21, 12);
const fetchFailed = (code: string, message = code) => {
  const cause = Object.assign(new Error(message), { code });
  return new CloudUnavailableError(`cannot reach https://cloud.example/api/v1/ingest: fetch failed (${code})`, {}, { cause: Object.assign(new TypeError('fetch failed'), { cause }) });
};
const serialOpen = (message: string) =>
  new DeviceConnectionError(`cannot open /dev/ttyUSB0 @ 9600 baud: ${message}`, {}, { cause: new Error(message) });

describe('explainError: field problems in words an installer can act on', () => {
  it.each<[string, unknown, { target?: string; now?: number }, string, RegExp]>([
    ['serial permission denied', serialOpen('Error: Permission denied, cannot open /dev/ttyUSB0'), { target: '/dev/ttyUSB0' }, 'SERIAL_PERMISSION', /dialout/],
    ['serial port busy (locked)', serialOpen('Error Resource temporarily unavailable Cannot lock port'), { target: '/dev/ttyUSB0' }, 'SERIAL_BUSY', /systemctl stop solarhub-gateway/],
    ['serial port missing', serialOpen('Error: No such file or directory, cannot open /dev/ttyUSB0'), { target: '/dev/ttyUSB0' }, 'SERIAL_MISSING', /by-id/],
    ['connection refused', new DeviceConnectionError('link failed', {}, { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }), { target: '127.0.0.1:1' }, 'CONNECTION_REFUSED', /502/],
    ['host unreachable', Object.assign(new Error('connect EHOSTUNREACH 192.0.2.1:502'), { code: 'EHOSTUNREACH' }), {}, 'HOST_UNREACHABLE', /subnet/],
    ['unknown host name', fetchFailed('ENOTFOUND'), {}, 'NAME_NOT_FOUND', /DNS/],
    ['tcp device timeout', new DeviceTimeoutError('unit 3 gave no answer within 1000 ms'), { target: '192.0.2.1:502' }, 'TIMEOUT', /unit id/],
    ['serial device timeout', new DeviceTimeoutError('unit 3 gave no answer within 1000 ms'), { target: '/dev/ttyUSB0 @ 9600 baud' }, 'TIMEOUT', /baud rate and parity/],
    ['crc errors', new FrameError('broken reply from unit 1: CRC error'), { target: '/dev/ttyUSB0' }, 'BROKEN_REPLIES', /baud rate or parity/],
    ['modbus exception 2', new ModbusExceptionError(2, 'Modbus exception 2'), {}, 'MODBUS_EXCEPTION', /no such register/],
    ['modbus exception 11 (wrong unit id behind a gateway)', new ModbusExceptionError(11, 'Modbus exception 11'), {}, 'MODBUS_EXCEPTION', /wrong unit id/],
    ['self-signed cloud certificate', fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), { target: 'https://cloud.example' }, 'CLOUD_CERT_UNTRUSTED', /NODE_EXTRA_CA_CERTS/],
    ['certificate for another name', fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID'), {}, 'CLOUD_CERT_NAME', /host name/],
    ['certificate not yet valid: the clock', fetchFailed('CERT_NOT_YET_VALID'), { now: Date.UTC(1970, 0, 1) }, 'CLOCK_NOT_SET', /timedatectl/],
    ['certificate "expired" with the clock far ahead of the build', fetchFailed('CERT_HAS_EXPIRED'), { now: Date.UTC(1999, 0, 1) }, 'CLOCK_NOT_SET', /NTP/],
    ['certificate really expired', fetchFailed('CERT_HAS_EXPIRED'), { now: NOW }, 'CLOUD_CERT_EXPIRED', /renew/],
    ['revoked token', new CloudHttpError(401, '{"error":{"code":"unauthorized"}}', undefined, 'https://c/api/v1/ingest'), {}, 'CLOUD_UNAUTHORIZED', /init/],
  ])('%s', (_name, err, context, code, hint) => {
    const explained = explainError(err, { now: NOW, ...context });
    expect(explained.code).toBe(code);
    expect(explained.hint).toMatch(hint);
    expect(explained.message.length).toBeGreaterThan(10);
  });

  it('names every standard Modbus exception', () => {
    expect(Object.keys(MODBUS_EXCEPTIONS).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 11]);
    expect(explainError(new ModbusExceptionError(99, 'x')).message).toContain('unknown exception');
  });

  it('falls back to the error itself for anything else', () => {
    expect(explainError(new Error('something odd'))).toEqual({ code: 'ERROR', message: 'something odd' });
    expect(explainError('text')).toEqual({ code: 'ERROR', message: 'text' });
  });
});
