import { createServer, type Server } from 'node:net';
import { connectAsync } from 'mqtt';
import { freePort } from '../testing/postgres.js';

/**
 * The demo's MQTT broker: a mosquitto already running on 127.0.0.1:1883
 * when there is one (answers an MQTT CONNECT within a second), otherwise an
 * embedded aedes broker on a free port, stopped with the demo.
 */
export interface DemoBroker {
  url: string;
  kind: 'mosquitto' | 'embedded';
  close(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const client = await connectAsync(url, { connectTimeout: 1000, reconnectPeriod: 0, clientId: `solarhub-demo-probe-${process.pid}` });
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

export async function demoBroker(): Promise<DemoBroker> {
  const local = 'mqtt://127.0.0.1:1883';
  if (await answers(local)) return { url: local, kind: 'mosquitto', close: async () => undefined };
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'embedded',
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => aedes.close(() => resolve()));
      }),
  };
}
