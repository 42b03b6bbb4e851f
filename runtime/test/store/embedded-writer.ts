// Child process for the kill -9 test: writes to an embedded store as fast as it can and prints
// "ack N" after each write is acknowledged. The test kills it mid-stream and checks the directory.
import { EmbeddedStore } from '../../src/store/index.js';

const dir = process.argv[2];
const opened = await EmbeddedStore.open({ dataDir: dir, compactBytes: 16 * 1024 });
if (!opened.ok) {
  console.error(opened.error.message);
  process.exit(2);
}
const store = opened.value;
for (let i = 0; ; i++) {
  // Two writes in flight at once, so group commit is exercised too.
  const [a, b] = await Promise.all([store.put('flowspace', `k${i}`, { i }), store.put('meta', 'count', i)]);
  if (!a.ok || !b.ok) {
    console.error(!a.ok ? a.error.message : !b.ok ? b.error.message : '');
    process.exit(3);
  }
  process.stdout.write(`ack ${i}\n`);
}
