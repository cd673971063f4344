import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, LogSampler, secretMatcher } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { AlertEngine } from './alerts.js';
import {
  AnomalyResponse,
  DEFAULT_PERCENT_THRESHOLD,
  ForecastResponse,
  MAX_HORIZON_DAYS,
  Time,
  Unit,
} from './analysis-schemas.js';
import { isMetricName, METRIC_NAMES, METRICS, type MetricName } from './catalog.js';
import { type Line, LineProtocolError, parseLineProtocol, timestampToMs } from './line-protocol.js';
import { billingView, meterServers } from './metering.js';
import type { MonitoringService } from './monitoring-service.js';
import { decodeRequestBody } from './request-encoding.js';
import { telegrafSnapshots } from './telegraf.js';

const tags = ['monitoring'];
const MetricValue = Type.Object(
  {
    now: Type.Union([Time], { description: 'time of the value (sample time, or bucket start in a window)' }),
    name: Type.String({ description: 'target' }),
    host: Type.String(),
    start: Type.Union([Time], { description: 'start of the window (latest: start of the collection interval)' }),
    end: Type.Union([Time], { description: 'end of the window' }),
    value: Type.Union([Type.Number(), Type.Null()]),
    unit: Unit,
  },
  { additionalProperties: false },
);
const LatestValue = Type.Object(
  { ...MetricValue.properties, stale: Type.Boolean({ description: 'no sample within monitoring.staleAfterSeconds' }) },
  { additionalProperties: false },
);
const security = [{ credential: [] }];
/** Points one window query may return. */
const MAX_POINTS = 10_000;
const CloudParams = Type.Object({ cloud: Type.String() });

function parseTime(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, `${name} must be Unix ms or an ISO 8601 time, got ${raw}`);
  return ms;
}

