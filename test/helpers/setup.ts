import { Testing } from '../../constructs/cdktf';
import { running } from './sandbox';
import { removeScratchDirs } from './scratch';

Testing.setupJest();

// A test that fails before its own cleanup must not leave a sandbox holding jest (and CI) open, nor
// its data behind (a full run would otherwise leave gigabytes in the temp dir). This hook runs after
// every describe block's hooks but before a test file's own top-level afterAll: those may close
// sandboxes again, never read a scratch dir.
afterAll(async () => {
  await Promise.all([...running].map((s) => s.close()));
  removeScratchDirs();
});
