// The extension-test entry point that VS Code loads (extensionTestsPath): runs the mocha suites in this
// folder inside the extension host and reports failures through the returned promise. DFVISOR_E2E_SUITE picks
// one file (`tenant` runs tenant.test.cjs, for a tenant workspace); default: extension.test.cjs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const only = process.env.DFVISOR_E2E_GREP;
  if (only) mocha.grep(only);
  const suite = `${process.env.DFVISOR_E2E_SUITE || 'extension'}.test.cjs`;
  const files = readdirSync(__dirname).filter((f) => f === suite);
  if (files.length === 0) throw new Error(`no suite ${suite} in ${__dirname}`);
  for (const f of files) mocha.addFile(join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
