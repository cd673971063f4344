import { Type } from '@sinclair/typebox';

/** Response shapes of the monitoring API (plugin.ts): the time and unit fields, and the analysis routes' answers. */

export const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const Unit = Type.String({ description: 'unit of value: %, count, bytes, bytes/s or s' });

export const AnomalyResponse = Type.Object(
  {
    name: Type.String(),
    metric: Type.String(),
    unit: Unit,
    stepSeconds: Type.Integer({ description: 'the roll-up tier scored: 60 or 3600' }),
    start: Time,
    end: Time,
    points: Type.Array(
      Type.Object(
        {
          now: Time,
          value: Type.Number(),
          score: Type.Number({ minimum: 0, maximum: 1 }),
          level: Type.Union(['normal', 'info', 'warning', 'critical'].map((l) => Type.Literal(l))),
          reason: Type.Union([
            Type.Literal('new-extreme'),
            Type.Literal('new-transition'),
            Type.Literal('new-at-time-of-day'),
            Type.Null(),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export const ForecastResponse = Type.Object(
  {
    name: Type.String(),
    metric: Type.String(),
    unit: Unit,
    method: Type.String(),
    threshold: Type.Number(),
    horizonDays: Type.Integer(),
    fittedPoints: Type.Integer({ description: 'hourly points the fit used (fewer than 6: no forecast)' }),
    fittedTo: Time,
    trendPerDay: Type.Union([Type.Number(), Type.Null()]),
    seasonal: Type.Boolean({ description: 'a daily profile was fitted (two days of history or more)' }),
    daysUntilThreshold: Type.Union([Type.Number(), Type.Null()], {
      description:
        'days from the last hourly point until the forecast reaches the threshold; null: not within the horizon',
    }),
    series: Type.Array(
      Type.Object(
        { now: Time, value: Type.Number(), lower: Type.Number(), upper: Type.Number() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
/** Forecasts reach this far at most (a year of hourly points, within MAX_POINTS). */
export const MAX_HORIZON_DAYS = 365;
export const DEFAULT_PERCENT_THRESHOLD = 90;
