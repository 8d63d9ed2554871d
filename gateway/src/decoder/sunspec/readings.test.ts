import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../testing/sunspec-image.js';
import { decodeModel } from './decode.js';
import { createModelLibrary } from './definition.js';
import { modelMetrics, type MetricValue } from './readings.js';

const library = createModelLibrary();
const metricsOf = (id: number, values: Record<string, number>) => modelMetrics(decodeModel(library.get(id)!, encodeModel(library.get(id)!, values)));

describe('modelMetrics', () => {
  it.each<[string, number, Record<string, number>, MetricValue]>([
    ['inverter power', 103, { W: 4200, W_SF: 0 }, { metric: 'ac_power_w', value: 4200, unit: 'W', point: 'sunspec.103.W' }],
    ['inverter phase voltage', 103, { PhVphB: 2312, V_SF: -1 }, { metric: 'ac_voltage_l2_n_v', value: 231.2, unit: 'V', point: 'sunspec.103.PhVphB' }],
    ['line-to-line voltage', 101, { PPVphAB: 400, V_SF: 0 }, { metric: 'ac_voltage_l1_l2_v', value: 400, unit: 'V', point: 'sunspec.101.PPVphAB' }],
    ['power factor from percent', 103, { PF: 995, PF_SF: -1 }, { metric: 'power_factor', value: 0.995, unit: '', point: 'sunspec.103.PF' }],
    ['energy', 103, { WH: 1000, WH_SF: 3 }, { metric: 'ac_energy_wh', value: 1_000_000, unit: 'Wh', point: 'sunspec.103.WH' }],
    ['temperature in Cel', 103, { TmpSnk: 456, Tmp_SF: -1 }, { metric: 'heat_sink_temperature_c', value: 45.6, unit: 'Cel', point: 'sunspec.103.TmpSnk' }],
    ['unmapped point keeps its SunSpec name', 103, { TmpTrns: 300, Tmp_SF: -1 }, { metric: 'sunspec.103.TmpTrns', value: 30, unit: 'Cel', point: 'sunspec.103.TmpTrns' }],
    ['operating state', 103, { St: 4 }, { metric: 'operating_state', value: 4, unit: '', point: 'sunspec.103.St' }],
    ['meter export keeps its sign', 203, { W: -1500, W_SF: 0 }, { metric: 'ac_power_w', value: -1500, unit: 'W', point: 'sunspec.203.W' }],
    ['meter energy exported', 203, { TotWhExp: 5000, TotWh_SF: 0 }, { metric: 'energy_exported_wh', value: 5000, unit: 'Wh', point: 'sunspec.203.TotWhExp' }],
    ['meter 203 spelling of L1-L2', 203, { PhVphAB: 4001, V_SF: -1 }, { metric: 'ac_voltage_l1_l2_v', value: 400.1, unit: 'V', point: 'sunspec.203.PhVphAB' }],
    ['meter reactive power', 201, { VAR: 120, VAR_SF: 0 }, { metric: 'ac_reactive_power_var', value: 120, unit: 'var', point: 'sunspec.201.VAR' }],
    ['float inverter', 113, { W: 1234.5 }, { metric: 'ac_power_w', value: 1234.5, unit: 'W', point: 'sunspec.113.W' }],
    ['float meter power factor stays -1..1', 213, { PF: -0.5 }, { metric: 'power_factor', value: -0.5, unit: '', point: 'sunspec.213.PF' }],
  ])('%s', (_name, id, values, expected) => {
    expect(metricsOf(id, values)).toContainEqual(expected);
  });

  it('sends nothing for scale factors, ID/L, or not-implemented points', () => {
    const out = metricsOf(103, { W: 100, W_SF: 0 });
    expect(out).toEqual([{ metric: 'ac_power_w', value: 100, unit: 'W', point: 'sunspec.103.W' }]);
  });

  it('maps model 160 modules to per-tracker metrics, keeping the point path', () => {
    const def = library.get(160)!;
    const out = modelMetrics(decodeModel(def, encodeModel(def, { DCA_SF: -1, DCW_SF: 0, 'module.1.DCA': 55, 'module.2.DCW': 812, 'module.2.Tmp': 40 }, 8 + 2 * 20)));
    expect(out).toContainEqual({ metric: 'mppt1_dc_current_a', value: 5.5, unit: 'A', point: 'sunspec.160.module.1.DCA' });
    expect(out).toContainEqual({ metric: 'mppt2_dc_power_w', value: 812, unit: 'W', point: 'sunspec.160.module.2.DCW' });
    expect(out).toContainEqual({ metric: 'sunspec.160.module.2.Tmp', value: 40, unit: 'Cel', point: 'sunspec.160.module.2.Tmp' });
  });

  it.each<[number, Record<string, number>, string, number]>([
    [124, { ChaState: 655, ChaState_SF: -1 }, 'battery_soc_pct', 65.5],
    [124, { InBatV: 512, InBatV_SF: -1 }, 'battery_voltage_v', 51.2],
    [802, { SoC: 80, SoC_SF: 0 }, 'battery_soc_pct', 80],
    [802, { W: -1500, W_SF: 0 }, 'battery_power_w', -1500],
    [802, { A: -305, A_SF: -1 }, 'battery_current_a', -30.5],
    [113, { W: 4321.5 }, 'ac_power_w', 4321.5],
    [213, { TotWhImp: 1e6 }, 'energy_imported_wh', 1e6],
  ])('model %i maps %j to %s', (id, values, metric, expected) => {
    const def = library.get(id)!;
    const out = modelMetrics(decodeModel(def, encodeModel(def, values)));
    expect(out.find((v) => v.metric === metric)?.value).toBeCloseTo(expected, 6);
  });

  it('gives no value for a float model point that is NaN (not implemented)', () => {
    const def = library.get(113)!;
    const out = modelMetrics(decodeModel(def, encodeModel(def, { W: 100 })));
    expect(out.map((v) => v.metric)).toContain('ac_power_w');
    expect(out.map((v) => v.metric)).not.toContain('ac_current_a');
  });
});
