import { describe, expect, it } from 'vitest';
import { parseSelector } from './support/tsdb.js';

describe('TSDB selector for InfluxDB read-back', () => {
  it('splits measurement, field and tag filters as the sink names them', () => {
    expect(parseSelector('climate_ext_temperature{gateway="gw-1",device="r"}')).toEqual({
      measurement: 'climate',
      field: 'ext_temperature',
      tags: { gateway: 'gw-1', device: 'r' },
    });
    expect(parseSelector('hvac_recommendation_recommended_setpoint')).toEqual({
      measurement: 'hvac_recommendation',
      field: 'recommended_setpoint',
      tags: {},
    });
    expect(() => parseSelector('cpu_usage')).toThrow('no known measurement');
  });
});
