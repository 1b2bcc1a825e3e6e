import { REPO_ROOT, meshform } from '../helpers/cli';
import { TERRAFORM, terraform } from '../helpers/terraform';
import { scratchDir } from '../helpers/scratch';

const describeTf = TERRAFORM ? describe : describe.skip;

describeTf(`the synthesized Terraform config with terraform ${TERRAFORM ?? '(absent)'}`, () => {
  test('init, validate and plan work offline with the terraform_data anchors', async () => {
    const out = scratchDir('tf');
    expect((await meshform(['synth', '--out', out], { cwd: REPO_ROOT })).code).toBe(0);
    const init = terraform(['init', '-input=false'], out);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const validate = terraform(['validate'], out);
    expect(validate.stdout).toMatch(/The configuration is valid/);
    const plan = terraform(['plan', '-input=false', '-detailed-exitcode'], out, {
      MESHSTACK_API_SECRET: 'never-printed',
    });
    expect(plan.status).toBe(2); // changes present
    expect(plan.stdout).toMatch(/terraform_data\.Meshform_TagDefinitions_\w+ will be created/);
    expect(plan.stdout).toMatch(/terraform_data\.Payments_\w+ will be created/);
    expect(plan.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
    expect(plan.stdout + plan.stderr).not.toContain('never-printed');
  });
});
