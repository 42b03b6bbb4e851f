// A bare OpenFlow 1.3 "switch" for adversary tests, with its own few bytes of encoding (nothing of
// the proxy or the codec): hello, a features reply naming any dpid, echo replies; it records the
// message types it receives and the first error, and reports when the peer closes it.
import { connect, type Socket } from 'node:net';

export interface EmulatedSwitch {
  /** OpenFlow message types received, in order. */
  types: number[];
  /** The first error's [type, code]. */
  error?: [number, number];
  /** Resolves once the connection is closed (by either side). */
  closed: Promise<void>;
  /** Resolves once the features reply is sent. */
  identified: Promise<void>;
  close(): void;
}

export function emulatedSwitch(port: number, dpid: bigint, o: { answerEchoes?: boolean } = {}): EmulatedSwitch {
  let sock: Socket;
  let identified!: () => void;
  const sw: EmulatedSwitch = {
    types: [],
    closed: new Promise<void>((resolve) => {
      sock = connect(port, '127.0.0.1', () => sock.write(Buffer.from([4, 0, 0, 8, 0, 0, 0, 1])));
      sock.on('error', () => {});
      sock.on('close', () => resolve());
    }),
    identified: new Promise<void>((r) => (identified = r)),
    close: () => sock.destroy(),
  };
  let buf = Buffer.alloc(0);
  sock!.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 8 && buf.length >= buf.readUInt16BE(2)) {
      const m = buf.subarray(0, buf.readUInt16BE(2));
      buf = buf.subarray(m.length);
      sw.types.push(m[1]!);
      if (m[1] === 1 && !sw.error) sw.error = [m.readUInt16BE(8), m.readUInt16BE(10)];
      if (m[1] === 2 && o.answerEchoes !== false) {
        const r = Buffer.from(m);
        r[1] = 3;
        sock!.write(r);
      }
      if (m[1] === 5) {
        const r = Buffer.alloc(32);
        r[0] = 4;
        r[1] = 6;
        r.writeUInt16BE(32, 2);
        r.writeUInt32BE(m.readUInt32BE(4), 4);
        r.writeBigUInt64BE(dpid, 8);
        r[20] = 254;
        sock!.write(r, () => identified());
      }
    }
  });
  return sw;
}
