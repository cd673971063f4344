import { type Document, Long } from 'bson';
import { aggregate, find, update } from 'mingo';

/** In-memory databases: database -> collection -> documents, plus each collection's unique indexes. */
export class MemoryData {
  readonly dbs = new Map<string, Map<string, Document[]>>();
  readonly unique = new Map<string, string[][]>(); // "db.coll" -> key field lists
  readonly indexes = new Map<string, Document[]>(); // "db.coll" -> index specs (besides _id_), by creation

  coll(db: string, name: string): Document[] {
    const d = this.dbs.get(db) ?? new Map<string, Document[]>();
    this.dbs.set(db, d);
    const c = d.get(name) ?? [];
    d.set(name, c);
    return c;
  }

  uniqueKeys(db: string, name: string): string[][] {
    return [['_id'], ...(this.unique.get(`${db}.${name}`) ?? [])];
  }
}

class CommandError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly codeName: string,
  ) {
    super(message);
  }
}

const key = (doc: Document, fields: string[]) => JSON.stringify(fields.map((f) => doc[f]));

function conflicts(data: MemoryData, db: string, name: string, doc: Document, ignore?: Document): string | undefined {
  for (const fields of data.uniqueKeys(db, name)) {
    const k = key(doc, fields);
    if (data.coll(db, name).some((d) => d !== ignore && key(d, fields) === k)) {
      return `E11000 duplicate key error collection: ${db}.${name} index: ${fields.join('_')} dup key: ${k}`;
    }
  }
  return undefined;
}

const cursor = (db: string, name: string, docs: Document[]) => ({
  cursor: { id: Long.ZERO, ns: `${db}.${name}`, firstBatch: docs },
  ok: 1,
});

/** Applies an update document (operators via mingo, or a replacement) to `doc` in place. */
function applyUpdate(doc: Document, u: Document, inserting: boolean): void {
  const ops = Object.keys(u).some((k) => k.startsWith('$'));
  if (!ops) {
    for (const k of Object.keys(doc)) if (k !== '_id') delete doc[k];
    Object.assign(doc, u);
    return;
  }
  const { $setOnInsert, ...rest } = u;
  if (inserting && $setOnInsert) Object.assign(doc, $setOnInsert);
  if (Object.keys(rest).length > 0) update(doc, rest as never);
}

/** Seed fields an upsert takes from its query's equality conditions. */
function upsertSeed(q: Document): Document {
  return Object.fromEntries(
    Object.entries(q).filter(([k, v]) => !k.startsWith('$') && (typeof v !== 'object' || v === null)),
  );
}

export type Handler = (data: MemoryData, db: string, cmd: Document) => Document;

const HELLO = (connectionId: number) => ({
  helloOk: true,
  ismaster: true,
  isWritablePrimary: true,
  maxBsonObjectSize: 16 * 1024 * 1024,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId,
  minWireVersion: 0,
  maxWireVersion: 21,
  readOnly: false,
  ok: 1,
});

let connections = 0;

