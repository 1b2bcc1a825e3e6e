import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// json-schema-to-typescript formats with prettier, which needs dynamic import (not available in jest's
// VM): the check runs the built generator in a plain node process.
const generator = path.join(__dirname, '..', '..', 'dist', 'schemas', 'generate-types.js');

describe('generated types', () => {
  test('every *.generated.ts matches its JSON Schema (run `npm run schemas` when this fails)', () => {
    expect(fs.existsSync(generator)).toBe(true);
    const run = spawnSync(process.execPath, [generator, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
