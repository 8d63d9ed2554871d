import { describe, expect, it } from 'vitest';
import {
  createInverterDevice,
  createMeterDevice,
  INVERTER_MODEL,
  InverterState,
  loadSiteModelDefinitions,
  METER_MODEL,
  pickScaleFactor,
} from './site-devices.js';
import { siteInstant, type SiteConfig } from './site-model.js';

const defs = loadSiteModelDefinitions();
const energies = { inverterWh: 25_000_123.9, importedWh: 9_000_000.2, exportedWh: 18_000_000.7 };

describe('pickScaleFactor', () => {
  it.each([
    [12_500, -1, 32767, true, 1], // 10 kW inverter W: -1 overflows, 0 is skipped
    [3_000, -1, 32767, true, -1], // 2.4 kW inverter: tenths of a watt fit
    [500_000, -1, 32767, true, 2],
    [54, -2, 65534, false, -2],
    [800, -2, 65534, false, -1],
    [5_000, -2, 32767, false, 0], // 0 allowed without avoidZero
  ])('max %d, preferred %d, limit %d, avoidZero %s -> %d', (max, preferred, limit, avoidZero, sf) => {
    expect(pickScaleFactor(max, { preferred, limit, avoidZero })).toBe(sf);
  });
});

describe('device images', () => {
  const cfg: SiteConfig = { ratedPowerW: 10_000, siteLoadW: 3_000, dayCurve: { utcOffsetMinutes: 0 } };
  const noon = siteInstant(new Date('2025-06-21T12:00:00Z'), cfg);
  const night = siteInstant(new Date('2025-06-21T00:00:00Z'), cfg);

  it('the inverter presents model 103 with non-zero scale factors', () => {
    const inv = createInverterDevice(cfg, 1, defs);
    const img = inv.image;
    expect(img.getPoint(1, 'Mn')).toBe('SolarHub');
    expect(img.getPoint(1, 'DA')).toBe(1);
    inv.present(noon, energies);
    const sf = (p: string): unknown => img.getPoint(INVERTER_MODEL, p);
    expect([sf('A_SF'), sf('V_SF'), sf('W_SF'), sf('Hz_SF'), sf('WH_SF'), sf('Tmp_SF')]).toEqual([-2, -1, 1, -2, 0, -1]);
    expect(img.getScaled(INVERTER_MODEL, 'W')).toBe(10_000);
    expect(img.getPoint(INVERTER_MODEL, 'W')).toBe(1000);
    expect(img.getScaled(INVERTER_MODEL, 'WH')).toBe(25_000_123);
    expect(img.getPoint(INVERTER_MODEL, 'St')).toBe(InverterState.MPPT);
    expect(img.getScaled(INVERTER_MODEL, 'Hz')).toBeCloseTo(50, 1);
    expect(img.getScaled(INVERTER_MODEL, 'PhVphA')).toBeGreaterThan(220);
    expect(img.getScaled(INVERTER_MODEL, 'A')).toBeCloseTo(10_000 / 232.3, 0);
    expect(img.getScaled(INVERTER_MODEL, 'DCW')).toBeGreaterThan(10_000);
    expect(img.getScaled(INVERTER_MODEL, 'TmpCab')).toBeGreaterThan(20);
    expect(img.getPoint(INVERTER_MODEL, 'PF')).toBeNull();
    expect(img.getPoint(INVERTER_MODEL, 'Evt1')).toBe(0);

    inv.present(night, energies);
    expect(img.getScaled(INVERTER_MODEL, 'W')).toBe(0);
    expect(img.getScaled(INVERTER_MODEL, 'DCA')).toBe(0);
    expect(img.getPoint(INVERTER_MODEL, 'St')).toBe(InverterState.SLEEPING);
  });

  it('the meter presents model 203: negative W when exporting, counters in Wh', () => {
    const meter = createMeterDevice(cfg, 2, defs);
    const img = meter.image;
    expect(img.getPoint(1, 'DA')).toBe(2);
    meter.present(noon, energies);
    expect(img.getPoint(METER_MODEL, 'W_SF')).toBe(1);
    expect(img.getScaled(METER_MODEL, 'W')).toBe(-7000);
    const phases = ['WphA', 'WphB', 'WphC'].map((p) => img.getScaled(METER_MODEL, p) ?? Number.NaN);
    expect(phases.reduce((a, b) => a + b, 0)).toBeCloseTo(-7000, -2);
    expect(img.getScaled(METER_MODEL, 'TotWhExp')).toBe(18_000_000);
    expect(img.getScaled(METER_MODEL, 'TotWhImp')).toBe(9_000_000);
    expect(img.getScaled(METER_MODEL, 'PhVphAB')).toBeGreaterThan(390);
    expect(img.getScaled(METER_MODEL, 'VA')).toBeNull();
    expect(img.getScaled(METER_MODEL, 'TotWhExpPhA')).toBeNull();

    meter.present(night, energies);
    expect(img.getScaled(METER_MODEL, 'W')).toBe(3000);
    expect(img.getScaled(METER_MODEL, 'A')).toBeGreaterThan(0);
  });

  it('a small inverter gets W_SF -1 (tenths of a watt)', () => {
    const small: SiteConfig = { ...cfg, ratedPowerW: 2_400, siteLoadW: 800 };
    const inv = createInverterDevice(small, 1, defs);
    inv.present(siteInstant(new Date('2025-06-21T12:00:00Z'), small), energies);
    expect(inv.image.getPoint(INVERTER_MODEL, 'W_SF')).toBe(-1);
    expect(inv.image.getPoint(INVERTER_MODEL, 'W')).toBe(24_000);
    expect(inv.image.getScaled(INVERTER_MODEL, 'W')).toBe(2_400);
  });

  it('a 100 kW site still fits every int16', () => {
    const big: SiteConfig = { ...cfg, ratedPowerW: 100_000, siteLoadW: 40_000 };
    const inv = createInverterDevice(big, 1, defs);
    const meter = createMeterDevice(big, 2, defs);
    for (const iso of ['2025-06-21T12:00:00Z', '2025-06-21T00:00:00Z']) {
      const s = siteInstant(new Date(iso), big);
      inv.present(s, energies);
      meter.present(s, energies);
    }
    expect(inv.image.getScaled(INVERTER_MODEL, 'W')).toBe(0);
    expect(meter.image.getScaled(METER_MODEL, 'W')).toBe(40_000);
  });
});
