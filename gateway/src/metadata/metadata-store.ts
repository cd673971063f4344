import { randomUUID } from 'node:crypto';
import type { LocalDatabase } from '../local/local-database.js';

/** Kinds of registered metadata: EdgeX v3 core-metadata, and the v1 objects legacy clients post. */
export type MetadataKind =
  | 'deviceservice'
  | 'deviceprofile'
  | 'device'
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

export interface MetadataStore {
  /** Adds when the name is free; otherwise returns the existing item with `created: false`. */
  add(
    kind: MetadataKind,
    name: string,
    body: Record<string, unknown>,
  ): Promise<{ item: MetadataItem; created: boolean }>;
  get(kind: MetadataKind, name: string): Promise<MetadataItem | undefined>;
  list(kind: MetadataKind, offset: number, limit: number): Promise<{ totalCount: number; items: MetadataItem[] }>;
  delete(kind: MetadataKind, name: string): Promise<boolean>;
}

interface Row {
  id: string;
  name: string;
  created: number;
  body: string;
}

const toItem = (r: Row): MetadataItem => ({ id: r.id, name: r.name, created: r.created, body: JSON.parse(r.body) });

/** Metadata lives in the gateway's LocalDatabase (table `metadata`). */
export class SqliteMetadataStore implements MetadataStore {
  constructor(
    private readonly local: LocalDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async add(kind: MetadataKind, name: string, body: Record<string, unknown>) {
    const id = typeof body.id === 'string' && body.id ? body.id : randomUUID();
    const created = this.now();
    const stored = { ...body, id, name, created };
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

  async list(kind: MetadataKind, offset: number, limit: number) {
    const db = this.local.connection;
    const totalCount = (db.prepare('SELECT COUNT(*) AS n FROM metadata WHERE kind = ?').get(kind) as { n: number }).n;
    const rows = db
      .prepare('SELECT id, name, created, body FROM metadata WHERE kind = ? ORDER BY created, name LIMIT ? OFFSET ?')
      .all(kind, limit, offset) as Row[];
    return { totalCount, items: rows.map(toItem) };
  }

  async delete(kind: MetadataKind, name: string) {
    return (
      this.local.connection.prepare('DELETE FROM metadata WHERE kind = ? AND name = ?').run(kind, name).changes === 1
    );
  }
}
