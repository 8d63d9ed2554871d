import { EARLIEST_PLAUSIBLE_TS } from '../poller/device-poller.js';

/**
 * Turns what went wrong into what an installer on a roof can act on: a
 * stable code, one line saying what happened, and a hint saying what to do.
 * Pure: works from the error chain (messages and `code`/`errno` fields).
 */
export interface Explanation {
  code: string;
  message: string;
  hint?: string | undefined;
}

export interface ExplainContext {
  /** What was being talked to: "/dev/ttyUSB0", "192.0.2.10:502", "https://cloud.example.org". */
  target?: string | undefined;
  /** The wall clock now (ms), to tell a certificate problem caused by an unset clock. */
  now?: number | undefined;
}

/** Modbus exception codes (Modbus Application Protocol V1.1b3, 7) and what they mean on site. */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, { name: string; hint: string }>> = {
  1: { name: 'illegal function', hint: 'the device does not support this request (try --table input, or another profile)' },
  2: { name: 'illegal data address', hint: 'no such register on this device: check the address range (SunSpec maps start at 40000, 0 or 50000)' },
  3: { name: 'illegal data value', hint: 'the device refused the request: read fewer registers at once' },
  4: { name: 'server device failure', hint: 'the device itself failed: check its display or event log' },
  5: { name: 'acknowledge', hint: 'the device accepted a long command: ask again later' },
  6: { name: 'server device busy', hint: 'the device is busy: ask again in a moment' },
  8: { name: 'memory parity error', hint: 'the device reports a memory fault: contact its maker' },
  10: { name: 'gateway path unavailable', hint: 'the Modbus gateway in front of the device has no route to this unit id: check the unit id' },
  11: { name: 'gateway target device failed to respond', hint: 'the Modbus gateway got no answer from this unit: wrong unit id, or the device is off or asleep' },
};

interface Link {
  messages: string[];
  codes: string[];
  modbusCode: number | undefined;
  name: string[];
}

function walk(err: unknown): Link {
  const link: Link = { messages: [], codes: [], modbusCode: undefined, name: [] };
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (typeof current !== 'object') {
      link.messages.push(String(current));
      break;
    }
    const e = current as { message?: unknown; code?: unknown; errno?: unknown; cause?: unknown; exceptionCode?: unknown; modbusCode?: unknown; name?: unknown };
    if (typeof e.message === 'string') link.messages.push(e.message);
    if (typeof e.code === 'string') link.codes.push(e.code);
    if (typeof e.errno === 'string') link.codes.push(e.errno);
    if (typeof e.name === 'string') link.name.push(e.name);
    const mc = typeof e.exceptionCode === 'number' ? e.exceptionCode : typeof e.modbusCode === 'number' ? e.modbusCode : undefined;
    link.modbusCode ??= mc;
    current = e.cause;
  }
  return link;
}

const CERT_UNTRUSTED = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT'];
const CERT_TIME = ['CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED'];

export function clockLooksUnset(now: number): boolean {
  return now < EARLIEST_PLAUSIBLE_TS;
}

export const CLOCK_HINT =
  "set the clock: a Raspberry Pi has no battery clock and starts in the past until NTP answers; check `timedatectl` (\"System clock synchronized: yes\") and that UDP port 123 is open, or set it by hand with `sudo date -s '2026-06-21 12:00'`";

