import type { Logger } from 'pino';
import { describeLink, linkKey, ModbusBus, type BusLink, type ModbusBusOptions } from './modbus-bus.js';

/**
 * The gateway's buses, one per link: devices that name the same serial port
 * or the same TCP endpoint share one bus, so their requests never overlap.
 */
export class BusRegistry {
  private readonly buses = new Map<string, ModbusBus>();

  constructor(private readonly log: Logger) {}

  /** The bus for `link`, created on first use. Timing options of the first caller win (config validation keeps them equal). */
  busFor(link: BusLink, options: Omit<ModbusBusOptions, 'link' | 'log'> = {}): ModbusBus {
    const key = linkKey(link);
    let bus = this.buses.get(key);
    if (!bus) {
      bus = new ModbusBus({ ...options, link, log: this.log.child({ component: 'modbus', link: describeLink(link) }) });
      this.buses.set(key, bus);
    }
    return bus;
  }

  all(): ModbusBus[] {
    return [...this.buses.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((bus) => bus.close()));
  }
}
