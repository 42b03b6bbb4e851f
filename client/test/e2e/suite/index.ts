// The extension-test entry point that VS Code loads (extensionTestsPath): runs the mocha suites in this
// folder inside the extension host and reports failures through the returned promise.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const only = process.env.DFVISOR_E2E_GREP;
  if (only) mocha.grep(only);
  for (const f of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.cjs'))
    .sort())
    mocha.addFile(join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
