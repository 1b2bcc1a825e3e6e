import * as fs from 'fs';

export default function globalTeardown(): void {
  const shared = process.env.MESHFORM_TEST_SHARED;
  if (shared) fs.rmSync(shared, { recursive: true, force: true });
}
