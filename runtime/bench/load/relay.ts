// A plain TCP relay in Node (bytes piped both ways, no OpenFlow work), run as a child process by the
// load benchmark: the floor of any user-space hop on the machine.
// Run (forked, with IPC): node relay.js <controller-port>; sends {"port": N} once listening.
import { connect, createServer, type AddressInfo } from 'node:net';

const ctlPort = Number(process.argv[2]);
const server = createServer((down) => {
  down.setNoDelay(true);
  const up = connect({ host: '127.0.0.1', port: ctlPort });
  up.setNoDelay(true);
  down.pipe(up);
  up.pipe(down);
  const end = () => {
    down.destroy();
    up.destroy();
  };
  down.on('error', end);
  up.on('error', end);
  down.on('close', end);
  up.on('close', end);
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
