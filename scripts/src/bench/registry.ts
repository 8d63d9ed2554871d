import type { Bench } from './figure.js';
import { acquisitionBench } from './acquisition.js';
import { bufferBench } from './buffer.js';
import { drainBench } from './drain.js';
import { gatewayFootprintBench } from './gateway-footprint.js';
import { syncBench } from './sync.js';
import { timeseriesQueryBench } from './timeseries-query.js';

/** Every benchmark `npm run bench` knows, in the order they run. */
export const benches: Bench[] = [timeseriesQueryBench, acquisitionBench, bufferBench, syncBench, drainBench, gatewayFootprintBench];
