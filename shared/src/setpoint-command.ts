import { type Static, Type } from '@sinclair/typebox';
import { SchemaValidator, type Validation } from './schema-validation.js';

/** The message on the commands topic (cloud sink -> gateway -> device). Key = device name. */
export const SetpointCommandSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    device: Type.String({ minLength: 1 }),
    setpoint: Type.Number({ description: '°C' }),
    model: Type.String({ description: 'model (version) that recommended it, or who sent it' }),
    idempotencyKey: Type.String({ minLength: 1 }),
    issuedAt: Type.Integer({ minimum: 0, description: 'Unix ms' }),
    expiresAt: Type.Integer({ minimum: 0, description: 'Unix ms; not applied after this' }),
  },
  { $id: 'SetpointCommand', additionalProperties: false },
);
export type SetpointCommand = Static<typeof SetpointCommandSchema>;

const shape = new SchemaValidator<SetpointCommand>(SetpointCommandSchema);

export function decodeSetpointCommand(bytes: Buffer | null): Validation<SetpointCommand> {
  if (bytes === null) return { ok: false, errors: ['message has no value'] };
  try {
    return shape.validate(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    return { ok: false, errors: [`message is not JSON: ${(err as Error).message}`] };
  }
}
