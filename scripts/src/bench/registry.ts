import type { Bench } from './figure.js';

/** Every benchmark `npm run bench` knows, in the order they run. */
export const benches: Bench[] = [];
