import { makeEnrichedEvent } from '@hvac-edge/test/support';
import type { PointRecord } from '../src/points.js';

/** The source report's device as the sink gets it: dev1 in Gwangju, with weather and an applied set-point. */
export const reportEvent = (origin: bigint) =>
  makeEnrichedEvent({
    deviceName: 'dev1',
    origin,
    readings: { temperature: '24.5', humidity: '41', setpoint: '18' },
    location: 'Gwangju',
    weather: { temperatureC: 30.25, humidityPct: 70, weatherStatus: 6 },
  });

/** A recommendation for it, as the recommender writes one. */
export const reportRecommendation = (origin: bigint): PointRecord => ({
  measurement: 'hvac_recommendation',
  tags: { device: 'dev1', model: 'hvac-setpoint@1', location: 'Gwangju' },
  fields: { recommended_setpoint: 24 },
  time: origin.toString(),
});
