import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { load } from 'js-yaml';

const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

/** EdgeX's own OpenAPI documents (shared/edgex-openapi, copied verbatim from edgex-go), by service. */
export const EDGEX_DOCS = {
  'core-data': new URL('../../../shared/edgex-openapi/v3.1.1/core-data.yaml', import.meta.url),
  'core-metadata': new URL('../../../shared/edgex-openapi/v3.1.1/core-metadata.yaml', import.meta.url),
} as const;
export type EdgexService = keyof typeof EDGEX_DOCS;

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; [k: string]: unknown };

type Schemas = Record<
  string,
  { allOf?: Array<{ properties?: Record<string, unknown> }>; required?: string[] } & Record<string, unknown>
>;
type AnyDoc = Doc & { components: { schemas: Schemas } };

/**
 * Where EdgeX's documents contradict EdgeX's code, the code decides (the Go DTOs and controllers are what device
 * services and edgex-ui actually meet). Each exception names the place, both sides, and patches the document.
 */
export const DOC_EXCEPTIONS: Array<{
  service: EdgexService;
  where: string;
  doc: string;
  code: string;
  patch: (d: AnyDoc) => void;
}> = [
  {
    service: 'core-data',
    where: 'ObjectReading.objectValue',
    doc: 'type string, format byte',
    code: 'dtos.BaseReading.ObjectValue is interface{}: any JSON value, stored and returned as sent',
    patch: (d) => {
      const props = d.components.schemas.ObjectReading?.allOf?.[1]?.properties;
      if (props) props.objectValue = {};
    },
  },
  {
    service: 'core-data',
    where: '400 of GET /event/start/{start}/end/{end} and GET /reading/start/{start}/end/{end}',
    doc: 'an array of ErrorResponse',
    code: 'utils.WriteErrorResponse writes one ErrorResponse object, as for every other error',
    patch: (d) => {
      for (const p of ['/event/start/{start}/end/{end}', '/reading/start/{start}/end/{end}']) {
        const r = d.paths[p]?.get?.responses?.['400'] as { content: Record<string, { schema: unknown }> } | undefined;
        const json = r?.content['application/json'];
        if (json) json.schema = { $ref: '#/components/schemas/ErrorResponse' };
      }
    },
  },
  {
    service: 'core-metadata',
    where: 'AutoEvent',
    doc: 'requires "resource" (the EdgeX 2 name)',
    code: 'dtos.AutoEvent (v3) has interval, onChange and sourceName (required); device-sdk-go v3 sends sourceName',
    patch: (d) => {
      const a = d.components.schemas.AutoEvent;
      if (a) a.required = ['interval', 'sourceName'];
    },
  },
  {
    service: 'core-metadata',
    where: 'ProtocolProperties',
    doc: 'each property an object',
    code: 'dtos.ProtocolProperties is map[string]any: values of any type ("Address": "simple01")',
    patch: (d) => {
      const p = d.components.schemas.ProtocolProperties;
      if (p) p.additionalProperties = {};
    },
  },
  {
    service: 'core-metadata',
    where: 'MultiProvisionWatchersResponse',
    doc: 'list key "provisionwatchers"',
    code: 'responses.MultiProvisionWatchersResponse uses json:"provisionWatchers" (device-sdk-go reads that)',
    patch: () => {},
  },
];

/** One of EdgeX's documents as a plain object, with the exceptions above applied. */
export function loadEdgexDoc(service: EdgexService): Doc {
  // js-yaml, not yaml: the documents indent some flow sequences in a way yaml refuses and js-yaml (like PyYAML) takes.
  const doc = load(readFileSync(EDGEX_DOCS[service], 'utf8')) as AnyDoc;
  for (const e of DOC_EXCEPTIONS) if (e.service === service) e.patch(doc);
  return doc;
}

/** Validates responses against the response schemas of EdgeX's documents, with an OpenAPI 3.1 (2020-12) validator. */
export class EdgexContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly docs = new Map<EdgexService, Doc>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    this.ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
    for (const service of Object.keys(EDGEX_DOCS) as EdgexService[]) {
      const doc = loadEdgexDoc(service);
      this.docs.set(service, doc);
      this.ajv.addSchema(doc as object, service);
    }
  }

  /** The statuses the document lists for an operation (path as in the document, e.g. /event/id/{id}). */
  statuses(service: EdgexService, method: string, path: string): string[] {
    const op = this.docs.get(service)?.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${service} documents no ${method} ${path}`);
    return Object.keys(op.responses ?? {});
  }

  /** Problems of `body` against the documented schema of this response; throws if the status is not documented. */
  check(service: EdgexService, method: string, path: string, status: number, body: unknown): string[] {
    if (!this.statuses(service, method, path).includes(String(status))) {
      throw new Error(`${service} ${method} ${path} does not document status ${status}`);
    }
    const pointer = `/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    const key = `${service}#${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: key });
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} (${e.schemaPath})`);
  }
}
