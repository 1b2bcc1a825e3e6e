import { Testing } from '../../constructs/cdktf';
import { NOW_CONTEXT_KEY } from '../../constructs/private/names';
import { BasicStack } from '../../examples/basic/main';

describe('examples/basic snapshot', () => {
  test('Terraform JSON and manifest match the reviewed snapshot', () => {
    // GIVEN
    const app = Testing.app();
    app.node.setContext(NOW_CONTEXT_KEY, '2026-11-25T12:00:00Z');
    // WHEN
    const stack = new BasicStack(app, 'basic');
    // THEN
    expect(Testing.synth(stack, true)).toMatchSnapshot();
    expect(stack.manifest.toDesiredState()).toMatchSnapshot();
  });
});
