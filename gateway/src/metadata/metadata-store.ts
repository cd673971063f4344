import { randomUUID } from 'node:crypto';
import type { LocalDatabase } from '../local/local-database.js';

/** Kinds of registered metadata: EdgeX v3 core-metadata, and the v1 objects legacy clients post. */
export type MetadataKind =
  | 'deviceservice'
  | 'deviceprofile'
  | 'device'
  | 'provisionwatcher'
  | 'v1.valuedescriptor'
  | 'v1.addressable'
  | 'v1.deviceservice'
  | 'v1.deviceprofile'
  | 'v1.device';

export interface MetadataItem {
  id: string;
  name: string;
  created: number;
  body: Record<string, unknown>;
}

/** Items of a kind whose body field (a dotted path, e.g. "discoveredDevice.profileName") equals a value. */
export interface FieldFilter {
  field: string;
  value: string;
}

export interface MetadataStore {
  /** Adds when the name is free; otherwise returns the existing item with `created: false`. */
  add(
    kind: MetadataKind,
    name: string,
    body: Record<string, unknown>,
  ): Promise<{ item: MetadataItem; created: boolean }>;
  get(kind: MetadataKind, name: string): Promise<MetadataItem | undefined>;
  getById(kind: MetadataKind, id: string): Promise<MetadataItem | undefined>;
  /** Replaces the body of the item named `name` (its id and created time stay); false when there is none. */
  replace(kind: MetadataKind, name: string, body: Record<string, unknown>): Promise<boolean>;
  list(
    kind: MetadataKind,
    offset: number,
    limit: number,
    where?: FieldFilter[],
  ): Promise<{ totalCount: number; items: MetadataItem[] }>;
  delete(kind: MetadataKind, name: string): Promise<boolean>;
}

interface Row {
  id: string;
  name: string;
  created: number;
  body: string;
}

const toItem = (r: Row): MetadataItem => ({ id: r.id, name: r.name, created: r.created, body: JSON.parse(r.body) });

/** A JSON path for SQLite's json_extract from a dotted field name (names are the routes' own, not user input). */
const jsonPath = (field: string) =>
  `$.${field
    .split('.')
    .map((p) => `"${p}"`)
    .join('.')}`;

/** Metadata lives in the gateway's LocalDatabase (table `metadata`), one JSON body per item. */
export class SqliteMetadataStore implements MetadataStore {
  constructor(
    private readonly local: LocalDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async add(kind: MetadataKind, name: string, body: Record<string, unknown>) {
    const id = typeof body.id === 'string' && body.id ? body.id : randomUUID();
    const created = this.now();
    const stored = { ...body, id, name, created, modified: created };
    const info = this.local.connection
      .prepare('INSERT INTO metadata (kind, name, id, body, created) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(kind, name, id, JSON.stringify(stored), created);
    if (info.changes === 1) return { item: { id, name, created, body: stored }, created: true };
    return { item: (await this.get(kind, name)) as MetadataItem, created: false };
  }

  async get(kind: MetadataKind, name: string) {
    const row = this.local.connection
      .prepare('SELECT id, name, created, body FROM metadata WHERE kind = ? AND name = ?')
      .get(kind, name) as Row | undefined;
    return row && toItem(row);
  }

  async getById(kind: MetadataKind, id: string) {
    const row = this.local.connection
      .prepare('SELECT id, name, created, body FROM metadata WHERE kind = ? AND id = ?')
      .get(kind, id) as Row | undefined;
    return row && toItem(row);
  }

  async replace(kind: MetadataKind, name: string, body: Record<string, unknown>) {
    const old = await this.get(kind, name);
    if (!old) return false;
    const stored = { ...body, id: old.id, name, created: old.created, modified: this.now() };
    this.local.connection
      .prepare('UPDATE metadata SET body = ? WHERE kind = ? AND name = ?')
      .run(JSON.stringify(stored), kind, name);
    return true;
  }

  async list(kind: MetadataKind, offset: number, limit: number, where: FieldFilter[] = []) {
    const db = this.local.connection;
    const filter = where.map((w) => `AND json_extract(body, '${jsonPath(w.field)}') = ?`).join(' ');
    const values = where.map((w) => w.value);
    const totalCount = (
      db.prepare(`SELECT COUNT(*) AS n FROM metadata WHERE kind = ? ${filter}`).get(kind, ...values) as { n: number }
    ).n;
    const rows = db
      .prepare(
        `SELECT id, name, created, body FROM metadata WHERE kind = ? ${filter} ORDER BY created, name LIMIT ? OFFSET ?`,
      )
      .all(kind, ...values, limit, offset) as Row[];
    return { totalCount, items: rows.map(toItem) };
  }

  async delete(kind: MetadataKind, name: string) {
    return (
      this.local.connection.prepare('DELETE FROM metadata WHERE kind = ? AND name = ?').run(kind, name).changes === 1
    );
  }
}
