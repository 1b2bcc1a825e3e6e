import { Testing } from '../../constructs/cdktf';
import { running } from './sandbox';

Testing.setupJest();

// A test that fails before its own cleanup must not leave a sandbox holding jest (and CI) open.
afterAll(async () => {
  await Promise.all([...running].map((s) => s.close()));
});
