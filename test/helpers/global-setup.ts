import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSandbox } from './sandbox';

/**
 * PGlite's cold start (initdb in WASM) takes seconds; reopening a data dir takes a fraction of one.
 * One seeded data dir is made per run and every sandbox test starts from a copy of it.
 */
export default async function globalSetup(): Promise<void> {
  const template = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-sandbox-template-')), 'data');
  const sandbox = await spawnSandbox(template);
  await sandbox.close();
  process.env.MESHFORM_TEST_SANDBOX_TEMPLATE = template;
}
