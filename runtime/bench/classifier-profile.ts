// A lookup-only driver for profiling the classifier with the benchmark's workload: builds one
// size, then runs packet lookups for a few seconds, so `node --cpu-prof` shows the lookup alone.
// Run: node runtime/dist/bench/classifier-profile.js 100000 [seconds] [out.cpuprofile] [form]
// (with a third argument, the lookup phase alone is profiled through the inspector and written there;
// `-` writes none). form: classify (classifyPacket, the default), readers (readerIdsInto) or
// among (readerIdsAmong four slices, the proxy's form).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { Classifier, SliceNumbers, sliceNumber } from '../src/classifier/index.js';
import { makeWorkload } from './classifier-workload.js';

const n = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 5);
const w = makeWorkload(n, 42 + n);
const t0 = performance.now();
const { classifier } = Classifier.build(w.entries);
console.log(`built ${n} entries in ${Math.round(performance.now() - t0)} ms`);
const profileTo = process.argv[4] === '-' ? undefined : process.argv[4];
const form = process.argv[5] ?? 'classify';
const wanted = Int32Array.from(['tenant1', 'tenant2', 'tenant3', 'tenant4'].map((slice) => sliceNumber(slice)));
const numbers = new SliceNumbers();
const session = profileTo ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const P = w.packets;
let lookups = 0;
let matches = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  for (let i = 0; i < P.length; i++) {
    const p = P[i]!;
    matches +=
      form === 'readers'
        ? classifier.readerIdsInto(p.dpid, p.inPort, p.headers, numbers)
        : form === 'among'
          ? classifier.readerIdsAmong(p.dpid, p.inPort, p.headers, wanted, wanted.length, numbers)
          : classifier.classifyPacket(p.dpid, p.inPort, p.headers).length;
  }
  lookups += P.length;
}
const s = (performance.now() - start) / 1000;
console.log(`${Math.round(lookups / s).toLocaleString('en-US')} lookups/s, ${(matches / lookups).toFixed(2)} matches/lookup`);
if (session && profileTo) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileTo, JSON.stringify(profile));
  console.log(`profile of the lookups written to ${profileTo}`);
}
