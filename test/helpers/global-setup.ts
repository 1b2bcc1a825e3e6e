import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Makes the run's shared directory for the integration tier. It starts no sandbox: the seeded data
 * dir the sandbox tests copy is made there by the first test that needs one (test/helpers/sandbox.ts).
 */
export default function globalSetup(): void {
  process.env.MESHFORM_TEST_SHARED = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-test-run-'));
}
