import * as fs from 'fs';
import * as path from 'path';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.MESHFORM_TEST_SANDBOX_TEMPLATE;
  if (template) fs.rmSync(path.dirname(template), { recursive: true, force: true });
}
