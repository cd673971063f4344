import { BSON, type Document } from 'bson';

/** MongoDB wire protocol framing (OP_MSG 2013, legacy OP_QUERY 2004 / OP_REPLY 1), enough for the official driver. */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 2;

export interface Incoming {
  requestId: number;
  opCode: number;
  flags: number;
  command: Document;
}

function cstring(buf: Buffer, at: number): [string, number] {
  const end = buf.indexOf(0, at);
  return [buf.toString('utf8', at, end), end + 1];
}

const decode = (b: Buffer) => BSON.deserialize(b, { promoteLongs: true, promoteValues: true }) as Document;

/** Parses one complete message (the caller has framed it by its length prefix). */
export function parseMessage(msg: Buffer): Incoming {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) {
    const flags = msg.readUInt32LE(16);
    const end = msg.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
    let at = 20;
    let command: Document = {};
    const sequences: Record<string, Document[]> = {};
    while (at < end) {
      const kind = msg.readUInt8(at);
      at += 1;
      if (kind === 0) {
        const size = msg.readInt32LE(at);
        command = decode(msg.subarray(at, at + size));
        at += size;
      } else {
        const size = msg.readInt32LE(at);
        const stop = at + size;
        const [id, next] = cstring(msg, at + 4);
        const docs: Document[] = [];
        let p = next;
        while (p < stop) {
          const n = msg.readInt32LE(p);
          docs.push(decode(msg.subarray(p, p + n)));
          p += n;
        }
        sequences[id] = docs;
        at = stop;
      }
    }
    return { requestId, opCode, flags, command: { ...command, ...sequences } };
  }
  if (opCode === OP_QUERY) {
    const [, after] = cstring(msg, 20);
    const at = after + 8; // numberToSkip, numberToReturn
    const size = msg.readInt32LE(at);
    return { requestId, opCode, flags: 0, command: decode(msg.subarray(at, at + size)) };
  }
  throw new Error(`unsupported opCode ${opCode}`);
}

let nextRequestId = 1;

/** The reply to `to`, in the framing it came in. */
export function encodeReply(to: Incoming, doc: Document): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  const header = Buffer.alloc(16);
  if (to.opCode === OP_QUERY) {
    const fixed = Buffer.alloc(20);
    fixed.writeInt32LE(0, 0); // responseFlags
    fixed.writeBigInt64LE(0n, 4); // cursorID
    fixed.writeInt32LE(0, 12); // startingFrom
    fixed.writeInt32LE(1, 16); // numberReturned
    header.writeInt32LE(16 + fixed.length + body.length, 0);
    header.writeInt32LE(nextRequestId++, 4);
    header.writeInt32LE(to.requestId, 8);
    header.writeInt32LE(OP_REPLY, 12);
    return Buffer.concat([header, fixed, body]);
  }
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  header.writeInt32LE(16 + flagsAndKind.length + body.length, 0);
  header.writeInt32LE(nextRequestId++, 4);
  header.writeInt32LE(to.requestId, 8);
  header.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([header, flagsAndKind, body]);
}
