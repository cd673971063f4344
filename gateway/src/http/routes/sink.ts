import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { RouteDeps } from '../types.js';

const tags = ['embedded-sink'];
const NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
/** A series answer holds at most this many buckets; a wider range needs a coarser step. */
export const MAX_SERIES_POINTS = 2000;
/** The longest range one series query may cover (the embedded points' retention is usually shorter). */
export const MAX_SERIES_RANGE_DAYS = 31;
/** The last millisecond an int64 nanosecond origin can hold (2262-04-11): found by schemathesis, a larger one was a 500. */
const MAX_TIME_MS = 9_223_372_036_853;

/**
 * The embedded sink's points, when the sink runs in this gateway: the newest values per device, and one field as a
 * time series (what the dashboard charts). Absent otherwise: in Kafka mode the points are in InfluxDB.
 */
export const sinkRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const sink = deps.sink;
  if (!sink) return;
  app.get(
    '/api/v3/sink/summary',
    {
      schema: {
        tags,
        summary: 'Embedded cloud sink: counts, and per device the newest reading, weather and recommendation',
      },
    },
    async () => sink.summary(),
  );

  app.get(
    '/api/v3/sink/series',
    {
      schema: {
        tags,
        summary: `One field of a measurement over time, aggregated per step (at most ${MAX_SERIES_POINTS} steps, ${MAX_SERIES_RANGE_DAYS} days)`,
        querystring: Type.Object({
          measurement: Type.String({ pattern: NAME, description: 'climate or hvac_recommendation' }),
          field: Type.String({ pattern: NAME, description: 'e.g. temperature, recommended_setpoint' }),
          device: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          start: Type.Optional(
            Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'Unix ms; default end − 24 h' }),
          ),
          end: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'Unix ms; default now' })),
          step: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: MAX_SERIES_RANGE_DAYS * 86_400,
              description: `seconds; default the range / ${MAX_SERIES_POINTS / 4}`,
            }),
          ),
          agg: Type.Union([Type.Literal('mean'), Type.Literal('min'), Type.Literal('max'), Type.Literal('last')], {
            default: 'mean',
          }),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const end = q.end ?? Date.now();
      const start = q.start ?? end - 86_400_000;
      if (start >= end) throw new HttpError(400, 'start must be before end');
      if (end - start > MAX_SERIES_RANGE_DAYS * 86_400_000) {
        throw new HttpError(400, `the range is longer than ${MAX_SERIES_RANGE_DAYS} days`);
      }
      const step = q.step ?? Math.max(1, Math.ceil((end - start) / 1000 / (MAX_SERIES_POINTS / 4)));
      const buckets = Math.ceil((end - start) / 1000 / step);
      if (buckets > MAX_SERIES_POINTS) {
        const least = Math.ceil((end - start) / 1000 / MAX_SERIES_POINTS);
        throw new HttpError(
          400,
          `step ${step} s makes ${buckets} points, more than ${MAX_SERIES_POINTS}: use step >= ${least}`,
        );
      }
      const points = sink.series({
        measurement: q.measurement,
        field: q.field,
        ...(q.device === undefined ? {} : { device: q.device }),
        fromNs: BigInt(start) * 1_000_000n,
        toNs: BigInt(end) * 1_000_000n,
        stepNs: BigInt(step) * 1_000_000_000n,
        agg: q.agg,
      });
      return {
        measurement: q.measurement,
        field: q.field,
        device: q.device ?? null,
        agg: q.agg,
        start,
        end,
        step,
        points,
      };
    },
  );
};
