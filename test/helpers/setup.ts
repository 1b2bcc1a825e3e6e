import * as fs from 'fs';
import { Testing } from '../../constructs/cdktf';
import { running } from './sandbox';
import { removeScratchDirs } from './scratch';

Testing.setupJest();

/**
 * CPU time of this process and of the children it has waited for (sandboxes, CLI runs, terraform), in
 * ms: /proc/self/stat's cutime and cstime, in clock ticks of 10 ms (Linux only, for the times reporter).
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (user + system) / 1000 + (Number(fields[13]) + Number(fields[14])) * 10;
}

// Set by test/helpers/times-reporter.js: where this file's CPU time goes.
const timesFile = process.env.MESHFORM_TEST_TIMES;
const cpuAtStart = timesFile ? cpuMs() : 0;

// A test that fails before its own cleanup must not leave a sandbox holding jest (and CI) open, nor
// its data behind (a full run would otherwise leave gigabytes in the temp dir). This hook runs after
// every describe block's hooks but before a test file's own top-level afterAll: those may close
// sandboxes again, never read a scratch dir.
afterAll(async () => {
  await Promise.all([...running].map((s) => s.close()));
  removeScratchDirs();
  if (timesFile)
    fs.appendFileSync(
      timesFile,
      `${JSON.stringify({ file: expect.getState().testPath, cpuMs: cpuMs() - cpuAtStart })}\n`,
    );
});