const iso = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());
/** For messages about times a client sent: a time past what Date can hold is named as its number. */
const describeTime = (ms: number) => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`);

export interface MonitoringPluginOptions {
  monitoring: MonitoringService;
  alerts: AlertEngine;
  /** Accepted values of the `credential` header; none = every call 401. */
  credentials: readonly string[];
}

/**
 * The infrastructure-management API (spec 000) as a Fastify plugin: `/infra/cloudServices/{target}/monitoring/{metric}`,
 * the target list, metering and billing, alerts, and a line-protocol push endpoint for Telegraf. Every call needs
 * the `credential` header.
 */
export const monitoringPlugin: FastifyPluginAsyncTypebox<MonitoringPluginOptions> = async (app, deps) => {
  const { monitoring, alerts } = deps;
  const matches = secretMatcher(deps.credentials);
  app.addHook('onRequest', async (request) => {
    const given = request.headers.credential;
    if (typeof given !== 'string' || given === '') throw new HttpError(401, 'the credential header is required');
    if (deps.credentials.length === 0) {
      throw new HttpError(401, 'no monitoring credentials are configured (monitoring.credentials)');
    }
    if (!matches(given)) throw new HttpError(401, 'invalid credential');
  });

  const cfg = monitoring.config;
  /** A window must lie within what the history can hold, and a step may not ask for more than MAX_POINTS points. */
  const checkWindow = (from: number, to: number, step: number | undefined) => {
    const now = monitoring.now();
    const oldest = now - cfg.history.hourDays * 86_400_000;
    const newest = now + 86_400_000;
    if (from < oldest || to > newest) {
      throw new HttpError(400, `the window must lie within ${iso(oldest)} .. ${iso(newest)} (the history kept)`);
    }
    if (step !== undefined && (to - from) / (step * 1000) > MAX_POINTS) {
      throw new HttpError(
        400,
        `step ${step} s gives more than ${MAX_POINTS} points over this window; use a larger step`,
      );
    }
  };
  const resolveTarget = (name: string) => {
    const t = monitoring.targets.get(name);
    if (!t) {
      const valid = [...monitoring.targets.keys()].join(', ');
      throw new HttpError(404, `unknown target ${name}; valid targets: ${valid}`);
    }
    return t;
  };
  const metricOf = (name: string): MetricName => {
    if (!isMetricName(name))
      throw new HttpError(404, `unknown metric ${name}; valid metrics: ${METRIC_NAMES.join(', ')}`);
    return name;
  };

  app.get('/infra/cloudServices', { schema: { tags, security, summary: 'Monitored targets' } }, async () => ({
    targets: [...monitoring.targets.values()].map((t) => ({
      name: t.name,
      host: t.host,
      source: t.source,
      lastSampleAt: iso(t.lastSampleAt),
      stale: monitoring.isStale(t),
      metrics: [...t.series.keys()],
    })),
  }));

  app.get(
    '/infra/cloudServices/:target/monitoring/:metric',
    {
      schema: {
        tags,
        security,
        summary: `Latest value, or a window with start/end (Unix ms or ISO 8601), step (s) and aggregation. Units: ${METRIC_NAMES.map((m) => `${m} ${METRICS[m].unit}`).join(', ')}`,
        params: Type.Object({ target: Type.String(), metric: Type.String() }),
        querystring: Type.Object({
          start: Type.Optional(Type.String()),
          end: Type.Optional(Type.String()),
          step: Type.Optional(Type.Integer({ minimum: 1, description: 'seconds' })),
          aggregation: Type.Union(
            [Type.Literal('min'), Type.Literal('max'), Type.Literal('avg'), Type.Literal('last')],
            { default: 'avg' },
          ),
        }),
        response: {
          200: Type.Union([LatestValue, Type.Array(MetricValue)], {
            description: 'an object for the latest value; an array of points (one per step) for a window',
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const t = resolveTarget(request.params.target);
      const metric = metricOf(request.params.metric);
      const unit = METRICS[metric].unit;
      const start = parseTime(q.start, 'start');
      const end = parseTime(q.end, 'end');
      if (start === undefined && end === undefined) {
        const latest = monitoring.latest(t.name, metric);
        return {
          now: iso(latest?.at),
          name: t.name,
          host: t.host,
          start: iso(latest ? latest.at - cfg.intervalSeconds * 1000 : undefined),
          end: iso(latest?.at),
          value: latest?.value ?? null,
          unit,
          stale: monitoring.isStale(t),
        };
      }
      const to = end ?? monitoring.now();
      const from = start ?? to - 3_600_000;
      if (to < from) throw new HttpError(400, 'end is before start');
      checkWindow(from, to, q.step);
      const points = monitoring.window(t.name, metric, from, to, q.step ? q.step * 1000 : undefined, q.aggregation);
      // Formatted once, not per point: a day at a 5 min step is 288 points.
      const [windowStart, windowEnd] = [iso(from), iso(to)];
      return points.map((p) => ({
        now: iso(p.at),
        name: t.name,
        host: t.host,
        start: windowStart,
        end: windowEnd,
        value: p.value,
        unit,
      }));
    },
  );

  app.get(
    '/infra/cloudServices/:target/anomaly/:metric',
    {
      schema: {
        tags,
        security,
        summary:
          'Anomaly score and level per point of a window (start/end: Unix ms or ISO 8601; default the last 24 h), from the streaming novelty detector over the 1-minute tier (windows within monitoring.history.minuteHours) or the 1-hour tier',
        params: Type.Object({ target: Type.String(), metric: Type.String() }),
        querystring: Type.Object({ start: Type.Optional(Type.String()), end: Type.Optional(Type.String()) }),
        response: { 200: AnomalyResponse },
      },
    },
    async (request) => {
      const t = resolveTarget(request.params.target);
      const metric = metricOf(request.params.metric);
      const to = parseTime(request.query.end, 'end') ?? monitoring.now();
      const from = parseTime(request.query.start, 'start') ?? to - 86_400_000;
      if (to < from) throw new HttpError(400, 'end is before start');
      checkWindow(from, to, monitoring.analysisStepMs(from) / 1000);
      const { stepMs, points } = monitoring.anomalies(t.name, metric, from, to);
      return {
        name: t.name,
        metric,
        unit: METRICS[metric].unit,
        stepSeconds: stepMs / 1000,
        start: iso(from),
        end: iso(to),
        points: points.map((p) => ({
          now: iso(p.at),
          value: p.value,
          score: p.score,
          level: p.level,
          reason: p.reason,
        })),
      };
    },
  );

  app.get(
    '/infra/cloudServices/:target/forecast/:metric',
    {
      schema: {
        tags,
        security,
        summary:
          'Forecast of a metric from its 1-hour tier (linear trend + daily profile, 95 % band) and the days until it reaches threshold (default: 90 for % metrics, retention.maxDiskBytes for buffer_bytes)',
        params: Type.Object({ target: Type.String(), metric: Type.String() }),
        querystring: Type.Object({
          horizonDays: Type.Integer({ minimum: 1, maximum: MAX_HORIZON_DAYS, default: 30 }),
          threshold: Type.Optional(Type.Number()),
        }),
        response: { 200: ForecastResponse },
      },
    },
    async (request) => {
      const t = resolveTarget(request.params.target);
      const metric = metricOf(request.params.metric);
      const unit = METRICS[metric].unit;
      if (request.query.threshold !== undefined && !Number.isFinite(request.query.threshold)) {
        throw new HttpError(400, `threshold must be a finite number, got ${request.query.threshold}`);
      }
      const threshold =
        request.query.threshold ??
        (unit === '%'
          ? DEFAULT_PERCENT_THRESHOLD
          : metric === 'buffer_bytes'
            ? monitoring.buffer?.limitBytes
            : undefined);
      if (threshold === undefined) {
        throw new HttpError(
          400,
          `threshold is required for ${metric} (unit ${unit}); only % metrics and buffer_bytes have a default`,
        );
      }
      const f = monitoring.forecast(t.name, metric, request.query.horizonDays * 86_400_000, threshold);
      return {
        name: t.name,
        metric,
        unit,
        method: 'linear trend + daily profile (least squares on the 1-hour tier), 95 % prediction band',
        threshold,
        horizonDays: request.query.horizonDays,
        fittedPoints: f.fittedPoints,
        fittedTo: iso(f.fittedTo),
        trendPerDay: f.trendPerDay,
        seasonal: f.seasonal,
        daysUntilThreshold: f.daysUntilThreshold,
        series: f.series.map((p) => ({ now: iso(p.at), value: p.value, lower: p.lower, upper: p.upper })),
      };
    },
  );

  const meterCloud = (cloud: string) => {
    if (cloud !== cfg.metering.cloudName)
      throw new HttpError(404, `unknown cloud ${cloud}; valid: ${cfg.metering.cloudName}`);
  };
  app.get(
    '/infra/cloudServices/:cloud/meter/servers',
    { schema: { tags, security, summary: 'Metering of the configured VMs (meterDuration in s)', params: CloudParams } },
    async (request) => {
      meterCloud(request.params.cloud);
      return meterServers(monitoring, cfg.metering);
    },
  );
  app.get(
    '/infra/cloudServices/:cloud/meter/servers/billing',
    { schema: { tags, security, summary: 'Expected billing of the configured VMs', params: CloudParams } },
    async (request) => {
      meterCloud(request.params.cloud);
      return billingView(meterServers(monitoring, cfg.metering));
    },
  );

  app.get(
    '/infra/alerts',
    { schema: { tags, security, summary: 'Active alerts and recent alert events' } },
    async () => ({
      active: alerts.activeAlerts(),
      recent: alerts.recentEvents(),
    }),
  );

  /** Every pushed line names its target and carries a time the history can hold (else 400 naming the line). */
  const checkPushedLines = (lines: Line[], q: { precision: string; target?: string }) => {
    const now = monitoring.now();
    const oldest = now - cfg.history.hourDays * 86_400_000;
    for (const l of lines) {
      if (!l.tags.host && !q.target) {
        throw new HttpError(400, `line ${l.lineNumber}: no host tag and no ?target= to name the target`);
      }
      const at = timestampToMs(l.timestamp, q.precision, now);
      if (!(at >= oldest && at <= now + 300_000)) {
        throw new HttpError(
          400,
          `line ${l.lineNumber}: timestamp ${Number.isFinite(at) ? describeTime(at) : String(l.timestamp)} is outside ${iso(oldest)} .. ${iso(now + 300_000)} (check ?precision=)`,
        );
      }
    }
  };

  const refusedPushes = new LogSampler();
  app.post(
    '/infra/write',
    {
      schema: {
        tags,
        security,
        summary: "InfluxDB line protocol as Telegraf's http output sends it (cpu, mem, disk, diskio, system, net)",
        querystring: Type.Object({ precision: Type.String({ default: 'ns' }), target: Type.Optional(Type.String()) }),
      },
      preParsing: decodeRequestBody,
      // A refused push is logged (ten lines a minute at most): the pusher is a machine, and nobody reads its 400s.
      onError: async (request, _reply, err) => {
        const { log, suppressed } = refusedPushes.take();
        if (log) request.log.warn({ reason: err.message, suppressed }, 'monitoring push refused');
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (typeof request.body !== 'string') throw new HttpError(400, 'body must be line protocol (text/plain)');
      let lines: ReturnType<typeof parseLineProtocol>;
      try {
        lines = parseLineProtocol(request.body);
      } catch (err) {
        if (err instanceof LineProtocolError) throw new HttpError(400, err.message);
        throw err;
      }
      checkPushedLines(lines, q);
      const snaps = telegrafSnapshots(lines, {
        precision: q.precision,
        now: monitoring.now(),
        mountPoint: cfg.mountPoint,
        ...(q.target ? { defaultTarget: q.target } : {}),
      });
      const refused = monitoring.refusePush(snaps.map((s) => s.target));
      if (refused) throw new HttpError(400, refused);
      for (const { target, snapshot } of snaps.sort((a, b) => a.snapshot.at - b.snapshot.at)) {
        monitoring.ingest(target, target, 'push', snapshot);
      }
      return reply.code(204).send();
    },
  );
};
