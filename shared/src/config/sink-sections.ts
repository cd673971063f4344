import { type Static, Type } from '@sinclair/typebox';
import { configSection } from './load-config.js';

/**
 * The set-point inference settings, one section for the cloud sink (`inference`) and for the sink embedded in a
 * gateway (`embeddedSink.inference`): same names, same defaults.
 */
export const InferenceConfigSection = configSection(
  {
    modelDir: Type.String({
      default: 'builtin',
      description: "TensorFlow.js model directory; 'builtin' = the model shipped with the sink; empty = no inference",
    }),
    sampleSpacingSeconds: Type.Integer({
      default: 60,
      minimum: 0,
      description:
        'readings closer than this to the previous one in a device window are skipped (the shipped model was trained on one-minute readings); a gap over 10x this starts a new window',
    }),
    minSetpointC: Type.Number({ default: 18, description: 'recommendations are clamped to [min, max]' }),
    maxSetpointC: Type.Number({ default: 27 }),
    defaultSetpointC: Type.Number({ default: 24, description: 'set-point feature for devices that report none' }),
    upperLimitC: Type.Number({
      default: 27,
      minimum: 15,
      maximum: 45,
      description:
        'the safety supervisor keeps room air at or below this (ASHRAE recommended inlet limit); it judges every recommendation and cannot be switched off',
    }),
    guardBandC: Type.Number({
      default: 0.5,
      minimum: 0.1,
      maximum: 5,
      description:
        'the supervisor aims projected room air at upperLimitC minus this, and never raises the set-point above it',
    }),
    calibrate: Type.Boolean({
      default: true,
      description:
        "learn a per-device offset on the model's proposals from the room's own tracking error (online calibration)",
    }),
  },
  'set-point inference on each device window',
);

/**
 * The closed loop: recommendations sent to the devices as set-point commands. The interval's default is the control
 * step the shipped model was evaluated with (`pnpm evaluate`: every 5 minutes).
 */
export const ClosedLoopConfigSection = configSection(
  {
    enabled: Type.Boolean({ default: false, description: 'send recommendations to the devices as set-point commands' }),
    intervalSeconds: Type.Integer({
      minimum: 1,
      default: 300,
      description: 'at most one command per device per interval',
    }),
    deadbandC: Type.Number({ minimum: 0, default: 0.5, description: 'smaller changes are not sent' }),
    ttlSeconds: Type.Integer({ minimum: 1, default: 900, description: 'command expiry' }),
  },
  'recommendations back to the devices',
);

export type InferenceSettings = Static<typeof InferenceConfigSection>;
export type ClosedLoopSettings = Static<typeof ClosedLoopConfigSection>;
