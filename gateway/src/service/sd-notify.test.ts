import { afterEach, describe, expect, it } from 'vitest';
import { startNotifySocket, type NotifySocket } from '../../../scripts/src/testing/notify-socket.js';
import { captureLog } from '../testing/capture-log.js';
import { createSystemdNotifier, statusField, watchdogInterval } from './sd-notify.js';

let socket: NotifySocket | undefined;
afterEach(async () => {
  await socket?.close();
  socket = undefined;
});

describe('watchdogInterval: half of WATCHDOG_USEC, for this process only', () => {
  it.each<[string, NodeJS.ProcessEnv, number | undefined]>([
    ['no watchdog', {}, undefined],
    ['30 s watchdog', { WATCHDOG_USEC: '30000000' }, 15_000],
    ['for this pid', { WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 15_000],
    ['for another pid', { WATCHDOG_USEC: '30000000', WATCHDOG_PID: '43' }, undefined],
    ['garbage', { WATCHDOG_USEC: 'abc' }, undefined],
    ['zero', { WATCHDOG_USEC: '0' }, undefined],
  ])('%s', (_name, env, ms) => expect(watchdogInterval(env, 42)).toBe(ms));

  it('keeps STATUS to one line', () => expect(statusField('a\nb')).toBe('STATUS=a b'));
});

describe('createSystemdNotifier', () => {
  it('does nothing without NOTIFY_SOCKET (and never runs the binary)', async () => {
    const { log, lines } = captureLog('debug');
    const notifier = createSystemdNotifier({ env: { WATCHDOG_USEC: '1000' }, log, binary: '/nonexistent/systemd-notify' });
    expect(notifier.enabled).toBe(false);
    expect(notifier.watchdogIntervalMs).toBeUndefined();
    await notifier.ready('x');
    await notifier.stopping();
    notifier.startWatchdog(() => true);
    notifier.stopWatchdog();
    expect(lines).toEqual([]);
  });

  it('sends READY, WATCHDOG while alive (not while stalled), and STOPPING through systemd-notify', async () => {
    socket = await startNotifySocket();
    const { log } = captureLog('debug');
    const notifier = createSystemdNotifier({ env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '200000', PATH: process.env.PATH }, log, pid: process.pid });
    expect(notifier.watchdogIntervalMs).toBe(100);
    await notifier.ready('2 devices');
    expect(await socket.waitFor('READY=1')).toContain('STATUS=2 devices');

    let alive = false;
    notifier.startWatchdog(() => alive, () => 'polling');
    await new Promise((r) => setTimeout(r, 350));
    expect(socket.messages.some((m) => m.includes('WATCHDOG=1'))).toBe(false);
    alive = true;
    expect(await socket.waitFor('WATCHDOG=1')).toContain('STATUS=polling');
    notifier.stopWatchdog();

    await notifier.stopping('bye');
    expect(await socket.waitFor('STOPPING=1')).toContain('STATUS=bye');
  });

  it('warns once when the binary cannot be run', async () => {
    socket = await startNotifySocket();
    const { log, lines } = captureLog('debug');
    const notifier = createSystemdNotifier({ env: { NOTIFY_SOCKET: socket.path }, log, binary: '/nonexistent/systemd-notify' });
    await notifier.ready();
    await notifier.status('x');
    expect(lines.filter((l) => String(l.msg).includes('systemd notification failed'))).toHaveLength(1);
  });
});
