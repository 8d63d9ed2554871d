import { describe, expect, it } from 'vitest';
import { checkDayCurveOptions, integrateHours, localHour, solarFraction } from './day-curve.js';
import { MAX_INTEGRATED_GAP_MS, siteInstant, SiteEnergyCounter, type SiteConfig } from './site-model.js';

const utc = (iso: string): Date => new Date(`${iso}Z`);
const UTC = { utcOffsetMinutes: 0 };

describe('solarFraction', () => {
  it.each([
    ['2025-06-21T00:00:00', 0],
    ['2025-06-21T03:00:00', 0],
    ['2025-06-21T06:00:00', 0],
    ['2025-06-21T09:00:00', Math.SQRT1_2],
    ['2025-06-21T12:00:00', 1],
    ['2025-06-21T15:00:00', Math.SQRT1_2],
    ['2025-06-21T18:00:00', 0],
    ['2025-06-21T21:00:00', 0],
    ['2025-06-21T23:59:59', 0],
  ])('at %s UTC is %d', (iso, expected) => {
    expect(solarFraction(utc(iso), UTC)).toBeCloseTo(expected, 9);
  });

  it('follows the configured offset: local noon at 10:00 UTC for UTC+2', () => {
    expect(solarFraction(utc('2025-06-21T10:00:00'), { utcOffsetMinutes: 120 })).toBeCloseTo(1, 9);
    expect(solarFraction(utc('2025-06-21T12:00:00'), { utcOffsetMinutes: 120 })).toBeCloseTo(Math.sin((Math.PI * 8) / 12), 9);
    expect(solarFraction(utc('2025-06-21T17:00:00'), { utcOffsetMinutes: -300 })).toBeCloseTo(1, 9);
    expect(localHour(utc('2025-06-21T23:30:00'), 60)).toBeCloseTo(0.5, 9);
    expect(localHour(utc('2025-06-21T00:30:00'), -60)).toBeCloseTo(23.5, 9);
  });

  it('follows configured sunrise and sunset hours', () => {
    const opts = { ...UTC, sunriseHour: 8, sunsetHour: 16 };
    expect(solarFraction(utc('2025-01-10T07:00:00'), opts)).toBe(0);
    expect(solarFraction(utc('2025-01-10T12:00:00'), opts)).toBeCloseTo(1, 9);
    expect(solarFraction(utc('2025-01-10T17:00:00'), opts)).toBe(0);
    expect(() => checkDayCurveOptions({ sunriseHour: 18, sunsetHour: 6 })).toThrow(RangeError);
  });

  it('is never negative, never above 1, zero all night, and peaks near noon', () => {
    let peakAt = 0;
    let peak = -1;
    for (let minute = 0; minute < 24 * 60; minute++) {
      const at = new Date(Date.UTC(2025, 5, 21, 0, minute));
      const f = solarFraction(at, UTC);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
      if (minute <= 6 * 60 || minute >= 18 * 60) expect(f).toBe(0);
      if (f > peak) [peak, peakAt] = [f, minute];
    }
    expect(peak).toBeCloseTo(1, 6);
    expect(Math.abs(peakAt - 12 * 60)).toBeLessThanOrEqual(1);
  });
});

describe('integrateHours', () => {
  it('integrates a constant exactly and a half sine to 2·D/π', () => {
    expect(integrateHours(utc('2025-06-21T00:00:00'), utc('2025-06-21T02:30:00'), () => 1000)).toBeCloseTo(2500, 6);
    const dayWh = integrateHours(utc('2025-06-21T00:00:00'), utc('2025-06-22T00:00:00'), (at) => 10_000 * solarFraction(at, UTC));
    expect(dayWh).toBeCloseTo((2 * 12 * 10_000) / Math.PI, 0); // 76,394 Wh
  });

  it('is zero for an empty or backwards interval', () => {
    expect(integrateHours(utc('2025-06-21T12:00:00'), utc('2025-06-21T12:00:00'), () => 1)).toBe(0);
    expect(integrateHours(utc('2025-06-21T13:00:00'), utc('2025-06-21T12:00:00'), () => 1)).toBe(0);
  });
});

