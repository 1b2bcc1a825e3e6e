import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compilePolicy } from '../../../core/policy/policy';
import { loadPolicyFile } from '../../../core/policy/policy-file';

const binding = (expression: string) => ({
  name: 'owner-expiry',
  target: 'binding' as const,
  action: 'deny' as const,
  validations: [{ expression }],
});

describe('bad policies are clear errors before any platform call', () => {
  it('a CEL syntax error names the policy, the expression and the position where the parser stopped', () => {
    expect(() => compilePolicy(binding('object.role == "a"\n  && )'))).toThrow(
      'policy "owner-expiry": validations[0].expression `object.role == "a"\n  && )` is not valid CEL at line 2, column 3: found & but expecting end of input',
    );
  });

  it('an unknown variable (a typo) names it and its position', () => {
    expect(() => compilePolicy(binding('objcet.role == "Workspace Owner"'))).toThrow(
      'policy "owner-expiry": validations[0].expression `objcet.role == "Workspace Owner"` reads "objcet" at line 1, column 1, which is not a variable: use one of object, oldObject, step, caller, workspace, project, now',
    );
  });

  it('variables bound by a comprehension are not unknown', () => {
    expect(() => compilePolicy(binding('workspace.owners.all(o, o.endsWith("@example.com"))'))).not.toThrow();
  });

  it('the same checks apply to match conditions and message expressions', () => {
    expect(() => compilePolicy({ ...binding('true'), matchConditions: [{ expression: 'stepp != null' }] })).toThrow(
      'policy "owner-expiry": matchConditions[0] `stepp != null` reads "stepp"',
    );
    expect(() =>
      compilePolicy({ ...binding('true'), validations: [{ expression: 'true', messageExpression: '"a" +' }] }),
    ).toThrow('policy "owner-expiry": validations[0].messageExpression `"a" +` is not valid CEL');
  });
});

describe('policy files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-file-'));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };

  it('a file that breaks the schema names the path and the rule', () => {
    const file = write(
      'bad.yaml',
      'apiVersion: meshform.io/v1\nkind: PolicySet\npolicies:\n  - name: x\n    target: cluster\n    action: deny\n    validations: [{ expression: "true" }]\n',
    );
    expect(() => loadPolicyFile(file, dir)).toThrow(/\$\.policies\[0\]\.target/);
  });

  it('a policy with a CEL error fails the whole file, naming the policy', () => {
    const file = write(
      'cel.yaml',
      'apiVersion: meshform.io/v1\nkind: PolicySet\npolicies:\n  - name: x\n    target: binding\n    action: deny\n    validations: [{ expression: "object.role ==" }]\n',
    );
    expect(() => loadPolicyFile(file, dir)).toThrow(
      'policy "x": validations[0].expression `object.role ==` is not valid CEL',
    );
  });

  it('the digest is of the canonical content: comments and key order do not change it, a policy does', () => {
    const a = write(
      'a.yaml',
      'apiVersion: meshform.io/v1\nkind: PolicySet\npolicies:\n  - {name: x, target: binding, action: deny, validations: [{expression: "true"}]}\n',
    );
    const b = write(
      'b.yaml',
      '# reordered\nkind: PolicySet\napiVersion: meshform.io/v1\npolicies:\n  - {action: deny, name: x, target: binding, validations: [{expression: "true"}]}\n',
    );
    const c = write(
      'c.yaml',
      'apiVersion: meshform.io/v1\nkind: PolicySet\npolicies:\n  - {name: x, target: binding, action: warn, validations: [{expression: "true"}]}\n',
    );
    expect(loadPolicyFile(a, dir).sha256).toEqual(loadPolicyFile(b, dir).sha256);
    expect(loadPolicyFile(c, dir).sha256).not.toEqual(loadPolicyFile(a, dir).sha256);
    expect(loadPolicyFile(a, dir).source).toBe('a.yaml');
  });
});
