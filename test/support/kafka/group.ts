// A consumer-group coordinator for the test broker: join/sync barrier, generations, heartbeats with session
// expiry, leave, committed offsets. One broker is coordinator for every group.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from './codec.js';

interface Member {
  id: string;
  clientId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: Array<{ name: string; metadata: Buffer }>;
  lastSeen: number;
  assignment: Buffer;
  joined: boolean;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocol: string;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; metadata: Buffer }>;
}

type Pending<T> = (r: T) => void;

class Group {
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' = 'Empty';
  generation = 0;
  protocol = '';
  leaderId = '';
  protocolType = '';
  readonly members = new Map<string, Member>();
  readonly joinWaiters = new Map<string, Pending<JoinResult>>();
  readonly syncWaiters = new Map<string, Pending<{ errorCode: number; assignment: Buffer }>>();
  readonly offsets = new Map<string, { offset: bigint; metadata: string | null }>();
  rebalanceTimer: NodeJS.Timeout | undefined;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly expiry: NodeJS.Timeout;

  constructor(private readonly initialRebalanceDelayMs = 50) {
    this.expiry = setInterval(() => this.expireMembers(), 100);
    this.expiry.unref();
  }

  close(): void {
    clearInterval(this.expiry);
    for (const g of this.groups.values()) if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
  }

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) {
      g = new Group();
      this.groups.set(id, g);
    }
    return g;
  }

  join(
    groupId: string,
    req: {
      memberId: string;
      clientId: string;
      sessionTimeoutMs: number;
      rebalanceTimeoutMs: number;
      protocolType: string;
      protocols: Array<{ name: string; metadata: Buffer }>;
    },
  ): Promise<JoinResult> {
    const g = this.group(groupId);
    if (req.memberId !== '' && !g.members.has(req.memberId)) {
      return Promise.resolve(this.joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
    const id = req.memberId || `${req.clientId}-${randomUUID()}`;
    const existing = g.members.get(id);
    g.members.set(id, {
      id,
      clientId: req.clientId,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      lastSeen: Date.now(),
      assignment: existing?.assignment ?? Buffer.alloc(0),
      joined: true,
    });
    g.protocolType = req.protocolType;
    return new Promise((resolve) => {
      g.joinWaiters.set(id, resolve);
      this.prepareRebalance(g);
      this.maybeCompleteJoin(g);
    });
  }

  private joinError(errorCode: number, memberId: string): JoinResult {
    return { errorCode, generationId: -1, protocol: '', leaderId: '', memberId, members: [] };
  }

  private prepareRebalance(g: Group): void {
    if (g.state === 'PreparingRebalance') return;
    g.state = 'PreparingRebalance';
    for (const m of g.members.values()) m.joined = g.joinWaiters.has(m.id);
    // Answer pending syncs of the old generation: they must rejoin.
    for (const [, w] of g.syncWaiters) w({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    g.syncWaiters.clear();
    const timeout = Math.max(this.initialRebalanceDelayMs, ...[...g.members.values()].map((m) => m.rebalanceTimeoutMs));
    g.rebalanceTimer = setTimeout(() => this.completeJoin(g, true), timeout);
    g.rebalanceTimer.unref();
  }

  private maybeCompleteJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance') return;
    if ([...g.members.values()].every((m) => g.joinWaiters.has(m.id))) {
      // Everyone known is in: a short delay lets members starting together join one generation.
      if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
      g.rebalanceTimer = setTimeout(() => this.completeJoin(g, false), this.initialRebalanceDelayMs);
      g.rebalanceTimer.unref();
    }
  }

  private completeJoin(g: Group, timedOut: boolean): void {
    if (g.state !== 'PreparingRebalance') return;
    if (timedOut) for (const m of [...g.members.values()]) if (!g.joinWaiters.has(m.id)) g.members.delete(m.id);
    if (g.members.size === 0) {
      g.state = 'Empty';
      return;
    }
    g.generation += 1;
    const members = [...g.members.values()];
    const leader = members[0] as Member;
    const common = leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)));
    g.protocol = common?.name ?? '';
    g.leaderId = leader.id;
    g.state = 'CompletingRebalance';
    for (const m of members) {
      const resolve = g.joinWaiters.get(m.id);
      if (!resolve) continue;
      resolve({
        errorCode: common ? ErrorCode.NONE : ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
        generationId: g.generation,
        protocol: g.protocol,
        leaderId: g.leaderId,
        memberId: m.id,
        members:
          m.id === g.leaderId
            ? members.map((x) => ({
                memberId: x.id,
                metadata: x.protocols.find((p) => p.name === g.protocol)?.metadata ?? Buffer.alloc(0),
              }))
            : [],
      });
    }
    g.joinWaiters.clear();
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: Array<{ memberId: string; assignment: Buffer }>,
  ): Promise<{ errorCode: number; assignment: Buffer }> {
    const g = this.group(groupId);
    const m = g.members.get(memberId);
    if (!m) return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (generationId !== g.generation) {
      return Promise.resolve({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: Buffer.alloc(0) });
    }
    if (g.state === 'PreparingRebalance') {
      return Promise.resolve({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    }
    m.lastSeen = Date.now();
    if (g.state === 'Stable') return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: m.assignment });
    return new Promise((resolve) => {
      g.syncWaiters.set(memberId, resolve);
      if (memberId === g.leaderId) {
        for (const a of assignments) {
          const target = g.members.get(a.memberId);
          if (target) target.assignment = a.assignment;
        }
        g.state = 'Stable';
        for (const [id, w] of g.syncWaiters) {
          w({ errorCode: ErrorCode.NONE, assignment: g.members.get(id)?.assignment ?? Buffer.alloc(0) });
        }
        g.syncWaiters.clear();
      }
    });
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const g = this.group(groupId);
    const m = g.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    m.lastSeen = Date.now();
    if (g.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const g = this.group(groupId);
    if (!g.members.delete(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    g.joinWaiters.delete(memberId);
    if (g.members.size === 0) {
      g.state = 'Empty';
      if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
    } else {
      this.prepareRebalance(g);
      this.maybeCompleteJoin(g);
    }
    return ErrorCode.NONE;
  }

  private expireMembers(): void {
    const now = Date.now();
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()]) {
        if (g.joinWaiters.has(m.id)) continue;
        if (now - m.lastSeen > m.sessionTimeoutMs)
          this.leave([...this.groups.entries()].find(([, x]) => x === g)?.[0] ?? '', m.id);
      }
    }
  }

  commit(
    groupId: string,
    generationId: number,
    memberId: string,
    topic: string,
    partition: number,
    offset: bigint,
    metadata: string | null,
  ): number {
    const g = this.group(groupId);
    // A simple (non-group) commit uses generation -1 and an empty member id.
    if (generationId >= 0 || memberId !== '') {
      if (!g.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
      if (g.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    }
    g.offsets.set(`${topic}\u0000${partition}`, { offset, metadata });
    return ErrorCode.NONE;
  }

  fetchOffset(groupId: string, topic: string, partition: number): { offset: bigint; metadata: string | null } {
    return this.group(groupId).offsets.get(`${topic}\u0000${partition}`) ?? { offset: -1n, metadata: null };
  }
}
