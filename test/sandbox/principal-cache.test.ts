import { type Principal, PrincipalCache } from '../../sandbox/auth';
import type { Tx } from '../../sandbox/db';

const tx = {} as Tx;
const claims = { username: 'bob', clientId: 'bob' };
const bob = (isPartner: boolean): Principal => ({ username: 'bob', clientId: 'bob', isPartner });

describe('PrincipalCache (principals between writes)', () => {
  test('reads share one lookup until a write clears it', async () => {
    const cache = new PrincipalCache();
    const lookup = jest.fn(async () => bob(false));
    await cache.get(tx, claims, lookup);
    await cache.get(tx, claims, lookup);
    expect(lookup).toHaveBeenCalledTimes(1);
    cache.clear();
    await cache.get(tx, claims, lookup);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  test('a lookup that a write overtook is not cached (the write may have changed the principal)', async () => {
    const cache = new PrincipalCache();
    let finish!: (p: Principal) => void;
    const slow = cache.get(tx, claims, () => new Promise<Principal>((r) => (finish = r)));
    cache.clear(); // a write starts and ends while the lookup is under way
    finish(bob(true));
    expect(await slow).toEqual(bob(true));
    const fresh = jest.fn(async () => bob(false));
    expect(await cache.get(tx, claims, fresh)).toEqual(bob(false));
    expect(fresh).toHaveBeenCalledTimes(1);
  });
});
