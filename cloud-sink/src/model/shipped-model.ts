import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The model shipped with the sink: what `pnpm train` writes and `pnpm evaluate` and the demo read by default. */
export const SHIPPED_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/hvac-setpoint');
