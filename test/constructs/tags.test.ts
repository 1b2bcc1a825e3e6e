import { Construct } from 'constructs';
import { TagDefinition, TagValueType, Tags, Workspace } from '../../constructs';
import { synthOutputs, testStack, validationErrors } from '../helpers/stack';

describe('Tags', () => {
  test('Tags.of(scope) tags every workspace and project below the scope', () => {
    const stack = testStack();
    const group = new Construct(stack, 'Department');
    const ws = new Workspace(group, 'Team', { identifier: 'team-a' });
    ws.addProject('P', { identifier: 'p' });
    new Workspace(stack, 'Outside', { identifier: 'outside' });
    Tags.of(group).add('department', 'finance');
    const [outside, team] = synthOutputs(stack).manifest.workspaces;
    expect(team.metadata.tags).toEqual({ department: ['finance'] });
    expect(team.projects[0].metadata.tags).toEqual({ department: ['finance'] });
    expect(outside.metadata.tags).toEqual({});
  });

  test('include and exclude resource types', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    ws.addProject('P', { identifier: 'p' });
    Tags.of(stack).add('onlyWs', 'x', { includeResourceTypes: ['meshWorkspace'] });
    Tags.of(stack).add('notWs', 'y', { excludeResourceTypes: ['meshWorkspace'] });
    const team = synthOutputs(stack).manifest.workspaces[0];
    expect(team.metadata.tags).toEqual({ onlyWs: ['x'] });
    expect(team.projects[0].metadata.tags).toEqual({ notWs: ['y'] });
  });

  test('tags in props win over inherited tags; a higher priority wins over props', () => {
    const stack = testStack();
    new Workspace(stack, 'A', { identifier: 'a', tags: { env: 'own' } });
    new Workspace(stack, 'B', { identifier: 'b', tags: { env: 'own' } });
    Tags.of(stack).add('env', 'inherited');
    Tags.of(stack.node.findChild('B')).add('env', 'forced', { priority: 300 });
    const [a, b] = synthOutputs(stack).manifest.workspaces;
    expect(a.metadata.tags).toEqual({ env: ['own'] });
    expect(b.metadata.tags).toEqual({ env: ['forced'] });
  });

  test('remove declares an inherited tag absent below a scope ([]: removed from the platform too); list values are kept as lists', () => {
    const stack = testStack();
    const inner = new Construct(stack, 'Inner');
    new Workspace(inner, 'A', { identifier: 'a' });
    Tags.of(stack).add('owners', ['x', 'y']);
    Tags.of(stack).add('temp', 'z');
    Tags.of(inner).remove('temp');
    expect(synthOutputs(stack).manifest.workspaces[0].metadata.tags).toEqual({ owners: ['x', 'y'], temp: [] });
  });

  test('synthesizing twice gives the same tags (aspects are idempotent)', () => {
    const stack = testStack();
    new Workspace(stack, 'A', { identifier: 'a' });
    Tags.of(stack).add('k', 'v');
    expect(synthOutputs(stack).manifestText).toBe(synthOutputs(stack).manifestText);
  });
});