export const COMMANDS: Record<string, Handler> = {
  hello: () => HELLO(++connections),
  ismaster: () => HELLO(++connections),
  ping: () => ({ ok: 1 }),
  buildinfo: () => ({ version: '7.0.0-test', versionArray: [7, 0, 0, 0], ok: 1 }),
  endsessions: () => ({ ok: 1 }),
  killcursors: (_d, _db, c) => ({ cursorsKilled: c.cursors ?? [], ok: 1 }),
  drop: (d, db, c) => {
    d.dbs.get(db)?.delete(c.drop);
    return { ok: 1 };
  },
  dropdatabase: (d, db) => {
    d.dbs.delete(db);
    return { ok: 1 };
  },
  createindexes: (d, db, c) => {
    d.coll(db, c.createIndexes);
    const ns = `${db}.${c.createIndexes}`;
    const specs = d.indexes.get(ns) ?? [];
    const before = 1 + specs.length;
    const uniq = d.unique.get(ns) ?? [];
    for (const ix of c.indexes as Document[]) {
      // As MongoDB: an index that exists under its name is a no-op.
      if (specs.some((s) => s.name === ix.name)) continue;
      specs.push({ v: 2, ...ix });
      if (ix.unique) uniq.push(Object.keys(ix.key));
    }
    d.indexes.set(ns, specs);
    d.unique.set(ns, uniq);
    return {
      createdCollectionAutomatically: false,
      numIndexesBefore: before,
      numIndexesAfter: 1 + specs.length,
      ok: 1,
    };
  },
  listindexes: (d, db, c) => {
    if (!d.dbs.get(db)?.has(c.listIndexes)) {
      throw new CommandError(26, `ns does not exist: ${db}.${c.listIndexes}`, 'NamespaceNotFound');
    }
    const specs = d.indexes.get(`${db}.${c.listIndexes}`) ?? [];
    return cursor(db, c.listIndexes, [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...specs]);
  },
  insert: (d, db, c) => {
    const coll = d.coll(db, c.insert);
    const writeErrors: Document[] = [];
    let n = 0;
    for (const [index, doc] of (c.documents as Document[]).entries()) {
      const dup = conflicts(d, db, c.insert, doc);
      if (dup) {
        writeErrors.push({ index, code: 11000, errmsg: dup });
        if (c.ordered !== false) break;
        continue;
      }
      coll.push(doc);
      n += 1;
    }
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  },
  update: (d, db, c) => {
    const coll = d.coll(db, c.update);
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    for (const [index, u] of (c.updates as Document[]).entries()) {
      const matches = find(coll, u.q ?? {}).all() as Document[];
      const targets = u.multi ? matches : matches.slice(0, 1);
      for (const t of targets) {
        applyUpdate(t, u.u, false);
        n += 1;
        nModified += 1;
      }
      if (targets.length === 0 && u.upsert) {
        const doc = upsertSeed(u.q ?? {});
        applyUpdate(doc, u.u, true);
        coll.push(doc);
        upserted.push({ index, _id: doc._id });
        n += 1;
      }
    }
    return { n, nModified, ...(upserted.length ? { upserted } : {}), ok: 1 };
  },
  delete: (d, db, c) => {
    const dbMap = d.dbs.get(db);
    const coll = d.coll(db, c.delete);
    let n = 0;
    let left = coll;
    for (const del of c.deletes as Document[]) {
      const matches = new Set(find(left, del.q ?? {}).all() as Document[]);
      const victims = del.limit === 1 ? new Set([...matches].slice(0, 1)) : matches;
      n += victims.size;
      left = left.filter((doc) => !victims.has(doc));
    }
    dbMap?.set(c.delete, left);
    return { n, ok: 1 };
  },
  find: (d, db, c) => {
    let cur = find(d.coll(db, c.find), c.filter ?? {}, c.projection);
    if (c.sort) cur = cur.sort(c.sort);
    if (c.skip) cur = cur.skip(c.skip);
    if (c.limit) cur = cur.limit(Math.abs(c.limit));
    return cursor(db, c.find, cur.all() as Document[]);
  },
  aggregate: (d, db, c) => cursor(db, c.aggregate, aggregate(d.coll(db, c.aggregate), c.pipeline) as Document[]),
  count: (d, db, c) => ({ n: find(d.coll(db, c.count), c.query ?? {}).all().length, ok: 1 }),
  findandmodify: (d, db, c) => {
    const name = c.findAndModify ?? c.findandmodify;
    const coll = d.coll(db, name);
    let cur = find(coll, c.query ?? {});
    if (c.sort) cur = cur.sort(c.sort);
    const doc = cur.all()[0] as Document | undefined;
    if (c.remove) {
      if (doc)
        d.dbs.get(db)?.set(
          name,
          coll.filter((x) => x !== doc),
        );
      return { lastErrorObject: { n: doc ? 1 : 0 }, value: doc ?? null, ok: 1 };
    }
    if (doc) {
      const before = structuredClone(doc);
      applyUpdate(doc, c.update, false);
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: c.new ? doc : before, ok: 1 };
    }
    if (!c.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const created = upsertSeed(c.query ?? {});
    applyUpdate(created, c.update, true);
    const dup = conflicts(d, db, name, created);
    if (dup) throw new CommandError(11000, dup, 'DuplicateKey');
    coll.push(created);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: created._id },
      value: c.new ? created : null,
      ok: 1,
    };
  },
};

export function runCommand(data: MemoryData, cmd: Document): Document {
  const name = Object.keys(cmd)[0] ?? '';
  const handler = COMMANDS[name.toLowerCase()];
  const db = (cmd.$db as string | undefined) ?? 'admin';
  if (!handler) return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
  try {
    return handler(data, db, cmd);
  } catch (err) {
    if (err instanceof CommandError) return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName };
    return { ok: 0, errmsg: (err as Error).message, code: 1, codeName: 'InternalError' };
  }
}