describe('the site', () => {
  const cfg: SiteConfig = { ratedPowerW: 10_000, siteLoadW: 3_000, dayCurve: UTC };

  it.each([
    ['2025-06-21T02:00:00', 0, 3000, 'imports at night'],
    ['2025-06-21T12:00:00', 10_000, -7000, 'exports at noon'],
    ['2025-06-21T07:00:00', 10_000 * Math.sin(Math.PI / 12), 3000 - 10_000 * Math.sin(Math.PI / 12), 'imports in the early morning'],
  ])('at %s: inverter %d W, meter %d W (%s)', (iso, inverterW, meterW) => {
    const s = siteInstant(utc(iso), cfg);
    expect(s.inverter.acPowerW).toBeCloseTo(inverterW, 6);
    expect(s.meter.powerW).toBeCloseTo(meterW, 6);
    const [a, b, c] = s.meter.phasePowerW;
    expect(a + b + c).toBeCloseTo(s.meter.powerW, 6);
    expect(s.inverter.producing).toBe(inverterW > 0);
    for (const i of s.meter.phaseCurrentA) expect(i).toBeGreaterThanOrEqual(0);
  });

  it('has plausible grid and DC values', () => {
    const s = siteInstant(utc('2025-06-21T12:00:00'), cfg);
    for (const v of s.meter.phaseVoltageV) expect(v).toBeGreaterThan(220);
    for (const v of s.meter.lineVoltageV) expect(v).toBeGreaterThan(390);
    expect(s.meter.frequencyHz).toBeGreaterThan(49.9);
    expect(s.meter.frequencyHz).toBeLessThan(50.1);
    expect(s.inverter.dcPowerW).toBeGreaterThan(s.inverter.acPowerW);
    expect(s.inverter.dcVoltageV * s.inverter.dcCurrentA).toBeCloseTo(s.inverter.dcPowerW, 6);
    const night = siteInstant(utc('2025-06-21T23:00:00'), cfg);
    expect(night.inverter.dcPowerW).toBe(0);
    expect(night.inverter.phaseCurrentA).toEqual([0, 0, 0]);
  });

  it('energy counters only go up, and balance over a day', () => {
    const start = utc('2025-06-21T00:00:00');
    const counter = new SiteEnergyCounter(cfg, start, { inverterWh: 100, importedWh: 200, exportedWh: 300 });
    let prev = counter.energies;
    for (let minute = 8; minute <= 24 * 60; minute += 8) {
      const e = counter.advance(new Date(start.getTime() + minute * 60_000));
      expect(e.inverterWh).toBeGreaterThanOrEqual(prev.inverterWh);
      expect(e.importedWh).toBeGreaterThanOrEqual(prev.importedWh);
      expect(e.exportedWh).toBeGreaterThanOrEqual(prev.exportedWh);
      prev = e;
    }
    const produced = prev.inverterWh - 100;
    expect(produced).toBeCloseTo((2 * 12 * 10_000) / Math.PI, -1);
    // Grid balance: imported - exported = consumed - produced.
    const net = prev.importedWh - 200 - (prev.exportedWh - 300);
    expect(net).toBeCloseTo(3000 * 24 - produced, -1);
  });

  it('a clock going backwards counts nothing until it passes the latest instant', () => {
    const counter = new SiteEnergyCounter(cfg, utc('2025-06-21T12:00:00'), { inverterWh: 0, importedWh: 0, exportedWh: 0 });
    const a = counter.advance(utc('2025-06-21T13:00:00'));
    expect(a.inverterWh).toBeGreaterThan(9000);
    expect(counter.advance(utc('2025-06-21T11:00:00'))).toEqual(a);
    expect(counter.advance(utc('2025-06-21T12:30:00'))).toEqual(a);
    expect(counter.advance(utc('2025-06-21T13:00:00'))).toEqual(a);
    expect(counter.advance(utc('2025-06-21T13:01:00')).inverterWh).toBeGreaterThan(a.inverterWh);
  });

  it('a jump of more than a month is a clock correction, not production', () => {
    const start = utc('2025-06-21T12:00:00');
    const counter = new SiteEnergyCounter(cfg, start, { inverterWh: 0, importedWh: 0, exportedWh: 0 });
    const e = counter.advance(new Date(start.getTime() + MAX_INTEGRATED_GAP_MS + 1));
    expect(e).toEqual({ inverterWh: 0, importedWh: 0, exportedWh: 0 });
  });
});
