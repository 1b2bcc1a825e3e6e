import { errorReport } from '../../../controller/synth/run-app';

describe("errorReport: what a failed app's output tells the user", () => {
  test.each([
    [
      'tsc (stdout, plain)',
      '',
      'main.ts(6,10): error TS2345: Argument of type \'"Workspace Mamager"\' is not assignable.\n',
      'main.ts(6,10): error TS2345: Argument of type \'"Workspace Mamager"\' is not assignable.',
    ],
    [
      'tsc --pretty, with the message continued on an indented line',
      '',
      "main.ts:6:10 - error TS2345: Argument of type 'x'\n  is not assignable to parameter of type 'y'.\n\n6 ws.grant('x')\n",
      "main.ts:6:10 - error TS2345: Argument of type 'x'\n  is not assignable to parameter of type 'y'.",
    ],
    [
      'ts-node (stderr), without its stack trace',
      "TSError: ⨯ Unable to compile TypeScript:\nmain.ts(3,1): error TS2304: Cannot find name 'x'.\n    at createTSError (index.ts:859:12)\n",
      '',
      "main.ts(3,1): error TS2304: Cannot find name 'x'.",
    ],
    [
      'a validation error, without its stack trace',
      'noise\nError: Validation failed with the following errors:\n  [team/Team] three owners\n    at App.synth (app.js:1:1)\n',
      '',
      'Error: Validation failed with the following errors:\n  [team/Team] three owners',
    ],
    ['nothing on stderr: the end of stdout', '', 'starting\nboom\n', 'starting\nboom'],
  ])('%s', (_name, stderr, stdout, expected) => {
    expect(errorReport(stderr, stdout)).toBe(expected);
  });
});