/** Explains any error the CLI meets: serial ports, Modbus, TCP, the cloud (HTTP and TLS), the clock. */
export function explainError(err: unknown, context: ExplainContext = {}): Explanation {
  const link = walk(err);
  const text = link.messages.join(' | ');
  const has = (...codes: string[]) => codes.some((c) => link.codes.includes(c));
  const target = context.target ?? '';
  // describeLink() names serial links "<path> @ <baud> baud".
  const serialTarget = target.startsWith('/dev/') || /\bbaud\b/.test(target);
  const head = link.messages[0] ?? String(err);

  // Serial ports (serialport's messages carry no errno code: match the text).
  if (/permission denied|EACCES/i.test(text) && (/\/dev\//.test(text) || serialTarget)) {
    return {
      code: 'SERIAL_PERMISSION',
      message: `permission denied opening the serial port ${target || ''}`.trim(),
      hint: 'serial ports belong to the "dialout" group: `sudo usermod -aG dialout $USER`, then log out and back in (the solarhub service user is already in it)',
    };
  }
  if (/cannot lock port|resource temporarily unavailable|EBUSY|device or resource busy/i.test(text)) {
    return {
      code: 'SERIAL_BUSY',
      message: `the serial port ${target} is in use by another program`.replace('  ', ' '),
      hint: 'only one program can use a serial port: if the gateway service runs, stop it first (`sudo systemctl stop solarhub-gateway`); `sudo fuser -v <port>` shows who holds it',
    };
  }
  if (/no such file or directory, cannot open|ENOENT.*\/dev\//i.test(text) || (has('ENOENT') && serialTarget)) {
    return {
      code: 'SERIAL_MISSING',
      message: `no serial port ${target}`.trim(),
      hint: 'is the RS-485 adapter plugged in? `ls /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/` lists the ports (by-id names survive replugging)',
    };
  }

  // The cloud: TLS.
  if (has(...CERT_TIME) || /certificate (is not yet valid|has expired)/i.test(text)) {
    const now = context.now ?? Date.now();
    if (clockLooksUnset(now) || has('CERT_NOT_YET_VALID')) {
      return {
        code: 'CLOCK_NOT_SET',
        message: `the cloud's certificate looks ${has('CERT_NOT_YET_VALID') ? 'not yet valid' : 'expired'} because this gateway's clock says ${new Date(now).toISOString()}`,
        hint: CLOCK_HINT,
      };
    }
    return { code: 'CLOUD_CERT_EXPIRED', message: `the certificate of ${target || 'the cloud'} has expired`, hint: "the cloud's operator must renew it" };
  }
  if (has(...CERT_UNTRUSTED) || /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer/i.test(text)) {
    return {
      code: 'CLOUD_CERT_UNTRUSTED',
      message: `the certificate of ${target || 'the cloud'} is not signed by an authority this gateway trusts (${link.codes.find((c) => CERT_UNTRUSTED.includes(c)) ?? 'self-signed'})`,
      hint: 'check the URL (a captive portal or proxy?); for a private cloud with its own CA, give the CA file: `NODE_EXTRA_CA_CERTS=/etc/solarhub/ca.pem` (in the service: `sudo systemctl edit solarhub-gateway`, add `Environment=NODE_EXTRA_CA_CERTS=/etc/solarhub/ca.pem`)',
    };
  }
  if (has('ERR_TLS_CERT_ALTNAME_INVALID') || /does not match certificate's altnames|Hostname\/IP does not match/i.test(text)) {
    return { code: 'CLOUD_CERT_NAME', message: `the certificate of ${target || 'the cloud'} is for another host name`, hint: 'check the cloud URL: use the exact host name the cloud is published under' };
  }

  // Modbus.
  if (link.modbusCode !== undefined) {
    const known = MODBUS_EXCEPTIONS[link.modbusCode];
    return {
      code: 'MODBUS_EXCEPTION',
      message: `the device answered with Modbus exception ${link.modbusCode} (${known?.name ?? 'unknown exception'})`,
      hint: known?.hint,
    };
  }
  if (link.name.includes('FrameError') || has('DEVICE_FRAME') || /CRC/i.test(text)) {
    return {
      code: 'BROKEN_REPLIES',
      message: `replies from ${target || 'the device'} arrive broken (CRC or framing errors)`,
      hint: 'usually the wrong baud rate or parity (check the device menu: 9600 8N1 and 19200 8E1 are common); otherwise A/B wires swapped, a missing 120 Ω termination or a long unshielded run',
    };
  }

  // TCP.
  if (has('ECONNREFUSED')) {
    return {
      code: 'CONNECTION_REFUSED',
      message: `nothing accepts connections at ${target || extractAddress(text) || 'that address'}`,
      hint: 'the host answers but not on this port: check the port (Modbus TCP is usually 502) and that Modbus TCP is enabled in the device settings',
    };
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN')) {
    return {
      code: 'HOST_UNREACHABLE',
      message: `cannot reach ${target || extractAddress(text) || 'the host'}`,
      hint: 'check the cable or Wi-Fi, the IP address, and that the gateway is in the same subnet (`ip addr`, `ping <host>`)',
    };
  }
  if (has('ENOTFOUND', 'EAI_AGAIN')) {
    return { code: 'NAME_NOT_FOUND', message: `the host name of ${target || 'the address'} does not resolve`, hint: 'check the spelling and the DNS settings (`resolvectl status`), or use the IP address' };
  }
  if (has('DEVICE_TIMEOUT') || link.name.includes('DeviceTimeoutError') || has('ETIMEDOUT')) {
    const serial = serialTarget;
    return {
      code: 'TIMEOUT',
      message: `no answer from ${target || 'the device'}: ${head}`,
      hint: serial
        ? 'check the unit id (slave address), the baud rate and parity, and the A/B wiring; only one master may be on the bus'
        : 'check the unit id (many devices answer only on 1, some on 126 or 247), and that the device is on (inverters sleep at night)',
    };
  }
  if (has('CLOUD_HTTP_ERROR')) {
    const status = /answered (\d{3})/.exec(text)?.[1];
    if (status === '401' || status === '403') {
      return { code: 'CLOUD_UNAUTHORIZED', message: `the cloud refused this gateway's token (${status})`, hint: 'the token was revoked or replaced: run `solarhub-gateway init` again with a new claim code' };
    }
    return { code: 'CLOUD_HTTP_ERROR', message: head };
  }
  const code = link.codes[0] ?? 'ERROR';
  return { code, message: head };
}

function extractAddress(text: string): string | undefined {
  return /(\d{1,3}(?:\.\d{1,3}){3}:\d+|\[[0-9a-f:]+\]:\d+)/i.exec(text)?.[1];
}
