import * as fs from 'fs';
import { Testing } from '../../constructs/cdktf';
import { dataDirs, running } from './sandbox';

Testing.setupJest();

// A test that fails before its own cleanup must not leave a sandbox holding jest (and CI) open, nor
// its data behind (a full run would otherwise leave gigabytes in the temp dir).
afterAll(async () => {
  await Promise.all([...running].map((s) => s.close()));
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  dataDirs.clear();
});
