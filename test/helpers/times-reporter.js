/**
 * Where a jest run's time goes, per test file: wall time, and CPU time with the file's sandboxes, CLI
 * runs and terraform included (test/helpers/setup.ts records it). CPU time is the figure to compare
 * between runs on a busy machine, where wall time mostly measures the other jobs (docs/testing.md).
 *
 *   npx jest --reporters default --reporters ./test/helpers/times-reporter.js
 *
 * MESHFORM_TEST_TIMES_TOP says how many files it lists (10), MESHFORM_TEST_TIMES_JSON where it writes
 * every file's times (the command line gives a reporter no options).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

class TimesReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.top = Number(process.env.MESHFORM_TEST_TIMES_TOP ?? 10);
    this.outputFile = process.env.MESHFORM_TEST_TIMES_JSON;
    this.wall = new Map();
    // The workers, spawned after the reporters exist, inherit it.
    this.cpuFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-test-times-')), 'cpu.jsonl');
    process.env.MESHFORM_TEST_TIMES = this.cpuFile;
  }

  onTestResult(_test, result) {
    this.wall.set(result.testFilePath, result.perfStats.runtime);
  }

  onRunComplete() {
    const cpu = new Map();
    if (fs.existsSync(this.cpuFile))
      for (const line of fs.readFileSync(this.cpuFile, 'utf8').split('\n').filter(Boolean)) {
        const { file, cpuMs } = JSON.parse(line);
        cpu.set(file, cpuMs);
      }
    fs.rmSync(path.dirname(this.cpuFile), { recursive: true, force: true });
    const files = [...this.wall].map(([file, wallMs]) => ({
      file: path.relative(this.rootDir, file),
      wallMs,
      cpuMs: cpu.get(file),
    }));
    const sum = (key) => files.reduce((total, f) => total + (f[key] ?? 0), 0);
    const seconds = (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
    const lines = [...files]
      .sort((a, b) => (b.cpuMs ?? b.wallMs) - (a.cpuMs ?? a.wallMs))
      .slice(0, this.top)
      .map((f) => `${seconds(f.cpuMs).padStart(8)} ${seconds(f.wallMs).padStart(8)}  ${f.file}`);
    process.stderr.write(
      [
        '',
        `${files.length} test files: ${seconds(sum('cpuMs'))} s of CPU, ${seconds(sum('wallMs'))} s of wall time summed over the workers; the ${lines.length} costliest:`,
        '   CPU s   wall s  file',
        ...lines,
        '',
      ].join('\n'),
    );
    if (this.outputFile) fs.writeFileSync(this.outputFile, JSON.stringify(files, null, 2));
  }
}

module.exports = TimesReporter;