describe('TagDefinition', () => {
  function withDefinitions() {
    const stack = testStack();
    new TagDefinition(stack, 'Env', {
      targetKind: 'meshProject',
      key: 'environment',
      valueType: TagValueType.singleSelect(['dev', 'prod']),
      mandatory: true,
    });
    new TagDefinition(stack, 'Cost', {
      targetKind: 'meshWorkspace',
      key: 'costCenter',
      valueType: TagValueType.string({ validationRegex: '^[0-9]{4}$' }),
      restricted: true,
    });
    new TagDefinition(stack, 'Size', { targetKind: 'meshWorkspace', key: 'size', valueType: TagValueType.integer() });
    new TagDefinition(stack, 'Clouds', {
      targetKind: 'meshWorkspace',
      key: 'clouds',
      valueType: TagValueType.multiSelect(['aws', 'azure', 'gcp']),
    });
    new TagDefinition(stack, 'Contact', {
      targetKind: 'meshWorkspace',
      key: 'contact',
      valueType: TagValueType.email(),
    });
    return stack;
  }

  test('renders as meshTagDefinition with name <targetKind>.<key> and defaults', () => {
    const stack = testStack();
    new TagDefinition(stack, 'Env', { targetKind: 'meshProject', key: 'environment' });
    expect(synthOutputs(stack).manifest.tagDefinitions).toEqual([
      {
        metadata: { name: 'meshProject.environment' },
        spec: {
          targetKind: 'meshProject',
          key: 'environment',
          displayName: 'environment',
          valueType: { string: {} },
          restricted: false,
          mandatory: false,
          immutable: false,
        },
      },
    ]);
  });

  test('valid tags pass', () => {
    const stack = withDefinitions();
    const ws = new Workspace(stack, 'A', {
      identifier: 'a',
      tags: { costCenter: '1234', size: '3', clouds: ['aws', 'gcp'], contact: 'a@b.io' },
    });
    ws.addProject('P', { identifier: 'p', tags: { environment: 'dev' } });
    expect(validationErrors(stack)).toEqual([]);
  });

  test.each([
    ['a key with no definition', { unknown: 'x' }, 'tag-undefined'],
    ['a value that fails the regex', { costCenter: '12' }, 'tag-value'],
    ['a non-integer', { size: 'big' }, 'tag-value'],
    ['an option not in a multi-select', { clouds: ['aws', 'ibm'] }, 'tag-value'],
    ['a bad e-mail', { contact: 'nobody' }, 'tag-value'],
    ['two values for a single-valued tag', { costCenter: ['1234', '5678'] }, 'tag-value'],
  ])('fails on %s', (_name, tags, rule) => {
    const stack = withDefinitions();
    new Workspace(stack, 'A', { identifier: 'a', tags });
    expect(validationErrors(stack)).toEqual([expect.stringMatching(new RegExp(`^\\[test/A\\] .*rule: ${rule}`))]);
  });

  test('fails on a select value outside its options and on a missing mandatory tag', () => {
    const stack = withDefinitions();
    const ws = new Workspace(stack, 'A', { identifier: 'a' });
    ws.addProject('P', { identifier: 'p', tags: { environment: 'staging' } });
    ws.addProject('Q', { identifier: 'q' });
    expect(validationErrors(stack).sort()).toEqual([
      expect.stringMatching(
        /^\[test\/A\/P\] tag "environment": "staging" is not among the options dev, prod.*rule: tag-value/,
      ),
      expect.stringMatching(/^\[test\/A\/Q\] tag "environment" is mandatory on every meshProject.*rule: tag-mandatory/),
    ]);
  });

  test('fails on a duplicate definition', () => {
    const stack = testStack();
    new TagDefinition(stack, 'A', { targetKind: 'meshProject', key: 'env' });
    new TagDefinition(stack, 'B', { targetKind: 'meshProject', key: 'env' });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(/^\[test\/B\] tag definition identifier "meshProject.env" is declared twice/),
    ]);
  });

  test('without any definition, tags are not checked (the platform decides)', () => {
    const stack = testStack();
    new Workspace(stack, 'A', { identifier: 'a', tags: { anything: 'goes' } });
    expect(validationErrors(stack)).toEqual([]);
  });

  test('a dotted key, which the platform accepts (and estates hold: Owner.Email), can be declared and used', () => {
    const stack = testStack();
    new TagDefinition(stack, 'meshWorkspace.Owner.Email', { targetKind: 'meshWorkspace', key: 'Owner.Email' });
    new Workspace(stack, 'A', { identifier: 'a', tags: { 'Owner.Email': 'ops@example.com' } });
    expect(validationErrors(stack)).toEqual([]);
    const { manifest } = synthOutputs(stack);
    expect(manifest.tagDefinitions.map((d) => [d.metadata.name, d.spec.key])).toEqual([
      ['meshWorkspace.Owner.Email', 'Owner.Email'],
    ]);
    expect(manifest.workspaces[0].metadata.tags).toEqual({ 'Owner.Email': ['ops@example.com'] });
  });
});
