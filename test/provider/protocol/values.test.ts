/** Terraform's msgpack value encoding: unknowns, nulls for unset attributes, nested blocks, and types checked. */
import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { impliedType } from '../../../provider/protocol/schema';
import {
  type CtyType,
  UNKNOWN,
  type Value,
  ValueTypeError,
  conform,
  copyValue,
  decodeValue,
  encodeValue,
  hasUnknown,
  typeJson,
} from '../../../provider/protocol/values';
import { createProvider } from '../../../provider/provider';
import { WORKSPACE_SCHEMA } from '../../../provider/resources/workspace-value';

const OBJ: CtyType = [
  'object',
  {
    name: 'string',
    count: 'number',
    on: 'bool',
    tags: ['map', ['list', 'string']],
    items: ['set', ['object', { role: 'string', status: 'string' }]],
  },
];

describe('msgpack values', () => {
  test('an unknown value is extension 0 with one zero byte, as cty writes it, and decodes back to UNKNOWN', () => {
    const bytes = encodeValue({ name: 'a', count: UNKNOWN, on: null, tags: null, items: [] }, OBJ);
    expect(Buffer.from(bytes).includes(Buffer.from([0xd4, 0x00, 0x00]))).toBe(true);
    expect(decodeValue(bytes, OBJ)).toEqual({ name: 'a', count: UNKNOWN, on: null, tags: null, items: [] });
  });

  test('a refined unknown (extension 12, newer Terraform) decodes as unknown', () => {
    const refined = Buffer.concat([
      Buffer.from([0x81, 0xa4]),
      Buffer.from('name'),
      Buffer.from([0xc7, 0x01, 0x0c, 0x80]),
    ]);
    expect(decodeValue(refined, ['object', { name: 'string' }])).toEqual({ name: UNKNOWN });
  });

  test('objects always carry every attribute (null where unset), in a value Terraform decodes as the object type', () => {
    const decoded = decode(encodeValue({ name: 'x' }, OBJ)) as Record<string, unknown>;
    expect(Object.keys(decoded).sort()).toEqual(['count', 'items', 'name', 'on', 'tags']);
    expect(decoded.count).toBeNull();
  });

  test('an attribute the type does not have, or a value of another type, is an error naming the path', () => {
    expect(() => conform({ name: 'x', colour: 'red' }, OBJ)).toThrow(
      new ValueTypeError('', 'unexpected attribute(s) colour'),
    );
    expect(() => conform({ name: 'x', items: [{ role: 3 }] }, OBJ)).toThrow(/items\[0\]\.role: expected string, got 3/);
  });

  test('state from an older schema upgrades: attributes added since come in as null, removed ones are dropped', async () => {
    const provider = createProvider({}, () => undefined);
    const old = {
      identifier: 'w',
      display_name: 'W',
      retired_attribute: 'x',
      binding: [{ role: 'Workspace Owner', user: 'alice', retired: true }],
      project: [],
    };
    const res = (await provider.UpgradeResourceState({
      type_name: 'meshform_workspace',
      raw_state: { json: Buffer.from(JSON.stringify(old)) },
    })) as { upgraded_state: { msgpack: Buffer }; diagnostics: unknown[] };
    expect(res.diagnostics).toEqual([]);
    const type = impliedType(WORKSPACE_SCHEMA.block);
    expect(decodeValue(res.upgraded_state.msgpack, type)).toMatchObject({
      identifier: 'w',
      owner_stack: null,
      binding: [{ role: 'Workspace Owner', user: 'alice', status: null }],
    });
  });

  test('a number sent as a string (big numbers, JSON state) is read as a number', () => {
    expect(conform({ count: '12' }, OBJ)).toMatchObject({ count: 12 });
  });

  test('values round-trip through msgpack unchanged', () => {
    // __proto__ as a key is refused by the decoder (the test below), so it cannot round-trip.
    const tags = fc.dictionary(
      fc.string({ minLength: 1 }).filter((k) => k !== '__proto__'),
      fc.array(fc.string()),
    );
    const item = fc.record({
      role: fc.oneof(fc.string(), fc.constant(null)),
      status: fc.oneof(fc.string(), fc.constant(UNKNOWN as Value)),
    });
    // -0 aside: msgpack writes it as the integer 0.
    const value = fc.record({
      name: fc.string(),
      count: fc.oneof(
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
        fc.constant(null),
      ),
      on: fc.boolean(),
      tags: fc.oneof(tags, fc.constant(null)),
      items: fc.array(item),
    });
    fc.assert(fc.property(value, (v) => expect(decodeValue(encodeValue(v as Value, OBJ), OBJ)).toEqual(v)));
  });

  test('a map key __proto__ is refused when decoding, never turned into a prototype', () => {
    const bytes = encodeValue({ name: 'x', tags: Object.fromEntries([['__proto__', ['a']]]), items: [] }, OBJ);
    expect(() => decodeValue(bytes, OBJ)).toThrow(/__proto__ is not allowed/);
  });

  test('hasUnknown finds an unknown at any depth, and copyValue keeps it', () => {
    const v: Value = { a: [{ b: UNKNOWN }] };
    expect(hasUnknown(v)).toBe(true);
    expect(hasUnknown({ a: [{ b: 'x' }] })).toBe(false);
    expect(copyValue(v)).toEqual(v);
    expect(copyValue(v)).not.toBe(v);
  });

  test("a schema's implied type has nested blocks as lists or sets of objects, and its JSON is Terraform's type syntax", () => {
    const type = impliedType(WORKSPACE_SCHEMA.block) as ['object', Record<string, CtyType>];
    expect(type[1].binding).toEqual(['set', ['object', expect.objectContaining({ role: 'string', status: 'string' })]]);
    expect(type[1].project).toEqual([
      'list',
      ['object', expect.objectContaining({ identifier: 'string', binding: ['set', expect.anything()] })],
    ]);
    expect(typeJson(type[1].tags).toString()).toBe('["map",["list","string"]]');
    // An empty workspace value encodes: every block an empty collection, every attribute null.
    expect(decodeValue(encodeValue({ identifier: 'w', binding: [], project: [] }, type), type)).toMatchObject({
      identifier: 'w',
      tags: null,
      binding: [],
      project: [],
    });
  });
});
